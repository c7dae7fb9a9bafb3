"""Reads for the 三龄两历 check: one cadre (the record's tab) or the actor's whole scope (the
report). Cadres come from `Cadre.objects.visible_to(actor)`, their parts from each part's own
`visible_to`; a scope is read in chunks of cadres with one query per part and chunk, then checked
by the pure rules in apps.cadres.checks."""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from itertools import batched
from typing import Any

from django.db.models import QuerySet

from apps.cadres.checks import (
    AppointmentFact,
    Code,
    EducationFact,
    Inconsistency,
    RecordFacts,
    ResumeFact,
    check_record,
)
from apps.cadres.constants import PARTY_MEMBER_STATUSES
from apps.cadres.models import Appointment, Cadre, Education, ResumeEntry
from apps.units.models import Unit

CHUNK = 1000  # cadres per round of part queries: bounded memory, few queries
SORTS: dict[str, tuple[str, ...]] = {
    "unit": ("unit__path", "name_pinyin", "id"),
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "-count": ("unit__path", "name_pinyin", "id"),  # then by issue count, in Python
}
DEFAULT_SORT = "unit"
CADRE_COLUMNS = (
    "pk",
    "name",
    "unit__name",
    "birth_date",
    "work_start_date",
    "party_join_date",
    "political_status",
    "highest_education",
)

type Parts = tuple[
    dict[int, list[EducationFact]], dict[int, list[ResumeFact]], dict[int, list[AppointmentFact]]
]


@dataclass(frozen=True)
class CheckedCadre:
    """A cadre of the report with the inconsistencies found (dates shown beside them)."""

    pk: int
    name: str
    unit_name: str
    birth_date: date
    work_start_date: date | None
    party_join_date: date | None
    issues: tuple[Inconsistency, ...]


@dataclass(frozen=True)
class CodeCount:
    """How many cadres and findings a rule has in the report's scope and unit."""

    code: str
    label: str
    cadres: int
    issues: int


@dataclass
class ChecksReport:
    """The report: cadres with findings (of `code` when filtered), counts per rule."""

    rows: list[CheckedCadre]
    counts: list[CodeCount]
    checked: int  # cadres checked (scope and unit filter)
    code: str = ""
    unit: Unit | None = None
    sort: str = DEFAULT_SORT

    @property
    def issue_total(self) -> int:
        return sum(len(r.issues) for r in self.rows)


def _parts_of(actor: Any, ids: list[int]) -> Parts:
    """Education, 简历 and 任职 facts of the given cadres, each part read through its scope."""
    educations: dict[int, list[EducationFact]] = defaultdict(list)
    resume: dict[int, list[ResumeFact]] = defaultdict(list)
    appointments: dict[int, list[AppointmentFact]] = defaultdict(list)
    for cadre_id, mode, level, degree, school, start, end in (
        Education.objects.visible_to(actor)
        .filter(cadre_id__in=ids)
        .values_list("cadre_id", "mode", "level", "degree", "school", "start_date", "end_date")
    ):
        educations[cadre_id].append(EducationFact(mode, level, degree, school, start, end))
    for cadre_id, start, end, text in (
        ResumeEntry.objects.visible_to(actor)
        .filter(cadre_id__in=ids)
        .order_by("start_date", "id")
        .values_list("cadre_id", "start_date", "end_date", "text")
    ):
        resume[cadre_id].append(ResumeFact(start, end, text))
    for cadre_id, start, end, post, unit, short in (
        Appointment.objects.visible_to(actor)
        .filter(cadre_id__in=ids)
        .order_by("start_date", "id")
        .values_list(
            "cadre_id",
            "start_date",
            "end_date",
            "post__title",
            "post__unit__name",
            "post__unit__short_name",
        )
    ):
        appointments[cadre_id].append(AppointmentFact(start, end, post, unit, short))
    return educations, resume, appointments


def _facts(row: Mapping[str, Any], parts: Parts) -> RecordFacts:
    educations, resume, appointments = parts
    return RecordFacts(
        birth_date=row["birth_date"],
        work_start_date=row["work_start_date"],
        party_join_date=row["party_join_date"],
        party_member=row["political_status"] in PARTY_MEMBER_STATUSES,
        highest_education=row["highest_education"],
        educations=tuple(educations.get(row["pk"], ())),
        resume=tuple(resume.get(row["pk"], ())),
        appointments=tuple(appointments.get(row["pk"], ())),
    )


def checked_cadres(*, actor: Any, cadres: QuerySet[Cadre], today: date) -> Iterator[CheckedCadre]:
    """Every cadre of `cadres` (already scoped) with its findings, clean ones included, in the
    queryset's order; read chunk by chunk (one query per part and chunk)."""
    rows: Iterable[dict[str, Any]] = cadres.values(*CADRE_COLUMNS).iterator(chunk_size=CHUNK)
    for chunk in batched(rows, CHUNK):
        parts = _parts_of(actor, [row["pk"] for row in chunk])
        for row in chunk:
            yield CheckedCadre(
                pk=row["pk"],
                name=row["name"],
                unit_name=row["unit__name"],
                birth_date=row["birth_date"],
                work_start_date=row["work_start_date"],
                party_join_date=row["party_join_date"],
                issues=tuple(check_record(_facts(row, parts), today=today)),
            )


def cadre_checks(*, actor: Any, cadre: Cadre, today: date) -> list[Inconsistency]:
    """One cadre's findings (the record's tab); the cadre was read through the actor's scope and
    its parts are read through theirs."""
    row = {
        "pk": cadre.pk,
        "birth_date": cadre.birth_date,
        "work_start_date": cadre.work_start_date,
        "party_join_date": cadre.party_join_date,
        "political_status": cadre.political_status,
        "highest_education": cadre.highest_education,
    }
    return check_record(_facts(row, _parts_of(actor, [cadre.pk])), today=today)


def cadre_checks_of_parts(
    *,
    cadre: Cadre,
    educations: Iterable[Education],
    resume: Iterable[ResumeEntry],
    appointments: Iterable[Appointment],
    today: date,
) -> list[Inconsistency]:
    """`cadre_checks` over parts already read (the cadre page's own rows, read through the cadre
    in scope; appointments with `post__unit`): no query."""
    row = {
        "pk": cadre.pk,
        "birth_date": cadre.birth_date,
        "work_start_date": cadre.work_start_date,
        "party_join_date": cadre.party_join_date,
        "political_status": cadre.political_status,
        "highest_education": cadre.highest_education,
    }
    parts: Parts = (
        {
            cadre.pk: [
                EducationFact(e.mode, e.level, e.degree, e.school, e.start_date, e.end_date)
                for e in educations
            ]
        },
        {
            cadre.pk: [
                ResumeFact(r.start_date, r.end_date, r.text)
                for r in sorted(resume, key=lambda r: (r.start_date, r.pk))
            ]
        },
        {
            cadre.pk: [
                AppointmentFact(
                    a.start_date, a.end_date, a.post.title, a.post.unit.name, a.post.unit.short_name
                )
                for a in sorted(appointments, key=lambda a: (a.start_date, a.pk))
            ]
        },
    )
    return check_record(_facts(row, parts), today=today)


def _unit_filter(actor: Any, raw: str) -> tuple[Unit | None, bool]:
    """(unit, valid): a unit id in the actor's scope; an unknown or foreign one matches nothing."""
    if not raw:
        return None, True
    unit = Unit.objects.visible_to(actor).filter(pk=int(raw)).first() if raw.isdigit() else None
    return unit, unit is not None


def checks_report(*, actor: Any, params: Mapping[str, Any], today: date) -> ChecksReport:
    """三龄两历 over the actor's scope, optionally within a unit's subtree (`unit`) and for one
    rule (`code`), sorted by `sort` (unit, name, -name, -count: most findings first)."""
    code = str(params.get("code") or "")
    code = code if code in Code.values else ""
    sort = str(params.get("sort") or DEFAULT_SORT)
    sort = sort if sort in SORTS else DEFAULT_SORT
    unit, valid = _unit_filter(actor, str(params.get("unit") or ""))
    cadres = Cadre.objects.visible_to(actor)
    if not valid:
        cadres = cadres.none()
    elif unit is not None:
        cadres = cadres.filter(unit__path__startswith=unit.path)
    rows: list[CheckedCadre] = []
    per_code: dict[str, list[int]] = {c: [0, 0] for c in Code.values}
    checked = 0
    for row in checked_cadres(actor=actor, cadres=cadres.order_by(*SORTS[sort]), today=today):
        checked += 1
        for c in {i.code for i in row.issues}:
            per_code[c][0] += 1
        for issue in row.issues:
            per_code[issue.code][1] += 1
        if code:
            row = replace(row, issues=tuple(i for i in row.issues if i.code == code))
        if row.issues:
            rows.append(row)
    if sort == "-count":
        rows.sort(key=lambda r: -len(r.issues))
    counts = [CodeCount(c, Code(c).label, n[0], n[1]) for c, n in per_code.items() if n[1]]
    return ChecksReport(rows, counts, checked, code, unit, sort)
