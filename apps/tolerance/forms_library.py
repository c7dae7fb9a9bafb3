"""Forms of the method pages (versions, list entries, publication) and of the typical-case
library (edit form, drafting from a case, publication review, list filters)."""

from typing import Any

from django import forms

from apps.core.forms import DATE_WIDGET, StyledFormMixin
from apps.tolerance.constants import Area, CaseStatus, Distinction, ListKind
from apps.tolerance.models import ToleranceList, ToleranceMethod, TypicalCase
from apps.tolerance.selectors_library import (
    METHOD_DEFAULT_SORT,
    METHOD_SORTS,
    TYPICAL_DEFAULT_SORT,
    TYPICAL_SORTS,
    LibraryFilters,
    MethodFilters,
    manage_units,
)
from apps.tolerance.services.library import TypicalInput, input_of, parse_tags
from apps.tolerance.services.methods import ItemInput, MethodInput

MAX_UNIT_OPTIONS = 300
METHOD_STATUS_CHOICES = [("published", "已发布"), ("draft", "草稿")]


def _unit_choices(actor: Any) -> list[tuple[Any, str]]:
    units = manage_units(actor).order_by("path").values_list("pk", "name", "depth")
    rows = list(units[:MAX_UNIT_OPTIONS])
    top = min((depth for _, _, depth in rows), default=0)
    return [("", "请选择"), *((pk, "　" * (depth - top) + name) for pk, name, depth in rows)]


# --- the method -------------------------------------------------------------------------------


class MethodForm(StyledFormMixin, forms.Form):
    """新建/编辑办法版本 (the unit is chosen when the version is created)."""

    unit = forms.TypedChoiceField(label="制定单位", coerce=int)
    title = forms.CharField(label="办法名称", max_length=200)
    version_label = forms.CharField(
        label="版本", max_length=50, help_text="如“2026年版”“第2版（修订）”"
    )
    interpretation = forms.CharField(
        label="释义",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="对办法条文、容错情形和认定程序的解释；发布前必须填写",
    )

    def __init__(
        self, *args: Any, actor: Any, method: ToleranceMethod | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.method = method
        unit: Any = self.fields["unit"]
        if method is None:
            unit.choices = _unit_choices(actor)
            unit.error_messages["invalid_choice"] = "制定单位不存在或您无权为其制定办法"
        else:
            del self.fields["unit"]

    def to_input(self) -> MethodInput:
        data = self.cleaned_data
        assert self.method is not None or data.get("unit")
        return MethodInput(
            unit_id=self.method.unit_id if self.method else data["unit"],
            title=data["title"],
            version_label=data["version_label"],
            interpretation=data.get("interpretation", ""),
        )

    @staticmethod
    def initial_of(method: ToleranceMethod) -> dict[str, Any]:
        return {
            "title": method.title,
            "version_label": method.version_label,
            "interpretation": method.interpretation,
        }


class ItemForm(StyledFormMixin, forms.Form):
    """新增/编辑清单条目."""

    kind = forms.ChoiceField(label="清单", choices=ListKind.choices)
    code = forms.CharField(label="编号", max_length=20, help_text="同一清单内不得重复，如“Z1”“F3”")
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 4}))
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0, required=False)

    def to_input(self) -> ItemInput:
        data = self.cleaned_data
        return ItemInput(
            kind=data["kind"],
            code=data["code"],
            text=data["text"],
            sort_order=data.get("sort_order") or 0,
        )

    @staticmethod
    def initial_of(item: ToleranceList) -> dict[str, Any]:
        return {
            "kind": item.kind,
            "code": item.code,
            "text": item.text,
            "sort_order": item.sort_order,
        }


class MethodPublishForm(StyledFormMixin, forms.Form):
    effective_from = forms.DateField(label="施行日期", widget=DATE_WIDGET)


class NewVersionForm(StyledFormMixin, forms.Form):
    version_label = forms.CharField(
        label="新版本名称", max_length=50, required=False, help_text="留空则自动编号"
    )


class MethodFilterForm(forms.Form):
    """Filters of the method list; `filters()` is None when the input is invalid."""

    q = forms.CharField(label="办法名称/单位", required=False, max_length=50)
    status = forms.ChoiceField(label="状态", required=False, choices=METHOD_STATUS_CHOICES)
    sort = forms.CharField(required=False)

    def filters(self) -> MethodFilters | None:
        if not self.is_valid():
            return None
        data = self.cleaned_data
        sort = data["sort"] if data["sort"] in METHOD_SORTS else METHOD_DEFAULT_SORT
        return MethodFilters(status=data["status"], q=data["q"], sort=sort)


# --- typical cases ----------------------------------------------------------------------------


class TypicalForm(StyledFormMixin, forms.Form):
    """新增/编辑典型案例."""

    unit = forms.TypedChoiceField(label="编发单位", coerce=int)
    title = forms.CharField(label="标题", max_length=200)
    area = forms.ChoiceField(label="领域", choices=[("", "请选择"), *Area.choices])
    distinction = forms.ChoiceField(
        label="体现的“区分开来”", choices=[("", "请选择"), *Distinction.choices]
    )
    situation = forms.CharField(label="基本情况", widget=forms.Textarea(attrs={"rows": 8}))
    decision = forms.CharField(label="容错认定", widget=forms.Textarea(attrs={"rows": 6}))
    lesson = forms.CharField(label="启示", widget=forms.Textarea(attrs={"rows": 4}))
    tags = forms.CharField(
        label="标签",
        required=False,
        max_length=300,
        help_text="用逗号、顿号或空格分隔，最多10个，每个不超过20字",
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["unit"]
        unit.choices = _unit_choices(actor)
        unit.error_messages["invalid_choice"] = "编发单位不存在或您无权为其编发典型案例"

    def to_input(self) -> TypicalInput:
        data = self.cleaned_data
        return TypicalInput(
            unit_id=data["unit"],
            title=data["title"],
            area=data["area"],
            situation=data["situation"],
            decision=data["decision"],
            distinction=data["distinction"],
            lesson=data["lesson"],
            tags=tuple(parse_tags(data.get("tags", ""))),
        )

    @staticmethod
    def initial_of(typical: TypicalCase) -> dict[str, Any]:
        data = input_of(typical).__dict__.copy()
        data["unit"] = data.pop("unit_id")
        data["tags"] = "、".join(data["tags"])
        return data


class FromCaseForm(StyledFormMixin, forms.Form):
    extra_names = forms.CharField(
        label="其他需隐去的姓名",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="案件材料中出现的其他人员姓名，用逗号、顿号或空格分隔；干部本人姓名和所在单位名称会自动隐去",
    )

    def names(self) -> list[str]:
        return parse_tags(self.cleaned_data.get("extra_names", ""))


class TypicalPublishForm(StyledFormMixin, forms.Form):
    manual_review = forms.BooleanField(
        label="已人工复核：上述提示内容不会识别出具体人员或单位", required=False
    )
    digest = forms.CharField(widget=forms.HiddenInput)


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="撤回原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class LibraryFilterForm(forms.Form):
    """Filters of the library (and, with `status`, of the management list)."""

    q = forms.CharField(label="关键词", required=False, max_length=100)
    area = forms.ChoiceField(label="领域", required=False, choices=Area.choices)
    distinction = forms.ChoiceField(label="区分开来", required=False, choices=Distinction.choices)
    tag = forms.CharField(label="标签", required=False, max_length=20)
    status = forms.ChoiceField(label="状态", required=False, choices=CaseStatus.choices)
    sort = forms.CharField(required=False)

    def filters(self) -> LibraryFilters | None:
        if not self.is_valid():
            return None
        data = self.cleaned_data
        sort = data["sort"] if data["sort"] in TYPICAL_SORTS else TYPICAL_DEFAULT_SORT
        return LibraryFilters(
            q=data["q"],
            area=data["area"],
            distinction=data["distinction"],
            tag=data["tag"].strip(),
            status=data["status"],
            sort=sort,
        )
