"""Forms of the sysadmin's unit pages; also the styled base form and the unit picker that the
accounts admin forms reuse (accounts depends on units, never the reverse)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from apps.core.forms import DATE_WIDGET, StyledFormMixin, style_fields

from .constants import Tier, UnitKind, UnitLevel
from .models import PostQuota, Unit


class StyledForm(StyledFormMixin, forms.Form):
    """Tabler-styled form that shows a service's DomainError inline."""


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    """Active units in tree order, indented by depth."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Unit.objects.active().order_by("path"))
        kwargs.setdefault("empty_label", "（请选择）")
        super().__init__(**kwargs)
        self.error_messages["invalid_choice"] = "所选单位不存在、已撤并或不可选"
        self.error_messages["required"] = "请选择单位"

    def label_from_instance(self, obj: Unit) -> str:
        return "　" * obj.depth + obj.name


class ChangeRecordForm(StyledForm):
    """Effective date and document number (文号) kept in the unit's history."""

    effective_date = forms.DateField(label="生效日期", required=False, widget=DATE_WIDGET)
    document_no = forms.CharField(label="文号", max_length=100, required=False)


class UnitCreateForm(StyledForm):
    name = forms.CharField(label="单位名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    code = forms.CharField(label="单位代码", max_length=32)
    level = forms.ChoiceField(label="单位层级", choices=UnitLevel.choices)
    kind = forms.ChoiceField(label="单位类别", choices=UnitKind.choices)
    parent = UnitChoiceField(label="上级单位", required=False, empty_label="（无，作为根单位）")
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0, required=False)


class UnitRenameForm(ChangeRecordForm):
    name = forms.CharField(label="新名称", max_length=100)
    short_name = forms.CharField(label="新简称", max_length=50, required=False)
    field_order = ["name", "short_name", "effective_date", "document_no"]


class UnitMoveForm(ChangeRecordForm):
    parent = UnitChoiceField(label="新的上级单位")
    field_order = ["parent", "effective_date", "document_no"]

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        field: Any = self.fields["parent"]
        field.queryset = Unit.objects.active().exclude(path__startswith=unit.path).order_by("path")

    def clean_parent(self) -> Unit:
        parent: Unit = self.cleaned_data["parent"]
        if parent.pk == self.unit.parent_id:
            raise ValidationError("该单位已隶属于所选单位")
        return parent


class UnitMergeForm(ChangeRecordForm):
    target = UnitChoiceField(
        label="并入单位", help_text="本单位的下级单位、干部和职务将转入并入单位，本单位随即撤销。"
    )
    field_order = ["target", "effective_date", "document_no"]

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["target"]
        field.queryset = Unit.objects.active().exclude(path__startswith=unit.path).order_by("path")


class QuotaForm(StyledForm):
    """One number per tier (职数); a blank leaves a tier without a quota as it is."""

    note = forms.CharField(label="核定依据（文号）", max_length=200, required=False)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        self.current = {q.tier: q for q in PostQuota.objects.filter(unit=unit)}
        initial = {f"tier_{t}": q.approved for t, q in self.current.items()}
        super().__init__(*args, initial=initial, **kwargs)
        for tier, label in Tier.choices:
            self.fields[f"tier_{tier}"] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=999,
                error_messages={"min_value": "职数不能为负数", "invalid": "请输入整数"},
            )
        self.order_fields([*(f"tier_{t}" for t in Tier.values), "note"])
        style_fields(self)

    def tier_fields(self) -> list[forms.BoundField]:
        return [self[f"tier_{t}"] for t in Tier.values]

    def changes(self) -> dict[str, int]:
        """Tiers whose number differs from the stored quota (blank = 0 if one exists)."""
        result = {}
        for tier in Tier.values:
            value = self.cleaned_data.get(f"tier_{tier}")
            stored = self.current.get(tier)
            if value is None:
                if stored is None or stored.approved == 0:
                    continue
                value = 0
            if stored is None or stored.approved != value:
                result[tier] = value
        return result
