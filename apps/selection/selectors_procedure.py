"""Reads of 任前公示 and 试用期, always from `visible_to(actor)` (the cadre's scope): the lists
with their filters and sorts, one record (its read audited: the notice shows personal facts),
and the dashboard's reminder facts."""

import re
import unicodedata
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditOutcome
from apps.core.rulesets import param
from apps.core.scope import Action
from apps.core.workdays import add_working_days
from apps.selection import rules_procedure as rules
from apps.selection.constants import ProbationOutcome, PublicityOutcome
from apps.selection.forms_procedure import ProbationFilterForm, PublicityFilterForm
from apps.selection.models import Probation, Publicity
from apps.selection.params import PROBATION_REMINDER_DAYS
from apps.units.models import Unit

PINYIN_RE = re.compile(r"^[A-Za-z]+$")
CADRE = "promotion__cadre__"
PUBLICITY_SORTS: dict[str, tuple[str, ...]] = {
    "cadre": (f"{CADRE}name_pinyin", "id"),
    "-cadre": (f"-{CADRE}name_pinyin", "-id"),
    "start_date": ("start_date", "id"),
    "-start_date": ("-start_date", "-id"),
    "end_date": ("end_date", "id"),
    "-end_date": ("-end_date", "-id"),
    "outcome": ("outcome", "end_date", "id"),
    "-outcome": ("-outcome", "-end_date", "-id"),
}
PROBATION_SORTS: dict[str, tuple[str, ...]] = {
    "cadre": (f"{CADRE}name_pinyin", "id"),
    "-cadre": (f"-{CADRE}name_pinyin", "-id"),
    "start_date": ("start_date", "id"),
    "-start_date": ("-start_date", "-id"),
    "end_date": ("end_date", "id"),
    "-end_date": ("-end_date", "-id"),
    "outcome": ("outcome", "end_date", "id"),
    "-outcome": ("-outcome", "-end_date", "-id"),
}
PUBLICITY_DEFAULT_SORT = "-start_date"
PROBATION_DEFAULT_SORT = "end_date"
RELATED = (
    "promotion__cadre",
    "promotion__unit",
    "promotion__post__unit",
    "promotion__exceptional",
)
# When the calendar does not reach far enough, the reminder window of a notice falls back to
# calendar days: a wider window only reminds earlier, it never computes a notice's end.
FALLBACK_DAYS = 4


def probation_reminder_days(on: date) -> int:
    return int(param(PROBATION_REMINDER_DAYS.key, on))


def _search[M: Publicity | Probation](queryset: QuerySet[M], text: str) -> QuerySet[M]:
    """Name, full pinyin or initials (zs → 张三); full-width input read as ASCII."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return queryset
    if PINYIN_RE.match(text):
        text = text.lower()
        return queryset.filter(
            Q(**{f"{CADRE}name_pinyin__startswith": text})
            | Q(**{f"{CADRE}name_initials__startswith": text})
        )
    return queryset.filter(**{f"{CADRE}name__contains": text})


def _in_unit[M: Publicity | Probation](queryset: QuerySet[M], unit_id: int | None) -> QuerySet[M]:
    """The promotions into `unit_id` or any unit below it."""
    if not unit_id:
        return queryset
    path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(promotion__unit__path__startswith=path)


def _sorted[M: Publicity | Probation](
    queryset: QuerySet[M], sort: str, sorts: dict[str, tuple[str, ...]], default: str
) -> QuerySet[M]:
    return queryset.order_by(*sorts.get(sort, sorts[default])).select_related(*RELATED)


def publicity_list(
    *, actor: Any, params: QueryDict, today: date | None = None
) -> tuple[QuerySet[Publicity], PublicityFilterForm]:
    """The scoped, filtered, sorted notices and the bound filter form (invalid: no rows)."""
    today = today or timezone.localdate()
    queryset: QuerySet[Publicity] = Publicity.objects.visible_to(actor)
    form = PublicityFilterForm(params)
    if not form.is_valid():
        return queryset.none(), form
    data = form.cleaned_data
    queryset = _in_unit(_search(queryset, data.get("q") or ""), data.get("unit"))
    state = data.get("state")
    pending = Q(outcome=PublicityOutcome.PENDING)
    if state == "running":
        queryset = queryset.filter(pending, end_date__gte=today)
    elif state == "ended":
        queryset = queryset.filter(pending, end_date__lt=today)
    elif state == "closed":
        queryset = queryset.exclude(pending)
    elif state:
        queryset = queryset.filter(outcome=state)
    sort = params.get("sort") or PUBLICITY_DEFAULT_SORT
    return _sorted(queryset, sort, PUBLICITY_SORTS, PUBLICITY_DEFAULT_SORT), form


def probation_list(
    *, actor: Any, params: QueryDict, today: date | None = None
) -> tuple[QuerySet[Probation], ProbationFilterForm]:
    """The scoped, filtered, sorted probations and the bound filter form (invalid: no rows)."""
    today = today or timezone.localdate()
    queryset: QuerySet[Probation] = Probation.objects.visible_to(actor)
    form = ProbationFilterForm(params)
    if not form.is_valid():
        return queryset.none(), form
    data = form.cleaned_data
    queryset = _in_unit(_search(queryset, data.get("q") or ""), data.get("unit"))
    state = data.get("state")
    pending = Q(outcome=ProbationOutcome.PENDING)
    window_end = today + timedelta(days=probation_reminder_days(today))
    if state == "pending":
        queryset = queryset.filter(pending)
    elif state == "due":
        queryset = queryset.filter(pending, end_date__gte=today, end_date__lte=window_end)
    elif state == "overdue":
        queryset = queryset.filter(pending, end_date__lt=today)
    elif state:
        queryset = queryset.filter(outcome=state)
    sort = params.get("sort") or PROBATION_DEFAULT_SORT
    return _sorted(queryset, sort, PROBATION_SORTS, PROBATION_DEFAULT_SORT), form


def _get[M: Publicity | Probation](
    queryset: QuerySet[M], actor: Any, pk: int, action: Action, label: str
) -> M:
    row = queryset.visible_to(actor, action).select_related(*RELATED).filter(pk=pk).first()  # type: ignore[attr-defined]
    target_type = f"selection.{label}"
    if row is None:
        audit.record(
            action=f"{target_type}.view",
            actor=actor,
            target_type=target_type,
            target_id=pk,
            outcome=AuditOutcome.DENIED,
        )
        raise OutOfScopeError()
    if action is Action.VIEW:
        audit.record(action=f"{target_type}.view", actor=actor, target=row, target_type=target_type)
    return row


def publicity_get(*, actor: Any, publicity_id: int, action: Action = Action.VIEW) -> Publicity:
    """One notice in scope for `action` (a VIEW is audited), else OutOfScopeError."""
    return _get(Publicity.objects.all(), actor, publicity_id, action, "publicity")


def probation_get(*, actor: Any, probation_id: int, action: Action = Action.VIEW) -> Probation:
    """One probation in scope for `action` (a VIEW is audited), else OutOfScopeError."""
    return _get(Probation.objects.all(), actor, probation_id, action, "probation")


def can_change(actor: Any, row: Publicity | Probation) -> bool:
    return type(row).objects.visible_to(actor, Action.CHANGE).filter(pk=row.pk).exists()


# --- reminders (dashboard) -------------------------------------------------------------------


def publicity_reminder_limit(today: date) -> date:
    """The last end date that counts as "ending soon": within the next 2 working days."""
    try:
        return add_working_days(today, rules.PUBLICITY_REMINDER_WORKING_DAYS)
    except DomainError:
        return today + timedelta(days=FALLBACK_DAYS)


def publicity_ending(actor: Any, today: date) -> QuerySet[Publicity]:
    """Running notices ending within 2 working days, and those ended without a recorded
    result, soonest first."""
    return (
        Publicity.objects.visible_to(actor)
        .filter(outcome=PublicityOutcome.PENDING, end_date__lte=publicity_reminder_limit(today))
        .select_related(*RELATED)
        .order_by("end_date", "id")
    )


def probations_due(actor: Any, today: date) -> QuerySet[Probation]:
    """Pending probations ending within selection.probation_reminder_days, and overdue ones,
    soonest first."""
    window_end = today + timedelta(days=probation_reminder_days(today))
    return (
        Probation.objects.visible_to(actor)
        .filter(outcome=ProbationOutcome.PENDING, end_date__lte=window_end)
        .select_related(*RELATED)
        .order_by("end_date", "id")
    )
