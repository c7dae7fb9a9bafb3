"""Options of the cadre list's filter form, built once in Python.

Rendering hundreds of unit options with per-option template lookups cost ~20 ms a page at 1M
cadres (docs/benchmarks.md). Here each select becomes (value, label, selected) tuples whose
value and label are already HTML-escaped, and a user's unit choices are cached for a minute.
"""

from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.http import QueryDict
from django.utils.html import escape

from apps.accounts.models import ManagedBy
from apps.cadres.constants import ETHNICITY_CHOICES, EducationLevel, Gender, RankGrade
from apps.units.constants import Tier
from apps.units.models import Unit

type Option = tuple[str, str, bool]

OPTION_LEVELS = 2  # levels below the user's top unit offered in the unit filter
MAX_UNIT_OPTIONS = 300
UNIT_CHOICES_SECONDS = 60
RAW_CHOICES: dict[str, list[tuple[str, str]]] = {
    "tier": [(str(v), str(label)) for v, label in Tier.choices],
    "gender": [(str(v), str(label)) for v, label in Gender.choices],
    "managed_by": [(str(v), str(label)) for v, label in ManagedBy.choices],
    "rank_grade": [(str(v), str(label)) for v, label in RankGrade.choices],
    "ethnicity": list(ETHNICITY_CHOICES),
    "education": [(str(v), str(label)) for v, label in EducationLevel.choices],
    "party_member": [("true", "是"), ("false", "否")],
}
CHOICES = {
    name: [(escape(v), escape(label)) for v, label in rows] for name, rows in RAW_CHOICES.items()
}


def _options(choices: Sequence[tuple[str, str]], chosen: list[str]) -> list[Option]:
    wanted = {escape(c) for c in chosen}
    return [(value, label, value in wanted) for value, label in choices]


def _scope_unit_choices(actor: Any) -> list[tuple[str, str]]:
    """Escaped (id, indented name) of the top levels of the actor's tree, cached per scope."""
    paths = sorted({rule.path for rule in actor.scope_rules()})
    key = f"dandang:unit-options:{actor.pk}:{'|'.join(paths)}"
    rows: list[tuple[str, str]] | None = cache.get(key)
    if rows is None:
        rows = _load_unit_choices(actor)
        cache.set(key, rows, UNIT_CHOICES_SECONDS)
    return rows


def _load_unit_choices(actor: Any) -> list[tuple[str, str]]:
    visible = Unit.objects.visible_to(actor).active()
    top = visible.order_by("depth").values_list("depth", flat=True).first()
    if top is None:
        return []
    units = visible.filter(depth__lte=top + OPTION_LEVELS).order_by("path")
    return [
        (str(pk), "　" * (depth - top) + escape(name))
        for pk, name, depth in units.values_list("pk", "name", "depth")[:MAX_UNIT_OPTIONS]
    ]


def unit_choices(actor: Any, selected: str | None) -> list[tuple[str, str]]:
    """The cached top levels of the tree, plus the selected unit when it lies deeper."""
    rows = _scope_unit_choices(actor)
    if selected and selected.isdigit() and all(pk != selected for pk, _ in rows):
        extra = (
            Unit.objects.visible_to(actor).filter(pk=int(selected)).values_list("name", flat=True)
        )
        rows = [(selected, escape(name)) for name in extra] + rows
    return rows


def filter_options(actor: Any, params: QueryDict) -> dict[str, list[Option]]:
    """Every select of the filter form with its current selection."""
    options = {name: _options(choices, params.getlist(name)) for name, choices in CHOICES.items()}
    options["unit"] = _options(unit_choices(actor, params.get("unit")), params.getlist("unit"))
    return options
