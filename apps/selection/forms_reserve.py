"""Forms of the reserve-pool, negative-flag and 破格 pages: the edit forms and the list filters
(each filter form's `filters()` is None when the input is invalid, and the list is then empty)."""

from typing import Any

from django import forms

from apps.core.forms import DATE_WIDGET, StyledFormMixin
from apps.core.scope import Action
from apps.selection.constants import (
    MeritGround,
    NegativeFlagKind,
    ReserveExitReason,
    ReserveSource,
)
from apps.selection.selectors_reserve import (
    ENTRY_DEFAULT_SORT,
    ENTRY_SORTS,
    ENTRY_STATUSES,
    EXCEPTIONAL_DEFAULT_SORT,
    EXCEPTIONAL_SORTS,
    FLAG_DEFAULT_SORT,
    FLAG_SORTS,
    FLAG_STATUSES,
    POOL_DEFAULT_SORT,
    POOL_SORTS,
    EntryFilters,
    ExceptionalFilters,
    FlagFilters,
    PoolFilters,
)
from apps.selection.services.exceptional import MIN_EXPLANATION, WAIVABLE_RULES, ExceptionalInput
from apps.selection.services.flags import FlagInput
from apps.selection.services.reserve import EntryInput, ExitInput, PoolInput
from apps.units.constants import Tier
from apps.units.models import Unit
from apps.units.options import unit_options

MERIT_GROUNDS = ("crisis_performance", "hardship_area", "outstanding_results")


def _grounds() -> list[tuple[str, list[tuple[str, str]]]]:
    """ELG-9-2 grounds grouped: 特别优秀 (three) and 工作特殊需要 (three)."""
    merit = [(v, label) for v, label in MeritGround.choices if v in MERIT_GROUNDS]
    need = [(v, label) for v, label in MeritGround.choices if v not in MERIT_GROUNDS]
    return [("特别优秀", merit), ("因工作特殊需要", need)]


class PoolForm(StyledFormMixin, forms.Form):
    """新建后备干部库."""

    unit = forms.TypedChoiceField(label="管理单位", coerce=int)
    target_tier = forms.ChoiceField(label="后备职务层次", choices=[("", "请选择"), *Tier.choices])
    name = forms.CharField(label="名称", max_length=100, help_text="如：甲县县处级副职后备干部")

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["unit"]
        raw = str(self.data.get("unit") or "")
        chosen = [int(raw)] if raw.isdigit() else []
        unit.choices = [
            ("", "请选择"),
            *unit_options(Unit.objects.visible_to(actor, Action.CHANGE).active(), chosen),
        ]
        unit.error_messages["invalid_choice"] = "管理单位不存在或不在您的数据范围内"

    def to_input(self) -> PoolInput:
        data = self.cleaned_data
        return PoolInput(unit_id=data["unit"], target_tier=data["target_tier"], name=data["name"])


class EntryForm(StyledFormMixin, forms.Form):
    """列入后备干部库 / 修改入库信息."""

    entry_date = forms.DateField(label="入库日期", widget=DATE_WIDGET)
    source = forms.ChoiceField(label="来源", choices=[("", "请选择"), *ReserveSource.choices])
    reason = forms.CharField(
        label="推荐理由/主要表现", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def to_input(self) -> EntryInput:
        data = self.cleaned_data
        return EntryInput(
            entry_date=data["entry_date"], source=data["source"], reason=data.get("reason", "")
        )


class ExitForm(StyledFormMixin, forms.Form):
    """出库."""

    exit_date = forms.DateField(label="出库日期", widget=DATE_WIDGET)
    exit_reason = forms.ChoiceField(
        label="出库原因", choices=[("", "请选择"), *ReserveExitReason.choices]
    )
    exit_note = forms.CharField(label="出库说明", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def to_input(self) -> ExitInput:
        data = self.cleaned_data
        return ExitInput(
            exit_date=data["exit_date"],
            exit_reason=data["exit_reason"],
            exit_note=data.get("exit_note", ""),
        )


class FlagForm(StyledFormMixin, forms.Form):
    """登记负面情形 (ELG-24-1, ELG-24-2(3))."""

    kind = forms.ChoiceField(label="情形", choices=[("", "请选择"), *NegativeFlagKind.choices])
    note = forms.CharField(
        label="情况说明", max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    start_date = forms.DateField(label="起始日期", widget=DATE_WIDGET)
    end_date = forms.DateField(
        label="解除日期", required=False, widget=DATE_WIDGET, help_text="仍在影响的留空"
    )
    special_post_exempt = forms.BooleanField(
        label="特殊岗位需要（不作为限制）",
        required=False,
        help_text="仅适用于配偶（或子女均）已移居国（境）外的情形，ELG-24-1(5)“除特殊岗位需要外”",
    )

    def to_input(self) -> FlagInput:
        data = self.cleaned_data
        return FlagInput(
            kind=data["kind"],
            note=data["note"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            special_post_exempt=bool(data.get("special_post_exempt")),
        )


class FlagEndForm(StyledFormMixin, forms.Form):
    """解除负面情形."""

    end_date = forms.DateField(label="解除日期", widget=DATE_WIDGET)


class ExceptionalForm(StyledFormMixin, forms.Form):
    """登记破格提拔 (ELG-9-2; hard limits ELG-9-3 are checked by the service)."""

    target_tier = forms.ChoiceField(label="拟任职务层次", choices=[("", "请选择"), *Tier.choices])
    ground = forms.ChoiceField(label="破格情形", choices=[("", "请选择"), *_grounds()])
    explanation = forms.CharField(
        label="具体情形和理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"不少于{MIN_EXPLANATION}个字；任前公示时须一并说明（SEL-42-1）",
    )
    waived_rules = forms.MultipleChoiceField(
        label="突破的资格条件",
        choices=list(WAIVABLE_RULES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    approved_on = forms.DateField(label="研究决定日期", widget=DATE_WIDGET)
    doc_no = forms.CharField(label="依据文号/会议纪要", max_length=100, required=False)

    def clean_explanation(self) -> str:
        text = str(self.cleaned_data["explanation"]).strip()
        if len(text) < MIN_EXPLANATION:
            raise forms.ValidationError(
                f"请具体说明破格的情形和理由（不少于{MIN_EXPLANATION}个字）"
            )
        return text

    def to_input(self) -> ExceptionalInput:
        data = self.cleaned_data
        return ExceptionalInput(
            target_tier=data["target_tier"],
            ground=data["ground"],
            explanation=data["explanation"],
            waived_rules=tuple(data["waived_rules"]),
            approved_on=data["approved_on"],
            doc_no=data.get("doc_no", ""),
        )


# --- list filters ---------------------------------------------------------------------------------


def _sort(value: str, sorts: dict[str, Any], default: str) -> str:
    return value if value in sorts else default


class PoolFilterForm(forms.Form):
    unit = forms.IntegerField(required=False, min_value=1)
    tier = forms.ChoiceField(required=False, choices=Tier.choices)
    q = forms.CharField(required=False, max_length=50)
    sort = forms.CharField(required=False)

    def filters(self) -> PoolFilters | None:
        if not self.is_valid():
            return None
        d = self.cleaned_data
        return PoolFilters(
            unit=d["unit"],
            tier=d["tier"],
            q=d["q"],
            sort=_sort(d["sort"], POOL_SORTS, POOL_DEFAULT_SORT),
        )


class EntryFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=ENTRY_STATUSES)
    source = forms.ChoiceField(required=False, choices=ReserveSource.choices)
    q = forms.CharField(required=False, max_length=50)
    pool = forms.IntegerField(required=False, min_value=1)
    unit = forms.IntegerField(required=False, min_value=1)
    tier = forms.ChoiceField(required=False, choices=Tier.choices)
    sort = forms.CharField(required=False)

    def filters(self, pool: int | None = None) -> EntryFilters | None:
        if not self.is_valid():
            return None
        d = self.cleaned_data
        return EntryFilters(
            status=d["status"] or "active",
            source=d["source"],
            q=d["q"],
            pool=pool if pool is not None else d["pool"],
            unit=d["unit"],
            tier=d["tier"],
            sort=_sort(d["sort"], ENTRY_SORTS, ENTRY_DEFAULT_SORT),
        )


class FlagFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=NegativeFlagKind.choices)
    status = forms.ChoiceField(required=False, choices=FLAG_STATUSES)
    unit = forms.IntegerField(required=False, min_value=1)
    cadre = forms.IntegerField(required=False, min_value=1)
    q = forms.CharField(required=False, max_length=50)
    sort = forms.CharField(required=False)

    def filters(self) -> FlagFilters | None:
        if not self.is_valid():
            return None
        d = self.cleaned_data
        return FlagFilters(
            kind=d["kind"],
            status=d["status"],
            unit=d["unit"],
            cadre=d["cadre"],
            q=d["q"],
            sort=_sort(d["sort"], FLAG_SORTS, FLAG_DEFAULT_SORT),
        )


class ExceptionalFilterForm(forms.Form):
    tier = forms.ChoiceField(required=False, choices=Tier.choices)
    ground = forms.ChoiceField(required=False, choices=MeritGround.choices)
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100)
    unit = forms.IntegerField(required=False, min_value=1)
    q = forms.CharField(required=False, max_length=50)
    sort = forms.CharField(required=False)

    def filters(self) -> ExceptionalFilters | None:
        if not self.is_valid():
            return None
        d = self.cleaned_data
        return ExceptionalFilters(
            tier=d["tier"],
            ground=d["ground"],
            year=d["year"],
            unit=d["unit"],
            q=d["q"],
            sort=_sort(d["sort"], EXCEPTIONAL_SORTS, EXCEPTIONAL_DEFAULT_SORT),
        )
