"""Forms of the routine and annual assessment pages: list filters, the grid posts, reopen,
flag and proposal decisions, the Excel upload."""

from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from apps.assessment.constants import AnnualGrade, AwardKind, ProposalStatus, RoutineGrade
from apps.assessment.services.annual import AnnualRow
from apps.assessment.services.routine import RoutineRow
from apps.core.forms import DATE_WIDGET, StyledFormMixin

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
XLSX_SIGNATURE = b"PK\x03\x04"
FLAG_STATUS = [("open", "待办理"), ("done", "已办理"), ("all", "全部")]


def default_year(today: date | None = None) -> int:
    """The assessment year a page opens on: a year's assessment is done from its November into
    the next year, so before November it is last year."""
    today = today or timezone.localdate()
    return today.year if today.month >= 11 else today.year - 1


def year_choices(today: date | None = None, back: int = 6) -> list[tuple[int, str]]:
    this = (today or timezone.localdate()).year
    return [(y, f"{y}年度") for y in range(this, this - back - 1, -1)]


class YearField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "考核年度")
        kwargs.setdefault("required", False)
        super().__init__(coerce=int, choices=[("", "全部"), *year_choices()], **kwargs)


class OverviewFilterForm(StyledFormMixin, forms.Form):
    """Filters of the routine and annual overviews (year, unit name)."""

    year = forms.TypedChoiceField(label="考核年度", coerce=int, required=False)
    q = forms.CharField(label="单位名称", required=False, max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["year"]
        field.choices = year_choices()

    def chosen_year(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return int(self.cleaned_data["year"])
        return default_year()


class FlagFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label="办理状态", choices=FLAG_STATUS, required=False)
    year = YearField()
    q = forms.CharField(label="姓名/单位", required=False, max_length=50)


class ProposalFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部"), *ProposalStatus.choices], required=False
    )
    kind = forms.ChoiceField(
        label="奖励", choices=[("", "全部"), *AwardKind.choices], required=False
    )
    year = YearField(label="截止年度")
    q = forms.CharField(label="姓名/单位", required=False, max_length=50)


class ChartFilterForm(StyledFormMixin, forms.Form):
    year = forms.TypedChoiceField(label="考核年度", coerce=int, required=False)
    unit = forms.IntegerField(label="单位", required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["year"]
        field.choices = year_choices()


class ReopenForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="退回理由", max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class FlagDoneForm(StyledFormMixin, forms.Form):
    done_on = forms.DateField(label="办理日期", widget=DATE_WIDGET)
    done_note = forms.CharField(
        label="办理情况", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label="说明", max_length=200, required=False)


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="年度考核结果文件（.xlsx）",
        help_text="列：姓名、公民身份号码、年度、等次、评语；不超过 5MB",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件不能超过 5MB")
        head = upload.read(4)
        upload.seek(0)
        if not upload.name.lower().endswith(".xlsx") or head != XLSX_SIGNATURE:
            raise forms.ValidationError("请上传 Excel 文件（.xlsx 格式）")
        return upload


# --- grid posts --------------------------------------------------------------------------------


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def routine_rows(post: QueryDict, cadre_ids: list[int]) -> list[RoutineRow]:
    """The routine grid's rows: grade-<cadre id>, summary-…, comment-…, version-… ("" = none)."""
    return [
        RoutineRow(
            cadre_id=pk,
            grade=post.get(f"grade-{pk}", "").strip(),
            work_summary=post.get(f"summary-{pk}", "").strip(),
            comment=post.get(f"comment-{pk}", "").strip(),
            version=_int_or_none(post.get(f"version-{pk}")),
        )
        for pk in cadre_ids
        if f"grade-{pk}" in post
    ]


def annual_rows(post: QueryDict, assessment_ids: list[int]) -> list[AnnualRow]:
    """The annual grid's rows: grade-<assessment id>, comment-<assessment id>."""
    return [
        AnnualRow(
            assessment_id=pk,
            grade=post.get(f"grade-{pk}", "").strip(),
            comment=post.get(f"comment-{pk}", "").strip(),
        )
        for pk in assessment_ids
        if f"grade-{pk}" in post
    ]


ROUTINE_CHOICES = [("", "—"), *RoutineGrade.choices]
ANNUAL_CHOICES = [("", "—"), *AnnualGrade.choices]
