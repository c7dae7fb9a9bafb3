"""Pillar 3 records: promotions (提拔 / 进一步使用 / 交流 / 职级晋升), exceptional-promotion
grounds (破格), negative flags, frontline quotas, 任前公示, 试用期, rank quotas, reserve pools.

Scope (apps/core/scope.py):
- promotions, flags, exceptional grounds, publicity, probation and reserve entries are parts of a
  cadre's record and follow the cadre's scope (unit subtree and management level);
- quotas and reserve pools are unit-owned registries: visible where the owning unit is inside a
  granted subtree or above it, changed only inside a subtree granted for change.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.cadres.constants import RankGrade
from apps.cadres.models import Appointment, Cadre, CadrePartQuerySet, Post, RankRecord
from apps.core.models import TimeStampedModel, VersionedModel
from apps.core.scope import RegistryQuerySet
from apps.units.constants import Tier, UnitKind, UnitLevel
from apps.units.models import Unit

from .constants import (
    MeritGround,
    NegativeFlagKind,
    ProbationOutcome,
    PromotionKind,
    PromotionStatus,
    PublicityOutcome,
    QuotaEnforcement,
    ReserveExitReason,
    ReserveSource,
)


def _creator() -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class NegativeFlag(TimeStampedModel):
    """A blocking fact recorded by the organization department (ELG-24-1, ELG-24-2(3)), in force
    from `start_date` until `end_date` (open = still in force)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="negative_flags"
    )
    kind = models.CharField("情形", max_length=24, choices=NegativeFlagKind.choices)
    note = models.CharField("情况说明", max_length=300)
    start_date = models.DateField("起始日期")
    end_date = models.DateField("解除日期", null=True, blank=True, help_text="仍在影响的留空")
    special_post_exempt = models.BooleanField(
        "特殊岗位需要（不作为限制）",
        default=False,
        help_text="ELG-24-1(5)：除特殊岗位需要外",
    )
    created_by = _creator()
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)

    objects = CadrePartQuerySet["NegativeFlag"].as_manager()

    class Meta:
        verbose_name = "负面情形"
        verbose_name_plural = "负面情形"
        ordering = ["-start_date", "id"]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_kind_display()}"


class ExceptionalPromotion(TimeStampedModel):
    """破格提拔 grounds (ELG-9-2): which qualification rules are waived for this cadre and target,
    on which ground, approved when and by which document. Never silent: the waiver shows in every
    verdict it changes, and the 任前公示 must state it (SEL-42-1)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="exceptional_grounds"
    )
    target_tier = models.CharField("拟任职务层次", max_length=24, choices=Tier.choices)
    ground = models.CharField("破格情形", max_length=24, choices=MeritGround.choices)
    explanation = models.TextField("具体情形和理由")
    waived_rules = models.JSONField("突破的资格条件", default=list)
    approved_on = models.DateField("研究决定日期")
    doc_no = models.CharField("依据文号/会议纪要", max_length=100, blank=True)
    created_by = _creator()
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)

    objects = CadrePartQuerySet["ExceptionalPromotion"].as_manager()

    class Meta:
        verbose_name = "破格提拔"
        verbose_name_plural = "破格提拔"
        ordering = ["-approved_on", "id"]

    def __str__(self) -> str:
        return f"{self.cadre} 破格（{self.get_ground_display()}）"


class PromotionBatchQuerySet(RegistryQuerySet["PromotionBatch"]):
    owner_field = "unit"


class PromotionBatch(VersionedModel):
    """A set of promotions decided together (one 党委/党组 meeting), confirmed at once after the
    quota what-if (FrontlineQuota)."""

    unit = models.ForeignKey(
        Unit, verbose_name="决定单位", on_delete=models.PROTECT, related_name="promotion_batches"
    )
    title = models.CharField("批次名称", max_length=100)
    decision_date = models.DateField("研究决定日期")
    doc_no = models.CharField("任职文号", max_length=100, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    quota_override_reason = models.CharField("低于一线比例仍确认的理由", max_length=300, blank=True)
    created_by = _creator()

    objects = PromotionBatchQuerySet.as_manager()

    class Meta:
        verbose_name = "任免批次"
        verbose_name_plural = "任免批次"
        ordering = ["-decision_date", "-id"]

    def __str__(self) -> str:
        return self.title


class Promotion(VersionedModel):
    """提拔 / 进一步使用 / 交流 / 职级晋升. Planned first (in a batch, under publicity), then
    confirmed: confirming writes the Appointment or RankRecord through the cadre services.

    The verdict (rule chain, parameter values, frontline fact) is stored as judged on the decision
    date, so a later change of rules or facts never rewrites why a decision was taken."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="promotions"
    )
    kind = models.CharField("类别", max_length=16, choices=PromotionKind.choices)
    status = models.CharField(
        "状态", max_length=16, choices=PromotionStatus.choices, default=PromotionStatus.PLANNED
    )
    batch = models.ForeignKey(
        PromotionBatch,
        verbose_name="批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="promotions",
    )
    post = models.ForeignKey(
        Post,
        verbose_name="拟任职务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="promotions",
    )
    target_tier = models.CharField("拟任职务层次", max_length=24, choices=Tier.choices, blank=True)
    target_rank = models.CharField(
        "拟晋升职级", max_length=24, choices=RankGrade.choices, blank=True
    )
    from_tier = models.CharField("原职务层次", max_length=24, choices=Tier.choices, blank=True)
    from_rank = models.CharField("原职级", max_length=24, choices=RankGrade.choices, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name="任职单位",
        on_delete=models.PROTECT,
        related_name="promotions_into",
    )
    unit_level = models.CharField("单位层级", max_length=16, choices=UnitLevel.choices)
    unit_kind = models.CharField("单位类别", max_length=24, choices=UnitKind.choices)
    decision_date = models.DateField("研究决定日期")
    doc_no = models.CharField("任职文号", max_length=100, blank=True)
    frontline = models.BooleanField("具有一线经历", default=False)
    frontline_months = models.DecimalField(
        "一线经历（月）", max_digits=6, decimal_places=1, default=0
    )
    eligible = models.BooleanField("资格审查通过", default=False)
    verdict = models.JSONField("资格审查记录", default=dict)
    exceptional = models.ForeignKey(
        ExceptionalPromotion,
        verbose_name="破格依据",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="promotions",
    )
    appointment = models.OneToOneField(
        Appointment,
        verbose_name="任职记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="promotion",
    )
    rank_record = models.OneToOneField(
        RankRecord,
        verbose_name="职级记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="promotion",
    )
    confirmed_on = models.DateField("任职日期", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    created_by = _creator()

    objects = CadrePartQuerySet["Promotion"].as_manager()

    class Meta:
        verbose_name = "干部任用"
        verbose_name_plural = "干部任用"
        ordering = ["-decision_date", "-id"]
        indexes = [
            models.Index(fields=["status", "decision_date"], name="promo_status_date"),
            models.Index(fields=["cadre", "decision_date"], name="promo_cadre_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target_tier="") | ~Q(target_rank=""), name="promo_has_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_kind_display()}"


class FrontlineQuotaQuerySet(RegistryQuerySet["FrontlineQuota"]):
    owner_field = "unit"


class FrontlineQuota(TimeStampedModel):
    """一线提拔比例 (昭通: 市级 ≥60%, 县级 ≥80%, 市直部门 ≥50%): of the cadres promoted in a year
    into units of this level (and kind, when set) within `unit`'s subtree, at least `min_percent`
    must have frontline experience. Rows are never edited: a change is a new row from a date on."""

    unit = models.ForeignKey(
        Unit, verbose_name="适用范围（单位及下属）", on_delete=models.PROTECT, related_name="+"
    )
    unit_level = models.CharField("任职单位层级", max_length=16, choices=UnitLevel.choices)
    unit_kind = models.CharField(
        "任职单位类别", max_length=24, choices=UnitKind.choices, blank=True, help_text="留空=不限"
    )
    min_percent = models.PositiveSmallIntegerField("一线经历干部最低占比（%）")
    enforcement = models.CharField(
        "低于比例时", max_length=8, choices=QuotaEnforcement.choices, default=QuotaEnforcement.WARN
    )
    effective_from = models.DateField("生效日期")
    source = models.CharField("依据", max_length=300, blank=True)
    created_by = _creator()

    objects = FrontlineQuotaQuerySet.as_manager()

    class Meta:
        verbose_name = "一线提拔比例"
        verbose_name_plural = "一线提拔比例"
        ordering = ["unit", "unit_level", "unit_kind", "-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.get_unit_level_display()}{self.get_unit_kind_display()} ≥{self.min_percent}%"


class RankQuotaQuerySet(RegistryQuerySet["RankQuota"]):
    owner_field = "unit"


class RankQuota(TimeStampedModel):
    """RANK-QUOTA-1 职数比例 (UNVERIFIED, local configuration): the cadres holding `ranks` in
    `unit`'s subtree may be at most `max_percent` of the cadres holding `base_ranks` there (empty
    = every cadre with a 职级)."""

    unit = models.ForeignKey(
        Unit, verbose_name="适用范围（单位及下属）", on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField("名称", max_length=100)
    ranks = models.JSONField("限额职级")
    base_ranks = models.JSONField("基数职级", default=list, blank=True)
    max_percent = models.DecimalField("最高占比（%）", max_digits=5, decimal_places=1)
    effective_from = models.DateField("生效日期")
    source = models.CharField("依据", max_length=300, blank=True)
    created_by = _creator()

    objects = RankQuotaQuerySet.as_manager()

    class Meta:
        verbose_name = "职级职数比例"
        verbose_name_plural = "职级职数比例"
        ordering = ["unit", "label", "-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.label} ≤{self.max_percent}%"


class PublicityQuerySet(CadrePartQuerySet["Publicity"]):
    scope_prefix: ClassVar[str] = "promotion__cadre__"


class Publicity(VersionedModel):
    """任前公示 (SEL-42-1; 职级 SEL-20-1): at least N working days, counted on the work calendar
    (apps/core/workdays.py) with holidays and 调休 workdays."""

    promotion = models.OneToOneField(
        Promotion, verbose_name="任用", on_delete=models.CASCADE, related_name="publicity"
    )
    start_date = models.DateField("公示开始日期")
    working_days = models.PositiveSmallIntegerField("公示期（工作日）")
    end_date = models.DateField("公示截止日期")
    scope_text = models.CharField("公示范围", max_length=200, blank=True)
    exceptional_reason = models.TextField("破格提拔的具体情形和理由", blank=True)
    feedback_count = models.PositiveSmallIntegerField("收到反映（件）", default=0)
    feedback_summary = models.TextField("反映情况及核查结论", blank=True)
    outcome = models.CharField(
        "公示结果",
        max_length=24,
        choices=PublicityOutcome.choices,
        default=PublicityOutcome.PENDING,
    )
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_by = _creator()

    objects = PublicityQuerySet.as_manager()

    class Meta:
        verbose_name = "任前公示"
        verbose_name_plural = "任前公示"
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return f"{self.promotion} 公示"


class ProbationQuerySet(CadrePartQuerySet["Probation"]):
    scope_prefix: ClassVar[str] = "promotion__cadre__"


class Probation(VersionedModel):
    """试用期 (SEL-43-1): one year from taking up the post, then an assessment: confirmed, or
    removed from the trial post and placed at the former rank."""

    promotion = models.OneToOneField(
        Promotion, verbose_name="任用", on_delete=models.CASCADE, related_name="probation"
    )
    start_date = models.DateField("试用期开始")
    end_date = models.DateField("试用期满")
    outcome = models.CharField(
        "考核结论",
        max_length=16,
        choices=ProbationOutcome.choices,
        default=ProbationOutcome.PENDING,
    )
    assessed_on = models.DateField("考核日期", null=True, blank=True)
    assessment_note = models.TextField("考核情况", blank=True)
    created_by = _creator()

    objects = ProbationQuerySet.as_manager()

    class Meta:
        verbose_name = "试用期"
        verbose_name_plural = "试用期"
        ordering = ["end_date", "id"]
        indexes = [models.Index(fields=["outcome", "end_date"], name="probation_due")]

    def __str__(self) -> str:
        return f"{self.promotion} 试用期"


class ReservePoolQuerySet(RegistryQuerySet["ReservePool"]):
    owner_field = "unit"


class ReservePool(TimeStampedModel):
    """后备干部库 for one target tier, kept by a unit's organization department."""

    unit = models.ForeignKey(
        Unit, verbose_name="管理单位", on_delete=models.PROTECT, related_name="reserve_pools"
    )
    target_tier = models.CharField("后备职务层次", max_length=24, choices=Tier.choices)
    name = models.CharField("名称", max_length=100)
    created_by = _creator()

    objects = ReservePoolQuerySet.as_manager()

    class Meta:
        verbose_name = "后备干部库"
        verbose_name_plural = "后备干部库"
        ordering = ["unit", "target_tier", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "target_tier"], name="reserve_pool_unit_tier")
        ]

    def __str__(self) -> str:
        return self.name


class ReserveEntry(VersionedModel):
    """A cadre in a reserve pool from `entry_date` until an exit with its reason."""

    pool = models.ForeignKey(
        ReservePool, verbose_name="后备干部库", on_delete=models.PROTECT, related_name="entries"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="reserve_entries"
    )
    entry_date = models.DateField("入库日期")
    source = models.CharField("来源", max_length=16, choices=ReserveSource.choices)
    reason = models.TextField("推荐理由/主要表现", blank=True)
    exit_date = models.DateField("出库日期", null=True, blank=True)
    exit_reason = models.CharField(
        "出库原因", max_length=16, choices=ReserveExitReason.choices, blank=True
    )
    exit_note = models.CharField("出库说明", max_length=300, blank=True)
    created_by = _creator()

    objects = CadrePartQuerySet["ReserveEntry"].as_manager()

    class Meta:
        verbose_name = "后备干部"
        verbose_name_plural = "后备干部"
        ordering = ["-entry_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "cadre"],
                condition=Q(exit_date__isnull=True),
                name="reserve_one_active_entry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre}（{self.pool}）"
