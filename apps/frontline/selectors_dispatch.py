"""Reads of dispatches (点将). Every function starts from `Dispatch.objects.visible_to(actor)`:
the sending side and the receiving units' officers see a dispatch; only the sending side acts."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from apps.core.exceptions import OutOfScopeError
from apps.core.models import AuditEvent
from apps.core.rulesets import param
from apps.core.scope import Action
from apps.frontline import rules_dispatch as rules
from apps.frontline.constants import SERVING_STATES, DispatchKind
from apps.frontline.forms_dispatch import SERVING, DispatchFilterForm
from apps.frontline.models import CentralTask, Dispatch, FrontlineService
from apps.frontline.params import TERM_REMINDER_DAYS
from apps.frontline.services.dispatch import AUDIT_PREFIX, AUDIT_TYPE, VERBS
from apps.units.constants import UnitLevel
from apps.units.models import Unit

PINYIN_RE = re.compile(r"^[A-Za-z]+$")
SORTS: dict[str, tuple[str, ...]] = {
    "cadre": ("cadre__name_pinyin", "id"),
    "-cadre": ("-cadre__name_pinyin", "-id"),
    "kind": ("kind", "-planned_start", "id"),
    "-kind": ("-kind", "-planned_start", "id"),
    "target": ("target_unit__path", "cadre__name_pinyin", "id"),
    "-target": ("-target_unit__path", "-cadre__name_pinyin", "-id"),
    "state": ("state", "-planned_start", "id"),
    "-state": ("-state", "-planned_start", "id"),
    "planned_start": ("planned_start", "id"),
    "-planned_start": ("-planned_start", "-id"),
    "planned_end": ("planned_end", "id"),
    "-planned_end": ("-planned_end", "-id"),
}
DEFAULT_SORT = "-planned_start"
HISTORY_SKIP = {"version", "approved_by", "created_by", "cadre", "sending_unit"}


def reminder_days(on: date) -> int:
    """Days before the term end a reminder starts (parameter frontline.term_reminder_days)."""
    return int(param(TERM_REMINDER_DAYS.key, on))


def _search(queryset: QuerySet[Dispatch], text: str) -> QuerySet[Dispatch]:
    """Cadre name, full pinyin or initials (zs → 张三); full-width input is read as ASCII."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return queryset
    if PINYIN_RE.match(text):
        text = text.lower()
        return queryset.filter(
            Q(cadre__name_pinyin__startswith=text) | Q(cadre__name_initials__startswith=text)
        )
    return queryset.filter(cadre__name__contains=text)


def _in_group(queryset: QuerySet[Dispatch], unit_id: int) -> QuerySet[Dispatch]:
    """Dispatches whose target lies in a board group: a county's subtree, or a unit above county
    level that forms its own group (only dispatches to that very unit)."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        return queryset.none()
    if unit.level == UnitLevel.COUNTY:
        return queryset.filter(target_unit__path__startswith=unit.path)
    return queryset.filter(target_unit=unit)


def _apply_filters(
    queryset: QuerySet[Dispatch], data: dict[str, Any], today: date
) -> QuerySet[Dispatch]:
    queryset = _search(queryset, data.get("q") or "")
    state = data.get("state")
    if state == SERVING:
        queryset = queryset.filter(state__in=SERVING_STATES)
    elif state:
        queryset = queryset.filter(state=state)
    if data.get("kind"):
        queryset = queryset.filter(kind=data["kind"])
    if data.get("county"):
        queryset = _in_group(queryset, data["county"])
    if data.get("target_unit"):
        path = Unit.objects.filter(pk=data["target_unit"]).values_list("path", flat=True).first()
        queryset = queryset.filter(target_unit__path__startswith=path) if path else queryset.none()
    if data.get("task"):
        queryset = queryset.filter(task_id=data["task"])
    if data.get("ending"):
        window_end = today + timedelta(days=reminder_days(today))
        queryset = queryset.filter(state__in=SERVING_STATES, planned_end__lte=window_end)
    return queryset


def dispatch_list(
    *, actor: Any, params: QueryDict, today: date | None = None
) -> tuple[QuerySet[Dispatch], DispatchFilterForm]:
    """The scoped, filtered, sorted list and the bound filter form (invalid filters: no rows)."""
    today = today or timezone.localdate()
    base = Dispatch.objects.visible_to(actor)
    form = DispatchFilterForm(params)
    queryset = _apply_filters(base, form.cleaned_data, today) if form.is_valid() else base.none()
    sort = params.get("sort") or DEFAULT_SORT
    queryset = queryset.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    return queryset.select_related("cadre", "sending_unit", "target_unit", "task"), form


def dispatch_get(*, actor: Any, dispatch_id: int, action: Action = Action.VIEW) -> Dispatch:
    """One dispatch in the actor's scope for `action`; else OutOfScopeError (views: 404)."""
    dispatch = (
        Dispatch.objects.visible_to(actor, action)
        .select_related("cadre", "sending_unit", "target_unit", "task", "approved_by")
        .filter(pk=dispatch_id)
        .first()
    )
    if dispatch is None:
        raise OutOfScopeError()
    return dispatch


def can_change(*, actor: Any, dispatch_id: int) -> bool:
    """Whether the actor is on the dispatch's sending side (receiving units only read)."""
    return Dispatch.objects.visible_to(actor, Action.CHANGE).filter(pk=dispatch_id).exists()


def dispatch_service(*, actor: Any, dispatch: Dispatch) -> FrontlineService | None:
    """The 一线经历 record the dispatch started, if the actor's cadre scope shows it."""
    return FrontlineService.objects.visible_to(actor).filter(dispatch=dispatch).first()


def terms_ending(actor: Any, today: date, days: int | None = None) -> QuerySet[Dispatch]:
    """Serving dispatches whose term ends within `days` (default: frontline.term_reminder_days)
    of `today`, overdue ones included, soonest first (the dashboard's reminders)."""
    window = reminder_days(today) if days is None else days
    return (
        Dispatch.objects.visible_to(actor)
        .filter(state__in=SERVING_STATES, planned_end__lte=today + timedelta(days=window))
        .select_related("cadre", "target_unit")
        .order_by("planned_end", "id")
    )


def group_units(units: Iterable[Unit]) -> dict[int, Unit]:
    """Target unit id → its board group: the highest county-level unit on its path (a county
    department groups under its county); a unit with no county above it groups under itself."""
    units = list(units)
    ancestor_ids = {pk for unit in units for pk in unit.ancestor_ids}
    counties = {u.pk: u for u in Unit.objects.filter(pk__in=ancestor_ids, level=UnitLevel.COUNTY)}
    return {
        unit.pk: next((counties[pk] for pk in unit.ancestor_ids if pk in counties), unit)
        for unit in units
    }


def county_options(*, actor: Any) -> list[tuple[int, str]]:
    """The board groups of every dispatch the actor sees (options of the list's county filter)."""
    unit_ids = Dispatch.objects.visible_to(actor).values_list("target_unit", flat=True).distinct()
    groups = group_units(Unit.objects.filter(pk__in=unit_ids))
    unique = {g.pk: g for g in groups.values()}
    return [(g.pk, g.name) for g in sorted(unique.values(), key=lambda g: g.path)]


def task_options(*, actor: Any) -> list[tuple[int, str]]:
    """Central tasks the actor sees (filter and form options)."""
    tasks = CentralTask.objects.visible_to(actor).order_by("-start_date", "id")[:300]
    return [(t.pk, t.name) for t in tasks]


@dataclass
class BoardEntry:
    """One serving cadre on the board."""

    dispatch: Dispatch
    days_left: int
    ending: bool

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def flag(self) -> str:
        return rules.reminder_text(self.days_left) if self.ending else ""


@dataclass
class CountyCard:
    """A target county (or a unit above county level) and who serves there now."""

    unit: Unit
    entries: list[BoardEntry] = field(default_factory=list)

    @property
    def ending(self) -> list[BoardEntry]:
        return [e for e in self.entries if e.ending]

    def count(self, kind: str) -> int:
        return sum(1 for e in self.entries if e.dispatch.kind == kind)


@dataclass
class Board:
    cards: list[CountyCard]
    reminder_days: int

    @property
    def kinds(self) -> list[tuple[str, str]]:
        return [(str(k), str(label)) for k, label in DispatchKind.choices]

    def table(self) -> list[tuple[Unit, list[tuple[str, int]], int]]:
        """Per group: (unit, [(kind, count)], total) — the chart's numbers as a table."""
        return [
            (card.unit, [(k, card.count(k)) for k, _ in self.kinds], len(card.entries))
            for card in self.cards
        ]

    def totals(self) -> tuple[list[int], int]:
        per_kind = [sum(card.count(k) for card in self.cards) for k, _ in self.kinds]
        return per_kind, sum(per_kind)


def dispatch_board(*, actor: Any, today: date) -> Board:
    """Serving dispatches grouped by target county, terms ending soon flagged (选派看板)."""
    days = reminder_days(today)
    serving = list(
        Dispatch.objects.visible_to(actor)
        .filter(state__in=SERVING_STATES)
        .select_related("cadre", "target_unit", "task")
        .order_by("planned_end", "id")
    )
    groups = group_units({d.target_unit.pk: d.target_unit for d in serving}.values())
    cards: dict[int, CountyCard] = {}
    for d in serving:
        group = groups[d.target_unit.pk]
        card = cards.setdefault(group.pk, CountyCard(unit=group))
        card.entries.append(
            BoardEntry(
                dispatch=d,
                days_left=rules.days_left(d.planned_end, today),
                ending=rules.term_ends_within(d.planned_end, today, days),
            )
        )
    return Board(cards=sorted(cards.values(), key=lambda c: c.unit.path), reminder_days=days)


def _field_label(name: str) -> str:
    try:
        return str(getattr(Dispatch._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def _display(name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    try:
        choices = dict(getattr(Dispatch._meta.get_field(name), "choices", None) or [])
    except FieldDoesNotExist:
        choices = {}
    return str(choices.get(value, value))


def dispatch_history(*, dispatch: Dispatch) -> list[dict[str, Any]]:
    """The audit trail of one dispatch, oldest first, with Chinese field names and values."""
    events = AuditEvent.objects.filter(
        target_type=AUDIT_TYPE, target_id=str(dispatch.pk), action__startswith=AUDIT_PREFIX
    ).select_related("actor")
    rows = []
    for event in events.order_by("id"):
        # A creation's snapshot repeats the facts shown above the history; list changes only.
        after = {} if event.action == AUDIT_PREFIX + "create" else (event.after or {})
        rows.append(
            {
                "at": event.at,
                "actor": getattr(event.actor, "display_name", "") or event.actor_name,
                "action": VERBS.get(event.action.removeprefix(AUDIT_PREFIX), event.action),
                "reason": (event.detail or {}).get("reason", ""),
                "changes": [
                    (_field_label(k), _display(k, v))
                    for k, v in after.items()
                    if k not in HISTORY_SKIP and k != "id"
                ],
            }
        )
    return rows
