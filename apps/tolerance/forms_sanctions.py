"""Forms of the sanction and mentoring pages (plain forms: the services own the rules, so their
Chinese messages are the ones shown)."""

from typing import Any

from django import forms

from apps.core.forms import DATE_WIDGET, StyledFormMixin
from apps.tolerance.constants import TYPE_KIND, ReuseRecommendation, SanctionKind, SanctionType
from apps.tolerance.rules_sanctions import PROBATION_MONTHS, STATUS_LABELS

type Choices = list[tuple[Any, Any]]


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


TYPES_BY_KIND: Choices = [
    (kind_label, [(t, label) for t, label in SanctionType.choices if TYPE_KIND[t] == kind])
    for kind, kind_label in SanctionKind.choices
]


class SanctionForm(StyledFormMixin, forms.Form):
    """处分与组织处理: the decision as recorded by the deciding authority."""

    kind = forms.ChoiceField(label="类别", choices=[("", "请选择"), *SanctionKind.choices])
    type = forms.ChoiceField(label="种类", choices=[("", "请选择"), *TYPES_BY_KIND])
    probation_months = forms.TypedChoiceField(
        label="留党察看期限",
        choices=[("", "（不适用）"), *[(m, f"{m}个月") for m in PROBATION_MONTHS]],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="仅留党察看填写",
    )
    decision_date = forms.DateField(label="决定日期", widget=DATE_WIDGET)
    effective_date = forms.DateField(
        label="生效日期", widget=DATE_WIDGET, required=False, help_text="留空则与决定日期相同"
    )
    authority = forms.CharField(label="决定机关", max_length=100)
    document_number = forms.CharField(label="文号", max_length=100, required=False)
    summary = forms.CharField(
        label="违纪违法事实摘要", widget=_textarea(4), max_length=5000, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("decision_date") and not data.get("effective_date"):
            data["effective_date"] = data["decision_date"]
        return data


class RevokeForm(StyledFormMixin, forms.Form):
    """撤销 / 申诉改变 of a sanction."""

    revoked_on = forms.DateField(label="撤销/变更日期", widget=DATE_WIDGET)
    reason = forms.CharField(
        label="撤销/变更理由",
        widget=_textarea(),
        max_length=2000,
        help_text="如：经申诉，原处分决定机关决定撤销该处分（文号……）",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MentorForm(StyledFormMixin, forms.Form):
    """确定帮带责任人 (assigning a new one ends the current one)."""

    mentor_name = forms.CharField(label="帮带责任人", max_length=50)
    mentor_post = forms.CharField(label="职务", max_length=100)
    assigned_on = forms.DateField(label="确定日期", widget=DATE_WIDGET)
    sanction = forms.TypedChoiceField(
        label="相关处分", coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, sanction_choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["sanction"]
        field.choices = [("", "（不指定）"), *sanction_choices]
        field.error_messages["invalid_choice"] = "所选处分不属于该干部"


class MentorEndForm(StyledFormMixin, forms.Form):
    """End the current mentor without a successor (e.g. the influence period is over)."""

    ended_on = forms.DateField(label="结束日期", widget=DATE_WIDGET)
    end_reason = forms.CharField(label="结束原因", max_length=200)


class FollowUpForm(StyledFormMixin, forms.Form):
    """回访教育: a visit with notes on thinking, work and difficulties."""

    visited_on = forms.DateField(label="回访日期", widget=DATE_WIDGET)
    visitors = forms.CharField(label="回访人", max_length=200)
    thinking = forms.CharField(label="思想状况", widget=_textarea(), max_length=5000)
    work = forms.CharField(label="工作表现", widget=_textarea(), max_length=5000)
    difficulties = forms.CharField(
        label="困难诉求", widget=_textarea(2), max_length=5000, required=False
    )
    help_given = forms.CharField(
        label="帮扶措施", widget=_textarea(2), max_length=5000, required=False
    )
    next_due = forms.DateField(
        label="下次回访日期",
        widget=DATE_WIDGET,
        required=False,
        help_text="留空则按回访间隔（规则参数）自动计算",
    )


class ReuseForm(StyledFormMixin, forms.Form):
    """考察评估: at the end of the influence period (an earlier review needs a written reason)."""

    assessed_on = forms.DateField(label="考察日期", widget=DATE_WIDGET)
    assessors = forms.CharField(label="考察人", max_length=200)
    findings = forms.CharField(
        label="考察情况",
        widget=_textarea(5),
        max_length=10000,
        help_text="政治表现、履职情况、年度考核等",
    )
    recommendation = forms.ChoiceField(
        label="考察意见", choices=[("", "请选择"), *ReuseRecommendation.choices]
    )
    new_appointment = forms.TypedChoiceField(
        label="重新使用后的任职", coerce=int, empty_value=None, required=False
    )
    early_reason = forms.CharField(
        label="提前考察理由",
        widget=_textarea(2),
        max_length=2000,
        required=False,
        help_text="影响期未满时填写；影响期内只能提出“继续观察”的意见",
    )

    def __init__(self, *args: Any, appointment_choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["new_appointment"]
        field.choices = [("", "（不关联）"), *appointment_choices]
        field.error_messages["invalid_choice"] = "所选任职不属于该干部"


# --- list filters -----------------------------------------------------------------------------


class _DateRangeMixin:
    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()  # type: ignore[misc]
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期")  # type: ignore[attr-defined]
        return data


class PersonFilterForm(StyledFormMixin, forms.Form):
    """Name search and unit subtree: the filters every list of this area has."""

    q = forms.CharField(label="姓名/拼音", required=False, max_length=50)
    unit = forms.IntegerField(label="单位（含下级）", required=False)


class SanctionFilterForm(_DateRangeMixin, PersonFilterForm):
    """Filters of the sanction list."""

    kind = forms.ChoiceField(
        label="类别", choices=[("", "全部"), *SanctionKind.choices], required=False
    )
    type = forms.ChoiceField(
        label="种类", choices=[("", "全部"), *SanctionType.choices], required=False
    )
    status = forms.ChoiceField(
        label="状态（今日）", choices=[("", "全部"), *STATUS_LABELS.items()], required=False
    )
    date_from = forms.DateField(label="决定日期起", required=False)
    date_to = forms.DateField(label="决定日期止", required=False)


class ReuseFilterForm(_DateRangeMixin, PersonFilterForm):
    """Filters of the reuse-assessment list."""

    recommendation = forms.ChoiceField(
        label="考察意见", choices=[("", "全部"), *ReuseRecommendation.choices], required=False
    )
    date_from = forms.DateField(label="考察日期起", required=False)
    date_to = forms.DateField(label="考察日期止", required=False)
