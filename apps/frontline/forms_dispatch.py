"""Forms of the dispatch pages: list filters, the new-dispatch form, one small form per action.

Action forms keep their field names equal to the service's keyword arguments (plus `version`, the
version the user saw); `auto_id` differs per action so several forms share one page."""

from typing import Any

from django import forms

from apps.core.forms import DATE_WIDGET, StyledFormMixin
from apps.frontline.constants import DispatchKind, DispatchState, TermGrade

SERVING = "serving"
STATE_FILTER_CHOICES = [("", "全部"), (SERVING, "在岗（含延期）"), *DispatchState.choices]


class DispatchFilterForm(StyledFormMixin, forms.Form):
    """Filters of the dispatch list (also used by its export)."""

    q = forms.CharField(label="干部姓名/拼音", required=False, max_length=50)
    state = forms.ChoiceField(label="状态", required=False, choices=STATE_FILTER_CHOICES)
    kind = forms.ChoiceField(
        label="选派类型", required=False, choices=[("", "全部"), *DispatchKind.choices]
    )
    county = forms.IntegerField(label="接收县（市、区）", required=False, min_value=1)
    target_unit = forms.IntegerField(label="接收单位（含下级）", required=False, min_value=1)
    task = forms.IntegerField(label="中心任务", required=False, min_value=1)
    ending = forms.BooleanField(label="即将期满", required=False)


class DispatchForm(StyledFormMixin, forms.Form):
    """新增选派. The cadre is picked from a scoped search; units and tasks come from the view."""

    cadre = forms.IntegerField(label="干部", error_messages={"required": "请选择干部"})
    kind = forms.ChoiceField(label="选派类型", choices=[("", "请选择"), *DispatchKind.choices])
    target_unit = forms.TypedChoiceField(label="接收单位", coerce=int, choices=[])
    target_post = forms.CharField(label="拟任职务", max_length=100)
    village = forms.CharField(
        label="驻村名称", max_length=100, required=False, help_text="驻村第一书记、工作队员填写"
    )
    task = forms.TypedChoiceField(
        label="中心任务", coerce=int, required=False, empty_value=None, choices=[]
    )
    planned_start = forms.DateField(label="计划开始日期", widget=DATE_WIDGET)
    planned_end = forms.DateField(label="任期届满日期", widget=DATE_WIDGET)
    full_time = forms.BooleanField(label="脱产（全职）", required=False, initial=True)
    counts_as_grassroots = forms.BooleanField(
        label="计入基层工作经历", required=False, help_text="FRONT-4：由组织部门按认定口径确定"
    )
    reason = forms.CharField(
        label="选派理由", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        units: list[tuple[int, str]],
        tasks: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["target_unit"]
        unit_field.choices = [("", "请选择"), *units]
        task_field: Any = self.fields["task"]
        task_field.choices = [("", "无"), *tasks]


class ActionForm(StyledFormMixin, forms.Form):
    """Base of the action forms: the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["expected_version"] = data.pop("version")
        return data


class ApproveForm(ActionForm):
    document_number = forms.CharField(label="批准文号", max_length=100)


class StartForm(ActionForm):
    actual_start = forms.DateField(label="实际到岗日期", widget=DATE_WIDGET)


class ExtendForm(ActionForm):
    new_planned_end = forms.DateField(label="延期后任期届满日期", widget=DATE_WIDGET)
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(ActionForm):
    actual_end = forms.DateField(label="实际离岗日期", widget=DATE_WIDGET)
    note = forms.CharField(
        label="离岗说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecallForm(ActionForm):
    actual_end = forms.DateField(label="实际离岗日期", widget=DATE_WIDGET)
    reason = forms.CharField(label="召回理由", widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(ActionForm):
    reason = forms.CharField(label="撤销理由", widget=forms.Textarea(attrs={"rows": 2}))


class AssessForm(ActionForm):
    grade = forms.ChoiceField(label="考核等次", choices=[("", "请选择"), *TermGrade.choices])
    assessed_on = forms.DateField(label="考核日期", widget=DATE_WIDGET)
    comment = forms.CharField(
        label="考核评语", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "approve": ApproveForm,
    "start": StartForm,
    "extend": ExtendForm,
    "return": ReturnForm,
    "recall": RecallForm,
    "cancel": CancelForm,
    "assess": AssessForm,
}
