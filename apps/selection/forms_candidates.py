"""The candidate search form (GET): the target (a post of a unit in scope, a tier with 党的领导职务,
or a 职级), the day judged, the narrowing filters, the sort and the columns shown/exported."""

from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from apps.cadres.constants import EducationLevel, Gender, RankGrade
from apps.cadres.models import Post
from apps.core.forms import DATE_WIDGET, StyledFormMixin
from apps.selection.engine import Target
from apps.selection.params import RANK_STEPS
from apps.selection.selectors_candidates import DEFAULT_SORT, SORTS, CandidateFilters
from apps.units.constants import Tier
from apps.units.models import Unit

KIND_CHOICES = (("tier", "职务层次"), ("post", "具体职位"), ("rank", "职级"))
RANK_CHOICES = [(r, RankGrade(r).label) for r in RankGrade.values if r in RANK_STEPS]
COLUMNS = (
    ("unit", "单位"),
    ("post", "现任职务"),
    ("tier", "职务层次/职级"),
    ("age", "年龄"),
    ("education", "学历"),
    ("frontline", "一线经历"),
    ("grades", "近三年考核"),
    ("training", "培训学时"),
    ("reserve", "后备干部"),
    ("warnings", "提示"),
)
COLUMN_KEYS = tuple(k for k, _ in COLUMNS)
MAX_POST_OPTIONS = 300


class CandidateSearchForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="选拔目标", choices=KIND_CHOICES, required=False)
    tier = forms.ChoiceField(label="拟任职务层次", choices=Tier.choices, required=False)
    party_post = forms.BooleanField(label="党的领导职务", required=False)
    rank = forms.ChoiceField(
        label="拟晋升职级", choices=[("", "请选择"), *RANK_CHOICES], required=False
    )
    post_unit = forms.TypedChoiceField(
        label="职位所在单位", coerce=int, required=False, empty_value=None
    )
    post = forms.TypedChoiceField(label="拟任职位", coerce=int, required=False, empty_value=None)
    on = forms.DateField(label="审查日期", required=False, widget=DATE_WIDGET)
    unit = forms.TypedChoiceField(
        label="干部所在单位（含下级）", coerce=int, required=False, empty_value=None
    )
    frontline = forms.BooleanField(label="仅看有一线经历的", required=False)
    gender = forms.ChoiceField(
        label="性别", choices=[("", "全部"), *Gender.choices], required=False
    )
    age_max = forms.IntegerField(label="年龄不超过", min_value=18, max_value=70, required=False)
    education = forms.ChoiceField(
        label="学历（及以上）", choices=[("", "全部"), *EducationLevel.choices], required=False
    )
    near = forms.BooleanField(label="同时列出即将符合的", required=False)
    sort = forms.ChoiceField(choices=[(s, s) for s in SORTS], required=False)
    cols = forms.MultipleChoiceField(
        label="显示列", choices=COLUMNS, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, actor: Any, units: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.actor = actor
        unit: Any = self.fields["unit"]
        unit.choices = [("", "全部"), *units]
        post_unit: Any = self.fields["post_unit"]
        post_unit.choices = [("", "请选择单位"), *units]
        post: Any = self.fields["post"]
        post.choices = [("", "请选择职位"), *self._post_choices()]

    def _post_choices(self) -> list[tuple[int, str]]:
        """Posts of the chosen unit (only inside the actor's scope)."""
        raw = self.data.get("post_unit") or ""
        if not str(raw).isdigit():
            return []
        unit = Unit.objects.visible_to(self.actor).filter(pk=int(raw)).first()
        if unit is None:
            return []
        posts = Post.objects.filter(unit=unit).order_by("sort_order", "id")[:MAX_POST_OPTIONS]
        return [(p.pk, f"{p.title}（{p.get_tier_display()}）") for p in posts]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind") or "tier"
        data["kind"] = kind
        if kind == "rank" and not data.get("rank"):
            self.add_error("rank", "请选择拟晋升职级")
        if kind == "post" and not data.get("post"):
            self.add_error("post", "请先选择单位，再选择拟任职位")
        if kind == "tier" and not data.get("tier"):
            data["tier"] = Tier.DIVISION_DEPUTY
        return data

    def day(self) -> date:
        on = self.cleaned_data.get("on") if self.is_bound and self.is_valid() else None
        return on or timezone.localdate()

    def chosen_post(self) -> Post | None:
        pk = self.cleaned_data.get("post")
        if self.cleaned_data.get("kind") != "post" or pk is None:
            return None
        return Post.objects.select_related("unit").filter(pk=pk).first()

    def target(self) -> Target | None:
        """The target the form names, None when it is incomplete or invalid."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        party = bool(data.get("party_post"))
        if data["kind"] == "rank":
            return Target(rank=data["rank"])
        if data["kind"] == "post":
            post = self.chosen_post()
            return Target(tier=post.tier, party_post=party) if post else None
        return Target(tier=data["tier"], party_post=party)

    def filters(self) -> CandidateFilters:
        data = self.cleaned_data if self.is_valid() else {}
        sort = data.get("sort") or DEFAULT_SORT
        return CandidateFilters(
            unit_id=data.get("unit"),
            frontline_only=bool(data.get("frontline")),
            gender=data.get("gender") or "",
            age_max=data.get("age_max"),
            education=data.get("education") or "",
            include_near=bool(data.get("near")),
            sort=sort,
        )

    def columns(self) -> tuple[str, ...]:
        chosen = (self.cleaned_data.get("cols") if self.is_valid() else None) or []
        return tuple(k for k in COLUMN_KEYS if k in chosen) or COLUMN_KEYS


def search_form(
    query: QueryDict, *, actor: Any, units: list[tuple[str, str]]
) -> CandidateSearchForm:
    """The form bound to the query (an empty query gets the default target: 县处级副职)."""
    data = query.copy()
    if not data.get("kind"):
        data["kind"] = "tier"
    if data.get("kind") == "tier" and not data.get("tier"):
        data["tier"] = Tier.DIVISION_DEPUTY
    return CandidateSearchForm(data, actor=actor, units=units)
