"""List filters for cadres, shared by the pages, the export and the API."""

import re
import unicodedata
from datetime import date
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.models import ManagedBy
from apps.units.constants import Tier
from apps.units.models import Unit

from . import identity
from .constants import (
    EDUCATION_ORDER,
    ETHNICITY_CHOICES,
    PARTY_MEMBER_STATUSES,
    EducationLevel,
    Gender,
    RankGrade,
)
from .models import Cadre

ID_NUMBER_RE = re.compile(r"^[0-9]{17}[0-9Xx]$")
PINYIN_RE = re.compile(r"^[A-Za-z]+$")
SORTS = {
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "birth_date": ("birth_date", "id"),
    "-birth_date": ("-birth_date", "-id"),
    "work_start_date": ("work_start_date", "id"),
    "-work_start_date": ("-work_start_date", "-id"),
    "unit": ("unit__path", "name_pinyin", "id"),
    "-unit": ("-unit__path", "-name_pinyin", "-id"),
}
DEFAULT_SORT = "unit"


def years_ago(today: date, years: int) -> date:
    """The same day `years` earlier (29 Feb falls back to 28 Feb)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def search(queryset: QuerySet[Cadre], text: str) -> QuerySet[Cadre]:
    """Name, full pinyin or initials (zs → 张三), or an exact 公民身份号码 via its keyed hash."""
    # Chinese input methods type full-width digits and letters (１２３ｚｓ); search in ASCII.
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return queryset
    if ID_NUMBER_RE.match(text):
        return queryset.filter(id_number_hash=identity.search_hash(text))
    if PINYIN_RE.match(text):
        text = text.lower()
        return queryset.filter(Q(name_pinyin__startswith=text) | Q(name_initials__startswith=text))
    return queryset.filter(name__contains=text)


class SharedChoices(tuple[tuple[str, str], ...]):
    """Constant choices that forms and filter sets share instead of deep-copying: every filter
    set and form copies its fields' choices on creation, ≈ 1,000 copies per request here."""

    def __deepcopy__(self, memo: dict[int, Any]) -> "SharedChoices":
        return self


TIERS = SharedChoices(Tier.choices)
RANK_GRADES = SharedChoices(RankGrade.choices)
GENDERS = SharedChoices(Gender.choices)
ETHNICITIES = SharedChoices(ETHNICITY_CHOICES)
MANAGED_BY = SharedChoices(ManagedBy.choices)
EDUCATION_LEVELS = SharedChoices(EducationLevel.choices)


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """Comma-separated ids (the rows a user ticked); foreign ids simply match nothing."""


class CadreFilter(django_filters.FilterSet):
    """Filters of the cadre list. `unit` narrows to a subtree *within* the already-scoped rows."""

    ids = NumberInFilter(label="所选干部", field_name="pk")
    q = django_filters.CharFilter(label="姓名/拼音/身份证号", method="filter_q", max_length=50)
    unit = django_filters.NumberFilter(label="单位（含下级）", method="filter_unit")
    tier = django_filters.MultipleChoiceFilter(label="职务层次", choices=TIERS)
    rank_grade = django_filters.MultipleChoiceFilter(label="职级", choices=RANK_GRADES)
    gender = django_filters.ChoiceFilter(label="性别", choices=GENDERS)
    ethnicity = django_filters.ChoiceFilter(label="民族", choices=ETHNICITIES)
    managed_by = django_filters.ChoiceFilter(label="管理权限", choices=MANAGED_BY)
    education = django_filters.ChoiceFilter(
        label="学历（及以上）", choices=EDUCATION_LEVELS, method="filter_education"
    )
    party_member = django_filters.BooleanFilter(label="中共党员", method="filter_party")
    age_min = django_filters.NumberFilter(label="年龄≥", method="filter_age_min", min_value=0)
    age_max = django_filters.NumberFilter(label="年龄≤", method="filter_age_max", min_value=0)

    class Meta:
        model = Cadre
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Cadre], name: str, value: str) -> QuerySet[Cadre]:
        return search(queryset, value)

    def filter_unit(self, queryset: QuerySet[Cadre], name: str, value: Any) -> QuerySet[Cadre]:
        path = Unit.objects.filter(pk=int(value)).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        return queryset.filter(unit__path__startswith=path)

    def filter_education(self, queryset: QuerySet[Cadre], name: str, value: str) -> QuerySet[Cadre]:
        at_least = [v for v, rank in EDUCATION_ORDER.items() if rank <= EDUCATION_ORDER[value]]
        return queryset.filter(highest_education__in=at_least)

    def filter_party(
        self, queryset: QuerySet[Cadre], name: str, value: bool | None
    ) -> QuerySet[Cadre]:
        if value is None:
            return queryset
        lookup = Q(political_status__in=PARTY_MEMBER_STATUSES)
        return queryset.filter(lookup) if value else queryset.exclude(lookup)

    def filter_age_min(self, queryset: QuerySet[Cadre], name: str, value: Any) -> QuerySet[Cadre]:
        # age ≥ n  ⇔  born on or before today − n years
        return queryset.filter(birth_date__lte=years_ago(timezone.localdate(), int(value)))

    def filter_age_max(self, queryset: QuerySet[Cadre], name: str, value: Any) -> QuerySet[Cadre]:
        # age ≤ n  ⇔  born after today − (n+1) years
        return queryset.filter(birth_date__gt=years_ago(timezone.localdate(), int(value) + 1))
