"""Tolerance cases with evidence and corrections, 澄清正名, and the typical-case library."""

from django.db import models

from apps.cadres.models import Cadre
from apps.core.models import TimeStampedModel, VersionedModel
from apps.core.scope import RegistryQuerySet
from apps.tolerance.constants import (
    Applicant,
    Area,
    CaseStage,
    CaseStatus,
    Distinction,
    Outcome,
    PublicationScope,
)
from apps.tolerance.models.base import USER, TolerancePartQuerySet, _user
from apps.tolerance.models.methods import ToleranceList, ToleranceMethod
from apps.units.models import Unit

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
