"""Forms of the incentive and memorial pages (plain forms: the services own the rules and the
uniqueness checks, so their Chinese messages are the ones shown)."""

from typing import Any

from django import forms

from apps.core.forms import DATE_WIDGET, StyledFormMixin
from apps.frontline.constants import IncentiveCategory
from apps.frontline.params import CARE_VISIT_INTERVAL_DAYS

CATEGORY_FILTER_CHOICES = [("", "全部"), *IncentiveCategory.choices]

type Choices = list[tuple[Any, Any]]


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class MeasureForm(StyledFormMixin, forms.Form):
    """Add or edit a catalogue measure; the defining unit is chosen only when adding."""

    unit = forms.TypedChoiceField(label="制定单位", coerce=int)
    category = forms.ChoiceField(label="类别", choices=IncentiveCategory.choices)
    item = forms.CharField(label="措施", max_length=100)
    description = forms.CharField(
        label="具体内容", required=False, widget=_textarea(), max_length=2000
    )
    source = forms.CharField(
        label="依据", required=False, max_length=200, help_text="文件名称及文号，如本地激励办法"
    )
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0, required=False)

    def __init__(self, *args: Any, unit_choices: Choices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unit_choices is None:
            del self.fields["unit"]
        else:
            unit_field: Any = self.fields["unit"]
            unit_field.choices = unit_choices
            unit_field.error_messages["invalid_choice"] = "所选单位不在您可维护的范围内"

    def clean_sort_order(self) -> int:
        return self.cleaned_data.get("sort_order") or 0


class GrantForm(StyledFormMixin, forms.Form):
    """落实激励措施: which measure, when, why."""

    measure = forms.TypedChoiceField(label="激励措施", coerce=int)
    granted_on = forms.DateField(label="落实日期", widget=DATE_WIDGET)
    reason = forms.CharField(label="事由", widget=_textarea(), max_length=2000)
    document_number = forms.CharField(label="文号", required=False, max_length=100)
    service = forms.TypedChoiceField(
        label="相关一线经历", coerce=int, required=False, empty_value=None
    )

    def __init__(
        self, *args: Any, measure_choices: Choices, service_choices: Choices, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        measure: Any = self.fields["measure"]
        measure.choices = [("", "请选择"), *measure_choices]
        measure.error_messages["invalid_choice"] = "所选激励措施不可用，请重新选择"
        service: Any = self.fields["service"]
        service.choices = [("", "（不关联）"), *service_choices]
        service.error_messages["invalid_choice"] = "所选一线经历不属于该干部"


class SacrificeForm(StyledFormMixin, forms.Form):
    """The memorial record (纪念记录)."""

    died_on = forms.DateField(label="牺牲日期", widget=DATE_WIDGET)
    task = forms.TypedChoiceField(label="中心任务", coerce=int, required=False, empty_value=None)
    place = forms.CharField(label="地点", max_length=100)
    circumstances = forms.CharField(label="事迹与经过", widget=_textarea(6), max_length=10000)
    honours = forms.CharField(
        label="追授荣誉", required=False, max_length=200, help_text="如：追授“全国脱贫攻坚模范”"
    )
    family_contact = forms.CharField(
        label="家属联系人", required=False, max_length=100, help_text="姓名、关系及联系方式"
    )
    care_interval_days = forms.IntegerField(
        label="走访间隔（天）",
        min_value=CARE_VISIT_INTERVAL_DAYS.minimum,
        max_value=CARE_VISIT_INTERVAL_DAYS.maximum,
        help_text="家属关怀走访的间隔，默认取规则参数",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, task_choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        task: Any = self.fields["task"]
        task.choices = [("", "（无）"), *task_choices]
        task.error_messages["invalid_choice"] = "所选中心任务不在您的范围内"

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class VisitForm(StyledFormMixin, forms.Form):
    """A family-care visit (家属关怀走访)."""

    visited_on = forms.DateField(label="走访日期", widget=DATE_WIDGET)
    visitors = forms.CharField(label="走访人", max_length=200)
    actions = forms.CharField(label="帮扶内容", widget=_textarea(), max_length=5000)
    next_due = forms.DateField(
        label="下次走访日期",
        required=False,
        widget=DATE_WIDGET,
        help_text="留空则按走访间隔自动计算",
    )


class _DateRangeMixin:
    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()  # type: ignore[misc]
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期")  # type: ignore[attr-defined]
        return data


class GrantFilterForm(_DateRangeMixin, StyledFormMixin, forms.Form):
    """Filters of the grant list (unit: a subtree within the already-scoped rows)."""

    q = forms.CharField(label="姓名/拼音", required=False, max_length=50)
    category = forms.ChoiceField(label="类别", choices=CATEGORY_FILTER_CHOICES, required=False)
    measure = forms.IntegerField(label="激励措施", required=False)
    unit = forms.IntegerField(label="单位（含下级）", required=False)
    date_from = forms.DateField(label="落实日期起", required=False)
    date_to = forms.DateField(label="落实日期止", required=False)


class UngrantedFilterForm(StyledFormMixin, forms.Form):
    """Filters of the 未落实激励的一线干部 list."""

    q = forms.CharField(label="姓名/拼音", required=False, max_length=50)
    unit = forms.IntegerField(label="单位（含下级）", required=False)
    since = forms.DateField(label="一线经历截至日期不早于", required=False)


class MemorialFilterForm(StyledFormMixin, forms.Form):
    """Filters of the memorial lists."""

    q = forms.CharField(label="姓名/拼音", required=False, max_length=50)
    unit = forms.IntegerField(label="单位（含下级）", required=False)
