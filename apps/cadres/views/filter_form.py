"""Options of the cadre list's filter form, built once in Python.

Rendering 600 unit options with per-option template lookups cost ~20 ms a page at 1M cadres
(docs/benchmarks.md); here each select becomes a list of (value, label, selected) tuples.
"""

from typing import Any

from django.http import QueryDict

from apps.accounts.models import ManagedBy
from apps.cadres.constants import ETHNICITY_CHOICES, EducationLevel, Gender, RankGrade
from apps.units.constants import Tier
from apps.units.models import Unit

type Option = tuple[str, str, bool]

OPTION_LEVELS = 2  # levels below the user's top unit offered in the unit filter
MAX_UNIT_OPTIONS = 300
CHOICES: dict[str, list[tuple[str, str]]] = {
    "tier": [(str(v), str(label)) for v, label in Tier.choices],
    "gender": [(str(v), str(label)) for v, label in Gender.choices],
    "managed_by": [(str(v), str(label)) for v, label in ManagedBy.choices],
    "rank_grade": [(str(v), str(label)) for v, label in RankGrade.choices],
    "ethnicity": list(ETHNICITY_CHOICES),
    "education": [(str(v), str(label)) for v, label in EducationLevel.choices],
    "party_member": [("true", "是"), ("false", "否")],
}


def _options(choices: list[tuple[str, str]], chosen: list[str]) -> list[Option]:
    return [(value, label, value in chosen) for value, label in choices]


def unit_choices(actor: object, selected: str | None) -> list[tuple[str, str]]:
    """The top levels of the user's visible tree, indented, plus the selected unit."""
    visible = Unit.objects.visible_to(actor).active()
    top = visible.order_by("depth").values_list("depth", flat=True).first()
    rows: list[tuple[str, str]] = []
    if top is not None:
        units = visible.filter(depth__lte=top + OPTION_LEVELS).order_by("path")
        rows = [
            (str(pk), "　" * (depth - top) + name)
            for pk, name, depth in units.values_list("pk", "name", "depth")[:MAX_UNIT_OPTIONS]
        ]
    if selected and selected.isdigit() and all(pk != selected for pk, _ in rows):
        extra = (
            Unit.objects.visible_to(actor).filter(pk=int(selected)).values_list("name", flat=True)
        )
        rows[:0] = [(selected, name) for name in extra]
    return rows


def filter_options(actor: Any, params: QueryDict) -> dict[str, list[Option]]:
    """Every select of the filter form with its current selection."""
    options = {name: _options(choices, params.getlist(name)) for name, choices in CHOICES.items()}
    options["unit"] = _options(unit_choices(actor, params.get("unit")), params.getlist("unit"))
    return options
