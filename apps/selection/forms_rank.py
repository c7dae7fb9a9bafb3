"""Forms of the 职级晋升 pages: the year's list filters and a new rank headcount cap
(RANK-QUOTA-1). Field names equal the selectors' and services' keyword arguments."""

from datetime import date
from typing import Any

from django import forms

from apps.cadres.constants import RANK_ORDER, RankGrade
from apps.core.forms import DATE_WIDGET, StyledFormMixin
from apps.selection.params import RANK_STEPS

FIRST_YEAR = 2019  # 《公务员职务与职级并行规定》施行 2019-06-01
YEARS_AHEAD = 5
RANK_CHOICES: list[tuple[str, str]] = list(RankGrade.choices)
WHEN_CHOICES = [
    ("", "全部"),
    ("new", "本年度内新满足"),
    ("earlier", "年初前已满足"),
]


def step_choices() -> list[tuple[str, str]]:
    labels = dict(RankGrade.choices)
    steps = sorted(RANK_STEPS, key=lambda r: RANK_ORDER[r])
    return [("", "全部晋升层级")] + [(r, f"晋升{labels[r]}") for r in steps]


class RankDueFilterForm(StyledFormMixin, forms.Form):
    """Filters of 职级晋升: the year judged at its end, the step, a unit subtree, a name."""

    year = forms.IntegerField(label="年度", required=False, min_value=FIRST_YEAR)
    rank = forms.ChoiceField(label="晋升层级", required=False, choices=step_choices)
    unit = forms.IntegerField(label="单位（含下级）", required=False, min_value=1)
    q = forms.CharField(label="姓名/拼音", required=False, max_length=50)
    when = forms.ChoiceField(label="满足时间", required=False, choices=WHEN_CHOICES)
    blocked = forms.BooleanField(label="同时显示不得晋升职级的人员（ELG-24-2）", required=False)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.last_year = today.year + YEARS_AHEAD
        self.fields["year"].widget.attrs.update({"min": FIRST_YEAR, "max": self.last_year})

    def clean_year(self) -> int:
        year = self.cleaned_data.get("year") or self.today.year
        if year > self.last_year:
            raise forms.ValidationError(f"年度不能晚于{self.last_year}年")
        return int(year)


class RankQuotaForm(StyledFormMixin, forms.Form):
    """新增职数比例 (RANK-QUOTA-1): a change of a cap is a new row from a date on."""

    unit = forms.TypedChoiceField(label="适用范围（单位及下属）", coerce=int, empty_value=None)
    label = forms.CharField(
        label="名称",
        max_length=100,
        help_text="如：一至四级调研员；同一单位同名称的新记录自生效日期起替代旧记录",
    )
    ranks = forms.MultipleChoiceField(
        label="限额职级", choices=RANK_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    base_ranks = forms.MultipleChoiceField(
        label="基数职级",
        choices=RANK_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选=全部有职级的干部",
    )
    max_percent = forms.DecimalField(
        label="最高占比（%）", min_value=0, max_value=100, max_digits=4, decimal_places=1
    )
    effective_from = forms.DateField(label="生效日期", widget=DATE_WIDGET)
    source = forms.CharField(
        label="依据", required=False, max_length=300, help_text="文件名称及文号；待核实的请注明"
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["unit"]
        unit.choices = [("", "请选择"), *units]
        self.fields["max_percent"].widget.attrs.update({"step": "0.1"})

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "unit_id": data["unit"],
            "label": data["label"],
            "ranks": data["ranks"],
            "base_ranks": data["base_ranks"],
            "max_percent": data["max_percent"],
            "effective_from": data["effective_from"],
            "source": data["source"],
        }
