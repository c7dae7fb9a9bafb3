"""Forms of the 容错纠错 case pages and of 澄清正名: list filters, the application, one form per
workflow action (each carrying the version the page showed) and the clarification form."""

from datetime import date
from typing import Any

from django import forms

from apps.core.forms import DATE_WIDGET, StyledFormMixin
from apps.tolerance.constants import Applicant, Area, CaseStage, ListKind, Outcome, PublicationScope
from apps.tolerance.models import ToleranceCase
from apps.tolerance.rules_cases import (
    CONDITIONS,
    DISTINCTIONS,
    EVIDENCE_SIGNATURES,
    EVIDENCE_TYPES_LABEL,
    Checklist,
    CorrectionInput,
)

YES_NO = [("1", "是"), ("0", "否")]


def _label(name: str) -> str:
    return str(getattr(ToleranceCase._meta.get_field(name), "verbose_name", name))


def _yes_no(name: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_label(name),
        choices=YES_NO,
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


def _text(label: str, *, required: bool = True, rows: int = 3, max_length: int = 4000) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET)


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", "全部"), *[(str(v), str(label)) for v, label in choices]]


# --- list filters ------------------------------------------------------------------------------


class _DateRangeMixin:
    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()  # type: ignore[misc]
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期")
        return data


class CaseFilterForm(_DateRangeMixin, forms.Form):
    """Filters of the case list (the sort and page travel separately)."""

    q = forms.CharField(label="姓名/拼音", required=False, max_length=50)
    stage = forms.ChoiceField(label="办理阶段", required=False, choices=_blank(CaseStage.choices))
    outcome = forms.ChoiceField(label="结论", required=False, choices=_blank(Outcome.choices))
    area = forms.ChoiceField(label="领域", required=False, choices=_blank(Area.choices))
    unit = forms.IntegerField(label="单位（含下级）", required=False, min_value=1)
    date_from = forms.DateField(label="申请日期起", required=False)
    date_to = forms.DateField(label="申请日期止", required=False)


class OverdueFilterForm(forms.Form):
    q = forms.CharField(label="姓名/拼音", required=False, max_length=50)
    unit = forms.IntegerField(label="单位（含下级）", required=False, min_value=1)


class ClarificationFilterForm(_DateRangeMixin, forms.Form):
    q = forms.CharField(label="姓名/拼音", required=False, max_length=50)
    scope = forms.ChoiceField(
        label="澄清范围", required=False, choices=_blank(PublicationScope.choices)
    )
    unit = forms.IntegerField(label="单位（含下级）", required=False, min_value=1)
    date_from = forms.DateField(label="澄清日期起", required=False)
    date_to = forms.DateField(label="澄清日期止", required=False)


# --- application -------------------------------------------------------------------------------


class CaseApplyForm(StyledFormMixin, forms.Form):
    """容错申请, by the cadre or the unit."""

    applicant = forms.ChoiceField(label="申请人", choices=Applicant.choices)
    applicant_name = forms.CharField(label="申请人姓名/单位", max_length=100)
    applied_on = _date("申请日期")
    notified_on = forms.DateField(
        label="问责（调查）告知日期",
        required=False,
        widget=DATE_WIDGET,
        help_text="申请期限自告知之日起算；未告知的可不填",
    )
    area = forms.ChoiceField(label="领域", choices=Area.choices)
    matter = _text("失误错误情况", rows=4)
    reasons = _text("申请理由", rows=4, required=False)
    deadline_override_reason = _text("逾期受理理由", rows=2, required=False, max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "deadline_override_reason"
        ].help_text = "仅在超过申请期限仍予登记时填写，将记入申请理由和审计记录"


# --- workflow actions --------------------------------------------------------------------------


class ActionForm(StyledFormMixin, forms.Form):
    """A workflow action: the version the page showed, and the service's keyword arguments."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, case: ToleranceCase | None = None, **kwargs: Any) -> None:
        self.case = case
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {"expected_version": data.pop("version"), **data}


class AcceptForm(ActionForm):
    accepted_on = _date("受理日期")


class NotAcceptForm(ActionForm):
    reason = _text("不予受理理由")


class VerifyForm(ActionForm):
    verified_on = _date("核实完成日期")
    notes = _text("核实情况", rows=5)
    interviews = _text("谈话情况", rows=3, required=False)


class DetermineForm(ActionForm):
    """认定: the checklist against the method version that applied, with its list entries."""

    determined_on = _date("认定日期")

    def __init__(self, *args: Any, items: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for answer, reason, _ in DISTINCTIONS:
            self.fields[answer] = _yes_no(answer)
            self.fields[reason] = _text(_label(reason), required=False, rows=2)
        for answer, _ in CONDITIONS:
            self.fields[answer] = _yes_no(answer)
        self.fields["is_repeat"] = _yes_no("is_repeat")
        self.fields["factors"] = _text(_label("factors"), required=False, rows=4)
        items = items or []
        for kind, name in (
            (ListKind.POSITIVE, "positive_items"),
            (ListKind.NEGATIVE, "negative_items"),
        ):
            self.fields[name] = forms.TypedMultipleChoiceField(
                label=_label(name),
                required=False,
                coerce=int,
                choices=[(i.pk, f"{i.code} {i.text}") for i in items if i.kind == kind],
                widget=forms.CheckboxSelectMultiple,
            )
        self.fields["determined_on"].widget.attrs["class"] = "form-control"

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        answers: dict[str, Any] = {a: d.get(a) for a, _, _ in DISTINCTIONS}
        answers.update({r: d.get(r) or "" for _, r, _ in DISTINCTIONS})
        answers.update({a: d.get(a) for a, _ in CONDITIONS})
        checklist = Checklist(**answers, is_repeat=d.get("is_repeat"))
        return {
            "expected_version": d["version"],
            "checklist": checklist,
            "factors": d.get("factors") or "",
            "positive_item_ids": list(d.get("positive_items") or []),
            "negative_item_ids": list(d.get("negative_items") or []),
            "determined_on": d["determined_on"],
        }

    def checklist_rows(self) -> list[tuple[Any, Any]]:
        """(answer field, reason field) of the three distinctions, for the template."""
        return [(self[a], self[r]) for a, r, _ in DISTINCTIONS]

    def condition_fields(self) -> list[Any]:
        return [self[a] for a, _ in CONDITIONS]


class CorrectionForm(StyledFormMixin, forms.Form):
    measure = _text("纠错措施", rows=2, required=False, max_length=2000)
    owner = forms.CharField(label="责任人/责任单位", required=False, max_length=100)
    due_on = _date("完成时限", required=False)

    def is_blank(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        return not (d.get("measure") or d.get("owner") or d.get("due_on"))


CorrectionFormSet = forms.formset_factory(CorrectionForm, extra=3, max_num=20)


class ConcludeForm(ActionForm):
    """结论 with the 纠错 measures (a formset named `corr`)."""

    concluded_on = _date("结论日期")
    outcome = forms.ChoiceField(label="结论", choices=[("", "请选择"), *Outcome.choices])
    conclusion = _text("结论理由", rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = args[0] if args else kwargs.get("data")
        self.corrections = CorrectionFormSet(data, prefix="corr")

    def is_valid(self) -> bool:
        own = super().is_valid()
        return self.corrections.is_valid() and own

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        rows = [
            CorrectionInput(
                measure=f.cleaned_data.get("measure") or "",
                owner=f.cleaned_data.get("owner") or "",
                due_on=f.cleaned_data.get("due_on"),
            )
            for f in self.corrections.forms
            if not f.is_blank()
        ]
        return {
            "expected_version": d["version"],
            "outcome": d["outcome"],
            "conclusion": d["conclusion"],
            "corrections": rows,
            "concluded_on": d["concluded_on"],
        }


class CloseForm(ActionForm):
    closed_on = _date("办结日期")


class CorrectionDoneForm(StyledFormMixin, forms.Form):
    done_on = _date("完成日期")
    note = _text("完成情况", rows=2, max_length=2000)


class EvidenceForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="核实材料",
        help_text=f"支持{EVIDENCE_TYPES_LABEL}，单个文件不超过20MB",
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in EVIDENCE_SIGNATURES)}
        ),
    )


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "accept": AcceptForm,
    "not_accept": NotAcceptForm,
    "verify": VerifyForm,
    "determine": DetermineForm,
    "conclude": ConcludeForm,
    "close": CloseForm,
}


def action_initial(case: ToleranceCase, today: date) -> dict[str, Any]:
    """Initial values of every action form: the version, today's date, the saved checklist."""
    initial: dict[str, Any] = {
        "version": case.version,
        "accepted_on": today,
        "verified_on": today,
        "determined_on": today,
        "concluded_on": today,
        "closed_on": today,
        "notes": case.investigation_notes,
        "interviews": case.interviews,
    }
    return initial


# --- 澄清正名 ----------------------------------------------------------------------------------


class ClarificationForm(StyledFormMixin, forms.Form):
    accusation = _text("被反映问题", rows=3)
    finding = _text("核查结论", rows=3)
    scope = forms.ChoiceField(label="澄清范围", choices=PublicationScope.choices)
    clarified_on = _date("澄清日期")
    authority = forms.CharField(label="澄清单位", max_length=100)
