"""Forms of the 任前公示 and 试用期 pages: list filters, start a notice, record its result, record
the end-of-probation assessment. Field names equal the services' keyword arguments."""

from typing import Any

from django import forms

from apps.core.forms import DATE_WIDGET, StyledFormMixin
from apps.selection.constants import ProbationOutcome, PublicityOutcome

PUBLICITY_STATES = [
    ("", "全部"),
    ("running", "公示中"),
    ("ended", "已期满待登记结果"),
    ("closed", "已办结"),
    *[(v, label) for v, label in PublicityOutcome.choices if v != PublicityOutcome.PENDING],
]
PROBATION_STATES = [
    ("", "全部"),
    ("pending", "试用中（全部）"),
    ("due", "即将期满"),
    ("overdue", "已期满未考核"),
    *[(v, label) for v, label in ProbationOutcome.choices if v != ProbationOutcome.PENDING],
]


class _ListFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="姓名/拼音", required=False, max_length=50)
    unit = forms.IntegerField(label="任职单位（含下级）", required=False, min_value=1)


class PublicityFilterForm(_ListFilterForm):
    state = forms.ChoiceField(label="状态", required=False, choices=PUBLICITY_STATES)


class ProbationFilterForm(_ListFilterForm):
    state = forms.ChoiceField(label="状态", required=False, choices=PROBATION_STATES)


class PublicityStartForm(StyledFormMixin, forms.Form):
    """开始任前公示. The 破格 reason field is shown (and required) only for a 破格 promotion."""

    start_date = forms.DateField(label="公示开始日期", widget=DATE_WIDGET)
    working_days = forms.IntegerField(label="公示期（工作日）", min_value=1, max_value=60)
    scope_text = forms.CharField(
        label="公示范围", required=False, max_length=200, help_text="如：在全县范围内公示"
    )
    exceptional_reason = forms.CharField(
        label="破格提拔的具体情形和理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="SEL-42-1：涉及破格提拔的，还应说明破格的具体情形和理由",
    )

    def __init__(self, *args: Any, exceptional: bool, minimum: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["working_days"].help_text = f"不少于{minimum}个工作日，遇节假日顺延"
        if exceptional:
            self.fields["exceptional_reason"].required = True
        else:
            del self.fields["exceptional_reason"]


class PublicityCloseForm(StyledFormMixin, forms.Form):
    """登记公示结果."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="公示结果",
        choices=[("", "请选择"), *PUBLICITY_STATES[4:]],
    )
    feedback_count = forms.IntegerField(
        label="收到反映（件）", min_value=0, max_value=999, initial=0
    )
    feedback_summary = forms.CharField(
        label="反映情况及核查结论", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    closed_on = forms.DateField(label="办结日期", widget=DATE_WIDGET)


class ProbationAssessForm(StyledFormMixin, forms.Form):
    """试用期满考核."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="考核结论", choices=[("", "请选择"), *PROBATION_STATES[4:]])
    assessed_on = forms.DateField(label="考核日期", widget=DATE_WIDGET)
    note = forms.CharField(
        label="考核情况", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    removal_doc_no = forms.CharField(
        label="免职文号",
        required=False,
        max_length=100,
        help_text="不胜任的，免去试任职务的文号",
    )
