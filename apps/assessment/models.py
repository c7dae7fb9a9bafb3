"""Assessment records — 知事识人: research campaigns and visits to leadership teams, the 事 a cadre
carried and how (谋事 / 干事 / 成事), routine (平时), annual (年度) and special (专项) assessment,
awards that follow from grades, and findings of inaction (不作为不担当, need-to-know).

Scope (apps/core/scope.py): per-cadre rows follow the cadre's scope (unit subtree and management
level); campaigns are unit-owned registries; visits, team lists, key work items and annual sheets
belong to a unit (a leadership team is the unit it leads) and are visible inside granted subtrees;
inaction findings need the `inaction` pillar.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.cadres.models import Cadre, CadrePartQuerySet
from apps.core.models import TimeStampedModel, VersionedModel
from apps.core.scope import Pillar, RegistryQuerySet, UnitScopedQuerySet
from apps.frontline.models import CentralTask
from apps.units.models import Unit

from .constants import (
    AnnualGrade,
    AwardKind,
    InactionAdjustment,
    InactionSource,
    ObservationKind,
    ProposalStatus,
    RoutineGrade,
    SheetStatus,
    TaskRating,
    TeamRating,
)

USER = settings.AUTH_USER_MODEL


def _user(label: str) -> models.ForeignKey:
    return models.ForeignKey(
        USER, verbose_name=label, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


# --- research campaigns (调研) -----------------------------------------------------------------


class CampaignQuerySet(RegistryQuerySet["ResearchCampaign"]):
    owner_field = "unit"


class ResearchCampaign(TimeStampedModel):
    """A research campaign, e.g. 2026年市管领导班子全覆盖调研: the teams to cover by a date."""

    unit = models.ForeignKey(
        Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="research_campaigns"
    )
    name = models.CharField("调研名称", max_length=100)
    start_date = models.DateField("开始日期")
    due_date = models.DateField("完成时限")
    description = models.TextField("调研重点", blank=True)
    created_by = _user("创建人")

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "调研活动"
        verbose_name_plural = "调研活动"
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.name


class TeamQuerySet(UnitScopedQuerySet["CampaignTeam"]):
    scope_unit_field = "team"


class CampaignTeam(models.Model):
    """A leadership team (领导班子, the unit it leads) a campaign must cover."""

    campaign = models.ForeignKey(
        ResearchCampaign, verbose_name="调研活动", on_delete=models.CASCADE, related_name="teams"
    )
    team = models.ForeignKey(
        Unit, verbose_name="领导班子（单位）", on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField("应完成日期", null=True, blank=True, help_text="空则按调研时限")

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = "调研对象"
        verbose_name_plural = "调研对象"
        ordering = ["campaign", "team__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "team"], name="campaign_team_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.team}"


class VisitQuerySet(UnitScopedQuerySet["ResearchVisit"]):
    scope_unit_field = "team"


class ResearchVisit(TimeStampedModel):
    """One visit: who went, whom they talked to, how the team functions, follow-up items."""

    campaign = models.ForeignKey(
        ResearchCampaign,
        verbose_name="调研活动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    team = models.ForeignKey(
        Unit, verbose_name="领导班子（单位）", on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField("调研日期")
    visitors = models.CharField("调研人员", max_length=200)
    interviewees = models.TextField("谈话对象")
    interview_count = models.PositiveIntegerField("谈话人数", default=0)
    unity = models.CharField("团结协作", max_length=12, choices=TeamRating.choices)
    decision_making = models.CharField("科学决策", max_length=12, choices=TeamRating.choices)
    execution = models.CharField("狠抓落实", max_length=12, choices=TeamRating.choices)
    integrity = models.CharField("廉洁自律", max_length=12, choices=TeamRating.choices)
    team_notes = models.TextField("班子运行情况", blank=True)
    follow_up = models.TextField("需跟进事项", blank=True)
    created_by = _user("录入人")

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = "调研记录"
        verbose_name_plural = "调研记录"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.team} {self.visited_on:%Y-%m-%d}"


class VisitObservation(TimeStampedModel):
    """What a visit found about a named cadre (strength, weakness, standout in a named task)."""

    visit = models.ForeignKey(
        ResearchVisit,
        verbose_name="调研记录",
        on_delete=models.CASCADE,
        related_name="observations",
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="visit_observations"
    )
    kind = models.CharField("类别", max_length=12, choices=ObservationKind.choices)
    central_task = models.ForeignKey(
        CentralTask,
        verbose_name="相关中心任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField("具体表现")

    objects = CadrePartQuerySet["VisitObservation"].as_manager()

    class Meta:
        verbose_name = "调研发现（干部）"
        verbose_name_plural = "调研发现（干部）"
        ordering = ["-visit__visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_kind_display()}"


# --- 知事识人: the 事 and how each cadre carried it -------------------------------------------


class KeyWorkQuerySet(UnitScopedQuerySet["KeyWork"]):
    scope_unit_field = "unit"


class KeyWork(TimeStampedModel):
    """A unit's key work item (重点工作), one kind of 事 besides a CentralTask."""

    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="key_work"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("重点工作", max_length=200)
    description = models.TextField("工作目标", blank=True)

    objects = KeyWorkQuerySet.as_manager()

    class Meta:
        verbose_name = "重点工作"
        verbose_name_plural = "重点工作"
        ordering = ["-year", "unit", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class TaskRecord(VersionedModel):
    """知事识人: a cadre's part in a 事 (a CentralTask or a unit's KeyWork), rated on how they
    planned it (谋事), did it (干事) and finished it (成事), each with evidence."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="task_records"
    )
    central_task = models.ForeignKey(
        CentralTask,
        verbose_name="中心任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_records",
    )
    key_work = models.ForeignKey(
        KeyWork,
        verbose_name="重点工作",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_records",
    )
    role = models.CharField("承担角色", max_length=100)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    planning = models.CharField("谋事", max_length=12, choices=TaskRating.choices, blank=True)
    planning_evidence = models.TextField("谋事依据", blank=True)
    execution = models.CharField("干事", max_length=12, choices=TaskRating.choices, blank=True)
    execution_evidence = models.TextField("干事依据", blank=True)
    result = models.CharField("成事", max_length=12, choices=TaskRating.choices, blank=True)
    result_evidence = models.TextField("成事依据", blank=True)
    observations = models.ManyToManyField(
        VisitObservation, verbose_name="调研印证", blank=True, related_name="task_records"
    )
    created_by = _user("录入人")

    objects = CadrePartQuerySet["TaskRecord"].as_manager()

    class Meta:
        verbose_name = "知事识人记录"
        verbose_name_plural = "知事识人记录"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(central_task__isnull=False) | Q(key_work__isnull=False),
                name="task_record_has_a_matter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.central_task or self.key_work}"


# --- routine, annual and special assessment --------------------------------------------------


class RoutineAssessment(VersionedModel):
    """平时考核 for one period (quarter by default: `period` 1–4; monthly localities use 1–12)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="routine_assessments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="考核单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    period = models.PositiveSmallIntegerField("期次")
    grade = models.CharField("等次", max_length=12, choices=RoutineGrade.choices)
    work_summary = models.TextField("工作纪实", blank=True)
    comment = models.TextField("考核评语", blank=True)
    entered_by = _user("录入人")

    objects = CadrePartQuerySet["RoutineAssessment"].as_manager()

    class Meta:
        verbose_name = "平时考核"
        verbose_name_plural = "平时考核"
        ordering = ["-year", "-period", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year", "period"], name="routine_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year}-{self.period} {self.get_grade_display()}"


class SheetQuerySet(UnitScopedQuerySet["AnnualSheet"]):
    scope_unit_field = "unit"


class AnnualSheet(VersionedModel):
    """A unit's annual assessment for a year: filled in, checked against the 优秀 quota, then
    submitted (ASM-QUOTA-1); submission is blocked while over quota."""

    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="annual_sheets"
    )
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField(
        "状态", max_length=12, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    participants = models.PositiveIntegerField("参加考核人数", default=0)
    excellent_quota = models.PositiveIntegerField("优秀名额", default=0)
    quota_rule = models.JSONField("名额计算依据", default=dict, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = _user("提交人")

    objects = SheetQuerySet.as_manager()

    class Meta:
        verbose_name = "年度考核（单位）"
        verbose_name_plural = "年度考核（单位）"
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="annual_sheet_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年度考核"


class AnnualAssessment(VersionedModel):
    """年度考核 result of one cadre for a year (one per cadre and year)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="annual_assessments"
    )
    sheet = models.ForeignKey(
        AnnualSheet, verbose_name="单位年度考核", on_delete=models.PROTECT, related_name="rows"
    )
    year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("等次", max_length=24, choices=AnnualGrade.choices, blank=True)
    comment = models.TextField("评语", blank=True)
    cap_note = models.CharField(
        "等次限制", max_length=200, blank=True, help_text="ASM-DIS-1 等规则对本人等次的限制"
    )
    entered_by = _user("录入人")

    objects = CadrePartQuerySet["AnnualAssessment"].as_manager()

    class Meta:
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="annual_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year} {self.get_grade_display()}"


class FlagQuerySet(CadrePartQuerySet["FollowUpFlag"]):
    scope_prefix = "assessment__cadre__"


class FollowUpFlag(TimeStampedModel):
    """A consequence of an annual grade that someone must act on (ASM-21-1 诫勉 for 基本称职,
    ASM-22-1 降低层次 for 不称职, dismissal after two 不称职 years)."""

    assessment = models.ForeignKey(
        AnnualAssessment, verbose_name="年度考核", on_delete=models.CASCADE, related_name="flags"
    )
    rule = models.CharField("规则", max_length=20)
    text = models.CharField("需办理事项", max_length=200)
    done_on = models.DateField("办理日期", null=True, blank=True)
    done_note = models.TextField("办理情况", blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = "考核结果运用事项"
        verbose_name_plural = "考核结果运用事项"
        ordering = ["done_on", "id"]

    def __str__(self) -> str:
        return self.text


class AwardProposal(TimeStampedModel):
    """ASM-19-1 awards that follow from grades, proposed for confirmation; a run of years earns
    each award once (unique on cadre, kind and the run's last year)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="award_proposals"
    )
    kind = models.CharField("奖励", max_length=16, choices=AwardKind.choices)
    first_year = models.PositiveSmallIntegerField("起始年度")
    last_year = models.PositiveSmallIntegerField("截止年度")
    status = models.CharField(
        "状态", max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    decided_by = _user("确认人")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    objects = CadrePartQuerySet["AwardProposal"].as_manager()

    class Meta:
        verbose_name = "考核奖励建议"
        verbose_name_plural = "考核奖励建议"
        ordering = ["-last_year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "kind", "last_year"], name="award_once_per_run"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_kind_display()}（{self.first_year}–{self.last_year}）"


class SpecialAssessment(TimeStampedModel):
    """专项考核 tied to a central task (黑龙江: special assessment of poverty alleviation)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="special_assessments"
    )
    central_task = models.ForeignKey(
        CentralTask, verbose_name="中心任务", on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField("考核日期")
    result = models.CharField("考核结果", max_length=24, choices=AnnualGrade.choices)
    remarks = models.TextField("评价意见", blank=True)
    entered_by = _user("录入人")

    objects = CadrePartQuerySet["SpecialAssessment"].as_manager()

    class Meta:
        verbose_name = "专项考核"
        verbose_name_plural = "专项考核"
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "central_task", "assessed_on"], name="special_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.central_task}"


class InactionQuerySet(CadrePartQuerySet["InactionFinding"]):
    scope_pillar: ClassVar[str | None] = Pillar.INACTION


class InactionFinding(VersionedModel):
    """不作为不担当 found in an assessment or campaign, with the adjustment decided (能上能下)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="inaction_findings"
    )
    source = models.CharField("来源", max_length=12, choices=InactionSource.choices)
    found_on = models.DateField("认定日期")
    reason_code = models.PositiveSmallIntegerField(
        "不适宜担任现职情形", help_text="《推进领导干部能上能下规定》第五条所列情形序号"
    )
    description = models.TextField("具体表现")
    adjustment = models.CharField(
        "调整方式", max_length=16, choices=InactionAdjustment.choices, blank=True
    )
    decided_on = models.DateField("调整决定日期", null=True, blank=True)
    created_by = _user("录入人")

    objects = InactionQuerySet.as_manager()

    class Meta:
        verbose_name = "不作为不担当认定"
        verbose_name_plural = "不作为不担当认定"
        ordering = ["-found_on", "-id"]

    def __str__(self) -> str:
        return f"{self.cadre} {self.found_on:%Y-%m-%d}"
