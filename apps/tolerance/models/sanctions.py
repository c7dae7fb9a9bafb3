"""Sanctions and the follow-up of disciplined cadres: mentors, visits, reuse assessments."""

from django.db import models
from django.db.models import Q

from apps.cadres.models import Appointment, Cadre
from apps.core.models import TimeStampedModel, VersionedModel
from apps.tolerance.constants import (
    ReuseRecommendation,
    SanctionKind,
    SanctionType,
)
from apps.tolerance.models.base import SanctionPartQuerySet, _user

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
