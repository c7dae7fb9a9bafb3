"""Pillar 4 records: 容错纠错 (cases, the locality's method with its positive/negative
lists, typical cases, corrections, 澄清正名) and the follow-up of disciplined cadres (sanctions,
one mentor each, follow-up visits, reuse assessments).

Need-to-know (apps/core/scope.py, architecture.md): tolerance cases and clarifications need the
`tolerance` pillar in the grant, sanctions and everything that follows them the `sanctions`
pillar, on top of the cadre's unit subtree and management level. The method, its lists and the
published typical-case library are unit-owned registries any cadre user of the locality reads.
"""

from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.cadres.models import Appointment, Cadre, CadrePartQuerySet
from apps.core.models import TimeStampedModel, VersionedModel
from apps.core.scope import Action, Pillar, RegistryQuerySet
from apps.units.models import Unit

from .constants import (
    Applicant,
    Area,
    CaseStage,
    CaseStatus,
    Distinction,
    ListKind,
    Outcome,
    PublicationScope,
    ReuseRecommendation,
    SanctionKind,
    SanctionType,
)

USER = settings.AUTH_USER_MODEL


def _user(label: str) -> models.ForeignKey:
    return models.ForeignKey(
        USER, verbose_name=label, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class TolerancePartQuerySet[M: models.Model](CadrePartQuerySet[M]):
    scope_pillar: ClassVar[str | None] = Pillar.TOLERANCE


class SanctionPartQuerySet[M: models.Model](CadrePartQuerySet[M]):
    """Sanction-pillar rows; soft-deleted rows (own `deleted_at`) are left out unless asked."""

    scope_pillar: ClassVar[str | None] = Pillar.SANCTIONS
    own_soft_delete: ClassVar[bool] = False

    def visible_to(
        self, actor: object, action: Action = Action.VIEW, *, include_deleted: bool = False
    ) -> Self:
        qs = super().visible_to(actor, action, include_deleted=include_deleted)
        if self.own_soft_delete and not include_deleted:
            qs = qs.filter(deleted_at__isnull=True)
        return qs


# --- the locality's method (办法), its interpretation and lists -----------------------------


class MethodQuerySet(RegistryQuerySet["ToleranceMethod"]):
    owner_field = "unit"


class ToleranceMethod(TimeStampedModel):
    """One version of a locality's 容错纠错办法 with its interpretation (释义). A published version
    is never edited: a change is a new version with a later effective date, so a case's checklist
    always shows the version in force when it was decided."""

    unit = models.ForeignKey(
        Unit, verbose_name="制定单位", on_delete=models.PROTECT, related_name="tolerance_methods"
    )
    title = models.CharField("办法名称", max_length=200)
    version_label = models.CharField("版本", max_length=50)
    effective_from = models.DateField("施行日期", null=True, blank=True)
    interpretation = models.TextField("释义", blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = _user("发布人")
    created_by = _user("创建人")

    objects = MethodQuerySet.as_manager()

    class Meta:
        verbose_name = "容错纠错办法"
        verbose_name_plural = "容错纠错办法"
        ordering = ["unit", "-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.version_label}）"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ToleranceList(models.Model):
    """One entry of a method version's positive list (可以容错) or negative list (不予容错)."""

    method = models.ForeignKey(
        ToleranceMethod, verbose_name="办法版本", on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField("清单", max_length=10, choices=ListKind.choices)
    code = models.CharField("编号", max_length=20)
    text = models.TextField("内容")
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "正面/负面清单条目"
        verbose_name_plural = "正面/负面清单条目"
        ordering = ["method", "kind", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["method", "kind", "code"], name="tolerance_list_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"


# --- tolerance cases ------------------------------------------------------------------------


class ToleranceCase(VersionedModel):
    """容错申请 → 受理 → 核实 → 认定 (checklist) → 结论 (with 纠错) → 办结."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="tolerance_cases"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="申请时所在单位", on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(
        "办理阶段", max_length=16, choices=CaseStage.choices, default=CaseStage.APPLIED
    )
    applicant = models.CharField("申请人", max_length=8, choices=Applicant.choices)
    applicant_name = models.CharField("申请人姓名/单位", max_length=100)
    applied_on = models.DateField("申请日期")
    notified_on = models.DateField(
        "问责（调查）告知日期", null=True, blank=True, help_text="申请期限自此日起算"
    )
    area = models.CharField("领域", max_length=16, choices=Area.choices)
    matter = models.TextField("失误错误情况")
    reasons = models.TextField("申请理由", blank=True)
    method = models.ForeignKey(
        ToleranceMethod,
        verbose_name="适用办法版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # 受理
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    accepted_by = _user("受理人")
    not_accepted_reason = models.TextField("不予受理理由", blank=True)
    # 核实
    investigation_notes = models.TextField("核实情况", blank=True)
    interviews = models.TextField("谈话情况", blank=True)
    verified_on = models.DateField("核实完成日期", null=True, blank=True)
    # 认定: TOL-1 three distinctions, each answered with reasons
    d1_inexperience = models.BooleanField("属于缺乏经验、先行先试的失误（非明知故犯）", null=True)
    d1_reason = models.TextField("理由（一）", blank=True)
    d2_not_prohibited = models.BooleanField(
        "属于上级无明确限制的探索性试验（非明令禁止）", null=True
    )
    d2_reason = models.TextField("理由（二）", blank=True)
    d3_no_personal_gain = models.BooleanField("属于推动发展的无意过失（非谋取私利）", null=True)
    d3_reason = models.TextField("理由（三）", blank=True)
    # TOL-4 conditions (山东 2017 model) and TOL-6 repeat exclusion
    c1_not_prohibited = models.BooleanField("法律法规和党纪政纪没有明令禁止", null=True)
    c2_pilot_unintentional = models.BooleanField("探索创新、先行先试出现无意过失", null=True)
    c3_force_majeure = models.BooleanField("存在不可抗力、难以预见等因素", null=True)
    c4_loss_mitigated = models.BooleanField("主动挽回损失、消除不良影响", null=True)
    c5_democratic_procedure = models.BooleanField(
        "经过民主程序决策或对错误决策提出明确反对意见", null=True
    )
    c6_no_improper_gain = models.BooleanField("没有为自己、他人或单位谋取不正当利益", null=True)
    is_repeat = models.BooleanField("重复出现同样失误（TOL-6）", null=True)
    factors = models.TextField(
        "综合分析研判（动机态度、客观条件、程序方法、性质程度、后果影响、挽回损失）", blank=True
    )
    positive_items = models.ManyToManyField(
        ToleranceList, verbose_name="符合的正面清单情形", blank=True, related_name="+"
    )
    negative_items = models.ManyToManyField(
        ToleranceList, verbose_name="涉及的负面清单情形", blank=True, related_name="+"
    )
    determined_on = models.DateField("认定日期", null=True, blank=True)
    determined_by = _user("认定人")
    # 结论
    outcome = models.CharField("结论", max_length=16, choices=Outcome.choices, blank=True)
    conclusion = models.TextField("结论理由", blank=True)
    concluded_on = models.DateField("结论日期", null=True, blank=True)
    concluded_by = _user("作出结论人")
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_by = _user("登记人")

    objects = TolerancePartQuerySet["ToleranceCase"].as_manager()

    class Meta:
        verbose_name = "容错纠错案件"
        verbose_name_plural = "容错纠错案件"
        ordering = ["-applied_on", "-id"]
        indexes = [
            models.Index(fields=["stage", "applied_on"], name="tol_case_stage"),
            models.Index(fields=["cadre", "outcome"], name="tol_case_cadre"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre}（{self.applied_on:%Y-%m-%d}申请）"


class CaseEvidenceQuerySet(TolerancePartQuerySet["CaseEvidence"]):
    scope_prefix = "case__cadre__"


class CaseEvidence(models.Model):
    """Investigation material of a case (served only through the scope check)."""

    case = models.ForeignKey(
        ToleranceCase, verbose_name="案件", on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField("材料", upload_to="tolerance/%Y/")
    name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(
        USER, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = CaseEvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "核实材料"
        verbose_name_plural = "核实材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class CorrectionQuerySet(TolerancePartQuerySet["Correction"]):
    scope_prefix = "case__cadre__"


class Correction(TimeStampedModel):
    """纠错: a correction measure recorded with the conclusion, with an owner and a due date,
    tracked to done (石家庄: 容错并举, 纠错)."""

    case = models.ForeignKey(
        ToleranceCase, verbose_name="案件", on_delete=models.CASCADE, related_name="corrections"
    )
    measure = models.TextField("纠错措施")
    owner = models.CharField("责任人/责任单位", max_length=100)
    due_on = models.DateField("完成时限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    done_note = models.TextField("完成情况", blank=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = "纠错措施"
        verbose_name_plural = "纠错措施"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.measure[:30]


class Clarification(TimeStampedModel):
    """澄清正名 for a cadre falsely accused."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="clarifications"
    )
    accusation = models.TextField("被反映问题")
    finding = models.TextField("核查结论")
    scope = models.CharField("澄清范围", max_length=10, choices=PublicationScope.choices)
    clarified_on = models.DateField("澄清日期")
    authority = models.CharField("澄清单位", max_length=100)
    created_by = _user("登记人")

    objects = TolerancePartQuerySet["Clarification"].as_manager()

    class Meta:
        verbose_name = "澄清正名"
        verbose_name_plural = "澄清正名"
        ordering = ["-clarified_on", "-id"]

    def __str__(self) -> str:
        return f"{self.cadre}（{self.clarified_on:%Y-%m-%d}）"


# --- typical cases --------------------------------------------------------------------------


class TypicalCaseQuerySet(RegistryQuerySet["TypicalCase"]):
    owner_field = "unit"


class TypicalCase(TimeStampedModel):
    """典型案例: drafted from a decided case (redacted by a reviewer) or written directly; once
    published, any cadre user of the locality may read it (no names, no identifying details)."""

    unit = models.ForeignKey(
        Unit, verbose_name="编发单位", on_delete=models.PROTECT, related_name="typical_cases"
    )
    source_case = models.ForeignKey(
        ToleranceCase,
        verbose_name="来源案件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="typical_cases",
    )
    status = models.CharField(
        "状态", max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    title = models.CharField("标题", max_length=200)
    area = models.CharField("领域", max_length=16, choices=Area.choices)
    situation = models.TextField("基本情况")
    decision = models.TextField("容错认定")
    distinction = models.CharField("体现的“区分开来”", max_length=16, choices=Distinction.choices)
    lesson = models.TextField("启示")
    tags = models.JSONField("标签", default=list, blank=True)
    search_text = models.TextField("检索文本", blank=True, editable=False)
    reviewed_by = _user("脱敏审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = _user("撰写人")

    objects = TypicalCaseQuerySet.as_manager()

    class Meta:
        verbose_name = "典型案例"
        verbose_name_plural = "典型案例"
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


# --- sanctions and the follow-up of disciplined cadres ---------------------------------------


class SanctionQuerySet(SanctionPartQuerySet["Sanction"]):
    own_soft_delete = True


class Sanction(VersionedModel):
    """处分 (党纪 / 政务) or 组织处理, with its influence period computed by the rules of the
    regulation it falls under (rules.md DIS-*); `influence_until` is stored for screening."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="sanctions"
    )
    kind = models.CharField("类别", max_length=16, choices=SanctionKind.choices)
    type = models.CharField("种类", max_length=24, choices=SanctionType.choices)
    probation_months = models.PositiveSmallIntegerField(
        "留党察看期限（月）", null=True, blank=True, help_text="留党察看填写12或24"
    )
    decision_date = models.DateField("决定日期")
    effective_date = models.DateField("生效日期", help_text="影响期自此日起算")
    authority = models.CharField("决定机关", max_length=100)
    document_number = models.CharField("文号", max_length=100, blank=True)
    summary = models.TextField("违纪违法事实摘要", blank=True)
    influence_until = models.DateField(
        "影响期至", null=True, blank=True, help_text="含当日；空表示长期影响（开除）"
    )
    revoked_on = models.DateField("撤销/变更日期", null=True, blank=True)
    revoke_reason = models.TextField("撤销/变更理由", blank=True)
    created_by = _user("登记人")
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        verbose_name = "处分与组织处理"
        verbose_name_plural = "处分与组织处理"
        ordering = ["-decision_date", "-id"]
        indexes = [models.Index(fields=["cadre", "influence_until"], name="sanction_cadre_until")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_type_display()}（{self.decision_date:%Y-%m-%d}）"


class MentorQuerySet(SanctionPartQuerySet["Mentor"]):
    pass


class Mentor(TimeStampedModel):
    """帮带责任人: exactly one active per sanctioned cadre (assigning a second ends the first)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="受处分干部", on_delete=models.PROTECT, related_name="mentors"
    )
    sanction = models.ForeignKey(
        Sanction,
        verbose_name="相关处分",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentors",
    )
    mentor_name = models.CharField("帮带责任人", max_length=50)
    mentor_post = models.CharField("职务", max_length=100)
    mentor_cadre = models.ForeignKey(
        Cadre,
        verbose_name="帮带责任人（干部库）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mentees",
    )
    assigned_on = models.DateField("确定日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=200, blank=True)
    created_by = _user("登记人")

    objects = MentorQuerySet.as_manager()

    class Meta:
        verbose_name = "帮带责任人"
        verbose_name_plural = "帮带责任人"
        ordering = ["-assigned_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"], condition=Q(ended_on__isnull=True), name="one_active_mentor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor_name} 帮带 {self.cadre}"


class FollowUp(TimeStampedModel):
    """教育帮扶 / 回访: a scheduled visit during the influence period (REUSE-3)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="受处分干部", on_delete=models.PROTECT, related_name="follow_ups"
    )
    sanction = models.ForeignKey(
        Sanction,
        verbose_name="相关处分",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    mentor = models.ForeignKey(
        Mentor,
        verbose_name="帮带责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    visited_on = models.DateField("回访日期")
    visitors = models.CharField("回访人", max_length=200)
    thinking = models.TextField("思想状况")
    work = models.TextField("工作表现")
    difficulties = models.TextField("困难诉求", blank=True)
    help_given = models.TextField("帮扶措施", blank=True)
    next_due = models.DateField("下次回访日期", null=True, blank=True)
    created_by = _user("登记人")

    objects = SanctionPartQuerySet["FollowUp"].as_manager()

    class Meta:
        verbose_name = "回访教育"
        verbose_name_plural = "回访教育"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.cadre} {self.visited_on:%Y-%m-%d}"


class ReuseAssessment(TimeStampedModel):
    """考察评估 at the end of the influence period, recommending reuse or further observation;
    where reused, the new post (an Appointment of the cadre record) is linked."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="reuse_assessments"
    )
    sanction = models.ForeignKey(
        Sanction,
        verbose_name="相关处分",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reuse_assessments",
    )
    assessed_on = models.DateField("考察日期")
    assessors = models.CharField("考察人", max_length=200)
    findings = models.TextField("考察情况（政治表现、履职情况、年度考核等）")
    recommendation = models.CharField(
        "考察意见", max_length=16, choices=ReuseRecommendation.choices
    )
    new_appointment = models.ForeignKey(
        Appointment,
        verbose_name="重新使用后的任职",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = _user("登记人")

    objects = SanctionPartQuerySet["ReuseAssessment"].as_manager()

    class Meta:
        verbose_name = "考察评估（重新使用）"
        verbose_name_plural = "考察评估（重新使用）"
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_recommendation_display()}"
