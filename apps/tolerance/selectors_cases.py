"""Reads of 容错纠错 cases, corrections and 澄清正名. Every list starts from
`visible_to(actor)`, which needs the `tolerance` pillar in a grant covering the cadre
(need-to-know); detail reads are audited, refused ones as DENIED."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from apps.cadres.filters import search
from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.exceptions import OutOfScopeError
from apps.core.models import AuditEvent, AuditOutcome
from apps.core.scope import Action, Pillar, ScopeRule, ancestor_paths, rules_for
from apps.tolerance.constants import CaseStage, Outcome
from apps.tolerance.forms_cases import CaseFilterForm, ClarificationFilterForm, OverdueFilterForm
from apps.tolerance.models import (
    CaseEvidence,
    Clarification,
    Correction,
    ToleranceCase,
    ToleranceMethod,
)
from apps.tolerance.rules_cases import Checklist, suggested_outcome
from apps.units.models import Unit

CASE_SORTS: dict[str, tuple[str, ...]] = {
    "applied_on": ("applied_on", "id"),
    "-applied_on": ("-applied_on", "-id"),
    "name": ("cadre__name_pinyin", "-applied_on", "id"),
    "-name": ("-cadre__name_pinyin", "-applied_on", "-id"),
    "stage": ("stage", "-applied_on", "id"),
    "-stage": ("-stage", "-applied_on", "-id"),
    "concluded_on": ("concluded_on", "id"),
    "-concluded_on": ("-concluded_on", "-id"),
}
OVERDUE_SORTS: dict[str, tuple[str, ...]] = {
    "due_on": ("due_on", "id"),
    "-due_on": ("-due_on", "-id"),
    "name": ("case__cadre__name_pinyin", "due_on", "id"),
    "-name": ("-case__cadre__name_pinyin", "due_on", "-id"),
}
CLARIFICATION_SORTS: dict[str, tuple[str, ...]] = {
    "clarified_on": ("clarified_on", "id"),
    "-clarified_on": ("-clarified_on", "-id"),
    "name": ("cadre__name_pinyin", "-clarified_on", "id"),
    "-name": ("-cadre__name_pinyin", "-clarified_on", "-id"),
}
CHECKLIST_FIELDS = tuple(f for f in Checklist.__dataclass_fields__ if f != "negative_matched")


# --- the pillar ---------------------------------------------------------------------------------


def pillar_rules(actor: Any, action: Action = Action.VIEW) -> list[ScopeRule]:
    """The actor's grants that open the tolerance pillar for `action`."""
    return rules_for(actor, action, Pillar.TOLERANCE)


def holds_pillar(actor: Any, action: Action = Action.VIEW) -> bool:
    """Whether any of the actor's grants carries the tolerance pillar (for `action`)."""
    return bool(pillar_rules(actor, action))


def holds_pillar_for(actor: Any, cadre: Cadre, action: Action = Action.VIEW) -> bool:
    """Whether a grant with the tolerance pillar covers this cadre (unit subtree and level)."""
    if cadre.deleted_at is not None:
        return False
    path = cadre.unit.path
    return any(
        path.startswith(r.path) and cadre.managed_by in r.managed_levels
        for r in pillar_rules(actor, action)
    )


def pillar_cadre_get(*, actor: Any, cadre_id: Any, action: Action = Action.VIEW) -> Cadre:
    """A cadre the actor may open tolerance records for, else OutOfScopeError (audited)."""
    try:
        pk = int(cadre_id)
    except (TypeError, ValueError):
        pk = 0
    cadre = pillar_cadres(actor, action).select_related("unit").filter(pk=pk).first()
    if cadre is None:
        audit.record(
            action="tolerance.cadre.open",
            actor=actor,
            target_type="cadres.cadre",
            target_id=pk,
            outcome=AuditOutcome.DENIED,
        )
        raise OutOfScopeError()
    return cadre


def pillar_cadre_search(
    *, actor: Any, text: str, action: Action = Action.CHANGE, limit: int = 20
) -> list[Cadre]:
    """Cadres in the pillar scope matching a name, pinyin or initials (the pick on new forms)."""
    text = text.strip()[:50]
    if not text:
        return []
    rows = search(pillar_cadres(actor, action), text).select_related("unit")
    return list(rows.order_by("name_pinyin", "id")[:limit])


def pillar_cadres(actor: Any, action: Action = Action.VIEW) -> QuerySet[Cadre]:
    """Cadres the actor may open tolerance records for (scope plus the pillar)."""
    match = Q()
    rules = pillar_rules(actor, action)
    if not rules:
        return Cadre.objects.none()
    for r in rules:
        match |= Q(unit__path__startswith=r.path, managed_by__in=sorted(r.managed_levels))
    return Cadre.objects.visible_to(actor, action).filter(match)


# --- the method that applied -----------------------------------------------------------------


def applicable_method(unit_path: str, on: date) -> ToleranceMethod | None:
    """The published method of the locality on `on`: the nearest unit on the path upward that
    has a published version in force (effective_from ≤ on), latest version first.

    Methods are registries of the cadre's own and higher units, which every user of the
    locality reads; the caller has the case in scope, so no further scoping is needed."""
    paths = ancestor_paths(unit_path)
    rows = list(
        ToleranceMethod.objects.filter(
            unit__path__in=paths, published_at__isnull=False, effective_from__lte=on
        )
        .select_related("unit")
        .order_by("-unit__depth", "-effective_from", "-published_at", "-id")[:1]
    )
    return rows[0] if rows else None


def case_checklist(case: ToleranceCase, *, negative_matched: bool | None = None) -> Checklist:
    """The saved checklist of a case as the rules' value object."""
    if negative_matched is None:
        negative_matched = case.negative_items.exists()
    values = {name: getattr(case, name) for name in CHECKLIST_FIELDS}
    return Checklist(**values, negative_matched=negative_matched)


def case_suggestion(case: ToleranceCase) -> Outcome | None:
    """The outcome the saved checklist suggests, once the case is determined."""
    if case.determined_on is None:
        return None
    return suggested_outcome(case_checklist(case))


# --- cases ---------------------------------------------------------------------------------------


def _subtree_path(unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    return Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or "//none"


def _sort(params: QueryDict, allowed: dict[str, tuple[str, ...]], default: str) -> tuple[str, ...]:
    key = str(params.get("sort") or default)
    return allowed.get(key, allowed[default])


def _by_name(actor: Any, text: str) -> QuerySet[Cadre]:
    return search(Cadre.objects.visible_to(actor), text)


def case_list(*, actor: Any, params: QueryDict) -> tuple[QuerySet[ToleranceCase], CaseFilterForm]:
    """Scoped cases, filtered and sorted like the page, and the bound filter form."""
    form = CaseFilterForm(params or None)
    rows = ToleranceCase.objects.visible_to(actor)
    if form.is_bound and not form.is_valid():
        return rows.none(), form
    data = form.cleaned_data if form.is_bound else {}
    for key in ("stage", "outcome", "area"):
        if data.get(key):
            rows = rows.filter(**{key: data[key]})
    path = _subtree_path(data.get("unit"))
    if path:
        rows = rows.filter(cadre__unit__path__startswith=path)
    if data.get("date_from"):
        rows = rows.filter(applied_on__gte=data["date_from"])
    if data.get("date_to"):
        rows = rows.filter(applied_on__lte=data["date_to"])
    if data.get("q"):
        rows = rows.filter(cadre__in=_by_name(actor, data["q"]))
    order = _sort(params, CASE_SORTS, "-applied_on")
    return rows.select_related("cadre__unit", "unit").order_by(*order), form


def case_get(
    *, actor: Any, case_id: int, action: Action = Action.VIEW, audit_read: bool = True
) -> ToleranceCase:
    """One case in scope with the pillar, its read audited (`audit_read=False` when the caller
    is about to act on it, which is audited itself); else audited as denied and OutOfScopeError
    (the page answers 404 without confirming the case exists)."""
    case = (
        ToleranceCase.objects.visible_to(actor, action)
        .select_related("cadre__unit", "unit", "method__unit")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        audit.record(
            action="tolerance.case.view",
            actor=actor,
            target_type="tolerance.tolerancecase",
            target_id=case_id,
            outcome=AuditOutcome.DENIED,
        )
        raise OutOfScopeError()
    if audit_read:
        audit.record(
            action="tolerance.case.view",
            actor=actor,
            target=case,
            detail={"cadre": case.cadre_id},
        )
    return case


def case_can_change(*, actor: Any, case_id: int) -> bool:
    return ToleranceCase.objects.visible_to(actor, Action.CHANGE).filter(pk=case_id).exists()


@dataclass(frozen=True)
class TimelineStep:
    label: str
    on: date | None
    who: str
    done: bool
    current: bool


def _who(user: Any) -> str:
    return getattr(user, "display_name", "") if user is not None else ""


def case_timeline(case: ToleranceCase) -> list[TimelineStep]:
    """The stages of a case with their dates and who acted (a not-accepted case ends at 受理)."""
    stage = case.stage
    if stage == CaseStage.NOT_ACCEPTED:
        return [
            TimelineStep("申请", case.applied_on, case.applicant_name, True, False),
            TimelineStep("不予受理", case.closed_on, _who(case.accepted_by), True, True),
        ]
    order = [s for s in CaseStage.values if s != CaseStage.NOT_ACCEPTED]
    reached = order.index(stage)
    steps = [
        ("申请", case.applied_on, case.applicant_name),
        ("受理", case.accepted_on, _who(case.accepted_by)),
        ("核实", case.verified_on, ""),
        ("认定", case.determined_on, _who(case.determined_by)),
        ("结论（纠错）", case.concluded_on, _who(case.concluded_by)),
        ("办结", case.closed_on, ""),
    ]
    return [
        TimelineStep(label, on, who, i <= reached, i == reached)
        for i, (label, on, who) in enumerate(steps)
    ]


CASE_AUDIT_TYPE = "tolerance.tolerancecase"
CASE_AUDIT_PREFIX = "tolerance.case."


def _case_events(case_id: int) -> QuerySet[AuditEvent]:
    """The audited changes of a case (its reads left out)."""
    return (
        AuditEvent.objects.filter(
            target_type=CASE_AUDIT_TYPE,
            target_id=str(case_id),
            action__startswith=CASE_AUDIT_PREFIX,
            outcome=AuditOutcome.OK,
        )
        .exclude(action=CASE_AUDIT_PREFIX + "view")
        .order_by("id")
    )


def last_case_event(case_id: int) -> AuditEvent | None:
    """The latest change of a case, with its actor (for "decided by whom and when")."""
    return _case_events(case_id).select_related("actor").order_by("-id").first()


def case_changes_since(case_id: int, version: int) -> dict[str, tuple[Any, Any]]:
    """Field → (old, new) over the audited changes made after `version`."""
    changes: dict[str, tuple[Any, Any]] = {}
    for event in _case_events(case_id):
        if (event.detail or {}).get("version", 0) <= version:
            continue
        for key, new in (event.after or {}).items():
            old = changes[key][0] if key in changes else (event.before or {}).get(key)
            changes[key] = (old, new)
    changes.pop("version", None)
    return changes


def cadre_cases(*, actor: Any, cadre_id: int) -> QuerySet[ToleranceCase]:
    """One cadre's cases (the cadre page's tab)."""
    return ToleranceCase.objects.visible_to(actor).filter(cadre_id=cadre_id).order_by("-applied_on")


# --- evidence ------------------------------------------------------------------------------------


def evidence_open(*, actor: Any, evidence_id: int) -> CaseEvidence:
    """An evidence file for download through the scope and pillar check; the read is audited,
    a refused one as denied before the caller answers 404."""
    evidence = (
        CaseEvidence.objects.visible_to(actor).select_related("case").filter(pk=evidence_id).first()
    )
    if evidence is None:
        audit.record(
            action="tolerance.evidence.download",
            actor=actor,
            target_type="tolerance.caseevidence",
            target_id=evidence_id,
            outcome=AuditOutcome.DENIED,
        )
        raise OutOfScopeError()
    audit.record(
        action="tolerance.evidence.download",
        actor=actor,
        target=evidence,
        detail={"case": evidence.case_id, "cadre": evidence.case.cadre_id},
    )
    return evidence


# --- corrections ---------------------------------------------------------------------------------


def overdue_corrections(
    *, actor: Any, params: QueryDict, today: date
) -> tuple[QuerySet[Correction], OverdueFilterForm]:
    """Corrections past their due date and not done, of cases in scope."""
    form = OverdueFilterForm(params or None)
    rows = Correction.objects.visible_to(actor).filter(done_on__isnull=True, due_on__lt=today)
    if form.is_bound and not form.is_valid():
        return rows.none(), form
    data = form.cleaned_data if form.is_bound else {}
    path = _subtree_path(data.get("unit"))
    if path:
        rows = rows.filter(case__cadre__unit__path__startswith=path)
    if data.get("q"):
        rows = rows.filter(case__cadre__in=_by_name(actor, data["q"]))
    order = _sort(params, OVERDUE_SORTS, "due_on")
    return rows.select_related("case__cadre__unit").order_by(*order), form


def correction_get(*, actor: Any, correction_id: int, action: Action = Action.VIEW) -> Correction:
    """One correction of a case in scope, else OutOfScopeError (audited as denied)."""
    row = (
        Correction.objects.visible_to(actor, action)
        .select_related("case")
        .filter(pk=correction_id)
        .first()
    )
    if row is None:
        audit.record(
            action="tolerance.correction.view",
            actor=actor,
            target_type="tolerance.correction",
            target_id=correction_id,
            outcome=AuditOutcome.DENIED,
        )
        raise OutOfScopeError()
    return row


# --- clarifications ------------------------------------------------------------------------------


def clarification_list(
    *, actor: Any, params: QueryDict
) -> tuple[QuerySet[Clarification], ClarificationFilterForm]:
    form = ClarificationFilterForm(params or None)
    rows = Clarification.objects.visible_to(actor)
    if form.is_bound and not form.is_valid():
        return rows.none(), form
    data = form.cleaned_data if form.is_bound else {}
    if data.get("scope"):
        rows = rows.filter(scope=data["scope"])
    path = _subtree_path(data.get("unit"))
    if path:
        rows = rows.filter(cadre__unit__path__startswith=path)
    if data.get("date_from"):
        rows = rows.filter(clarified_on__gte=data["date_from"])
    if data.get("date_to"):
        rows = rows.filter(clarified_on__lte=data["date_to"])
    if data.get("q"):
        rows = rows.filter(cadre__in=_by_name(actor, data["q"]))
    order = _sort(params, CLARIFICATION_SORTS, "-clarified_on")
    return rows.select_related("cadre__unit").order_by(*order), form


def clarification_get(
    *, actor: Any, clarification_id: int, action: Action = Action.VIEW
) -> Clarification:
    """One clarification in scope with the pillar, its read audited (refusals as denied)."""
    row = (
        Clarification.objects.visible_to(actor, action)
        .select_related("cadre__unit")
        .filter(pk=clarification_id)
        .first()
    )
    if row is None:
        audit.record(
            action="tolerance.clarification.view",
            actor=actor,
            target_type="tolerance.clarification",
            target_id=clarification_id,
            outcome=AuditOutcome.DENIED,
        )
        raise OutOfScopeError()
    audit.record(
        action="tolerance.clarification.view",
        actor=actor,
        target=row,
        detail={"cadre": row.cadre_id},
    )
    return row


def cadre_clarifications(*, actor: Any, cadre_id: int) -> QuerySet[Clarification]:
    return Clarification.objects.visible_to(actor).filter(cadre_id=cadre_id)


# --- statistics ----------------------------------------------------------------------------------

STAGE_SPANS: tuple[tuple[str, str, str], ...] = (
    ("受理", "applied_on", "accepted_on"),
    ("核实", "accepted_on", "verified_on"),
    ("认定", "verified_on", "determined_on"),
    ("结论", "determined_on", "concluded_on"),
    ("纠错办结", "concluded_on", "closed_on"),
)


@dataclass(frozen=True)
class CaseStats:
    """Counts of the cases in scope: by stage, by outcome, average days each stage took, and
    overdue corrections."""

    total: int
    by_stage: list[tuple[str, str, int]]
    by_outcome: list[tuple[str, str, int]]
    average_days: list[tuple[str, float | None, int]] = field(default_factory=list)
    overdue_corrections: int = 0


def average_days(spans: Iterable[tuple[date | None, date | None]]) -> tuple[float | None, int]:
    """Mean of (end - start) in days over the complete spans, with how many counted."""
    days = [(end - start).days for start, end in spans if start and end]
    return (round(sum(days) / len(days), 1) if days else None), len(days)


def case_stats(*, actor: Any, today: date) -> CaseStats:
    """The dashboard numbers of the actor's cases (one query per figure group)."""
    rows = ToleranceCase.objects.visible_to(actor)
    stages = dict(
        rows.order_by().values_list("stage").annotate(n=Count("id")).values_list("stage", "n")
    )
    outcomes = dict(
        rows.exclude(outcome="")
        .order_by()
        .values_list("outcome")
        .annotate(n=Count("id"))
        .values_list("outcome", "n")
    )
    fields = sorted({f for _, a, b in STAGE_SPANS for f in (a, b)})
    dated = [dict(zip(fields, r, strict=True)) for r in rows.values_list(*fields)]
    spans = []
    for label, start, end in STAGE_SPANS:
        mean, n = average_days((r[start], r[end]) for r in dated)
        spans.append((label, mean, n))
    overdue = (
        Correction.objects.visible_to(actor).filter(done_on__isnull=True, due_on__lt=today).count()
    )
    return CaseStats(
        total=sum(stages.values()),
        by_stage=[(v, str(label), stages.get(v, 0)) for v, label in CaseStage.choices],
        by_outcome=[(v, str(label), outcomes.get(v, 0)) for v, label in Outcome.choices],
        average_days=spans,
        overdue_corrections=overdue,
    )
