"""Forms of the promotion pages: plan, confirm, withdraw, batches, frontline quotas, filters."""

from typing import Any

from django import forms

from apps.cadres.constants import RankGrade
from apps.core.forms import DATE_WIDGET, StyledFormMixin
from apps.selection.constants import PromotionKind, PromotionStatus, QuotaEnforcement
from apps.units.constants import UnitKind, UnitLevel


class PlanForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="任用类别", choices=PromotionKind.choices)
    post = forms.TypedChoiceField(label="拟任职务", coerce=int, required=False, empty_value=None)
    target_rank = forms.ChoiceField(
        label="拟晋升职级", choices=[("", "—"), *RankGrade.choices], required=False
    )
    decision_date = forms.DateField(label="研究决定日期", widget=DATE_WIDGET)
    doc_no = forms.CharField(label="文号/会议纪要", max_length=100, required=False)
    batch = forms.TypedChoiceField(label="任免批次", coerce=int, required=False, empty_value=None)
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        post_choices: list[tuple[int, str]],
        batch_choices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        post: Any = self.fields["post"]
        post.choices = [("", "—"), *post_choices]
        batch: Any = self.fields["batch"]
        batch.choices = [("", "不加入批次"), *batch_choices]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("kind") == PromotionKind.RANK and not data.get("target_rank"):
            self.add_error("target_rank", "职级晋升须选择拟晋升职级")
        if data.get("kind") and data.get("kind") != PromotionKind.RANK and not data.get("post"):
            self.add_error("post", "请选择拟任职务")
        return data


class ConfirmForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    start_date = forms.DateField(label="任职日期", widget=DATE_WIDGET)
    doc_no = forms.CharField(label="任职文号", max_length=100, required=False)
    end_current = forms.BooleanField(label="同时免去现任职务", required=False, initial=True)
    override_reason = forms.CharField(
        label="低于一线比例仍确认的理由",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="撤回原因", max_length=200)


class BatchForm(StyledFormMixin, forms.Form):
    unit = forms.TypedChoiceField(label="决定单位", coerce=int)
    title = forms.CharField(label="批次名称", max_length=100)
    decision_date = forms.DateField(label="研究决定日期", widget=DATE_WIDGET)
    doc_no = forms.CharField(label="任职文号", max_length=100, required=False)

    def __init__(self, *args: Any, unit_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["unit"]
        unit.choices = unit_choices


class QuotaForm(StyledFormMixin, forms.Form):
    unit = forms.TypedChoiceField(label="适用范围（单位及下属）", coerce=int)
    unit_level = forms.ChoiceField(label="任职单位层级", choices=UnitLevel.choices)
    unit_kind = forms.ChoiceField(
        label="任职单位类别", choices=[("", "不限"), *UnitKind.choices], required=False
    )
    min_percent = forms.IntegerField(label="一线经历干部最低占比（%）", min_value=1, max_value=100)
    enforcement = forms.ChoiceField(label="低于比例时", choices=QuotaEnforcement.choices)
    effective_from = forms.DateField(label="生效日期", widget=DATE_WIDGET)
    source = forms.CharField(label="依据", max_length=300)

    def __init__(self, *args: Any, unit_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["unit"]
        unit.choices = unit_choices


class PromotionFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=50)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(required=False, choices=[("", "全部"), *PromotionKind.choices])
    status = forms.ChoiceField(required=False, choices=[("", "全部"), *PromotionStatus.choices])
    frontline = forms.ChoiceField(
        required=False, choices=[("", "全部"), ("1", "有一线经历"), ("0", "无一线经历")]
    )
    unit = forms.IntegerField(required=False)
