"""The demo tolerance cases with their checklists and corrections, and the clarifications.

Dates run in order: notified ≤ applied ≤ notified + 30 days (the application deadline), then
accepted, verified, determined, concluded and closed, none after TODAY. A case uses the method
version in force on its application date and list entries of that version. Closed cases have
every correction done (closed after the last one); concluded cases have some open, and exactly
one overdue correction among them.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from apps.accounts.models import ManagedBy
from apps.tolerance.constants import Applicant, CaseStage, PublicationScope
from apps.tolerance.demo.case_specs import (
    CASES,
    CHECKS,
    CONCLUSIONS,
    D_REASONS,
    FACTORS,
    INTERVIEWS,
    INVESTIGATION,
    MEASURES,
    NOT_ACCEPTED_REASON,
    CaseSpec,
)
from apps.tolerance.demo.method import in_force
from apps.tolerance.demo.world import TODAY, Person, World, between
from apps.tolerance.models import (
    Clarification,
    Correction,
    ToleranceCase,
    ToleranceList,
    ToleranceMethod,
)

S = CaseStage
ORDER = (S.APPLIED, S.ACCEPTED, S.VERIFIED, S.DETERMINED, S.CONCLUDED, S.CLOSED)
CHECK_FIELDS = (
    "d1_inexperience", "d2_not_prohibited", "d3_no_personal_gain", "c1_not_prohibited",
    "c2_pilot_unintentional", "c3_force_majeure", "c4_loss_mitigated",
    "c5_democratic_procedure", "c6_no_improper_gain", "is_repeat",
)  # fmt: skip
# When the case's current stage was reached: (earliest, latest)
LAST_STEP: dict[str, tuple[date, date]] = {
    S.APPLIED: (TODAY - timedelta(days=14), TODAY - timedelta(days=1)),
    S.ACCEPTED: (TODAY - timedelta(days=40), TODAY - timedelta(days=5)),
    S.VERIFIED: (TODAY - timedelta(days=30), TODAY - timedelta(days=3)),
    S.DETERMINED: (TODAY - timedelta(days=40), TODAY - timedelta(days=3)),
    S.CONCLUDED: (date(2026, 5, 1), date(2026, 9, 30)),
    S.CLOSED: (date(2024, 6, 1), date(2026, 3, 31)),  # the conclusion; closing follows
    S.NOT_ACCEPTED: (date(2026, 4, 1), date(2026, 8, 31)),
}
CLARIFICATIONS = (
    ("被反映在项目招标中优亲厚友、违规指定施工单位", PublicationScope.UNIT),
    ("被反映利用职务便利为亲属经营的企业承揽工程提供帮助", PublicationScope.SYSTEM),
    ("被匿名举报违规发放扶贫补助资金", PublicationScope.PERSON),
)


def in_unit_since(day: date) -> Callable[[Person], bool]:
    """Cadres in service on `day` who have held no new post since (the case's unit is theirs)."""
    return lambda p: p.working_on(day) and not p.moved_since(day)


@dataclass
class CaseRows:
    cases: list[ToleranceCase] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    specs: dict[str, ToleranceCase] = field(default_factory=dict)  # spec key -> case
    links: list[tuple[ToleranceCase, tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=list
    )  # (case, positive codes, negative codes) of the checklists


class CaseMaker:
    def __init__(self, rng: random.Random, world: World, methods: list[ToleranceMethod]) -> None:
        self.rng = rng
        self.world = world
        self.methods = methods
        self.items: dict[tuple[int, str], ToleranceList] = {
            (i.method_id, i.code): i for i in ToleranceList.objects.filter(method__in=methods)
        }
        self.rows = CaseRows()
        self.overdue_left = 1  # exactly one overdue correction among the concluded cases

    def days(self, lo: int, hi: int) -> timedelta:
        return timedelta(days=self.rng.randint(lo, hi))

    def steps(self, stage: str) -> dict[str, date]:
        """The dates of every step up to `stage`, ending inside its LAST_STEP window."""
        gaps = [self.days(3, 25), self.days(2, 10), self.days(20, 60), self.days(5, 20)]
        gaps.append(self.days(3, 15))
        names = ["applied_on", "accepted_on", "verified_on", "determined_on", "concluded_on"]
        if stage == S.NOT_ACCEPTED:
            last = between(self.rng, *LAST_STEP[stage])
            applied = last - self.days(5, 10)
            return {"notified_on": applied - gaps[0], "applied_on": applied, "closed_on": last}
        reached = min(ORDER.index(stage), 4) + 1  # steps after notification
        last = between(self.rng, *LAST_STEP[stage])
        day = last - sum(gaps[:reached], timedelta())
        out = {"notified_on": day}
        for name, gap in zip(names[:reached], gaps[:reached], strict=True):
            day += gap
            out[name] = day
        return out

    def save(self) -> None:
        """Write the cases, their corrections and the checklists' list entries."""
        rows = self.rows
        ToleranceCase.objects.bulk_create(rows.cases)
        Correction.objects.bulk_create(rows.corrections)
        through_pos = ToleranceCase.positive_items.through
        through_neg = ToleranceCase.negative_items.through
        pos, neg = [], []
        for case, positive, negative in rows.links:
            assert case.method_id is not None
            for code in positive:
                item = self.items[(case.method_id, code)]
                pos.append(through_pos(tolerancecase_id=case.pk, tolerancelist_id=item.pk))
            for code in negative:
                item = self.items[(case.method_id, code)]
                neg.append(through_neg(tolerancecase_id=case.pk, tolerancelist_id=item.pk))
        through_pos.objects.bulk_create(pos)
        through_neg.objects.bulk_create(neg)

    def make(self) -> CaseRows:
        for i, spec in enumerate(CASES):
            dates = self.steps(spec.stage)
            person = self.world.pick(
                self.rng, in_unit_since(dates["notified_on"]), city_managed=i % 5 in (0, 2)
            )
            if person is not None:
                self.case(spec, person, dates)
        return self.rows

    def case(self, spec: CaseSpec, person: Person, dates: dict[str, date]) -> None:
        rng = self.rng
        by_unit = rng.random() < 0.35
        case = ToleranceCase(
            cadre_id=person.pk,
            unit=person.unit,
            stage=spec.stage,
            applicant=Applicant.UNIT if by_unit else Applicant.CADRE,
            applicant_name=person.unit.name if by_unit else person.name,
            area=spec.area,
            matter=spec.matter.format(place=person.place, unit=person.unit.name),
            reasons=spec.reasons,
            method=in_force(self.methods, dates["applied_on"]),
            **dates,
        )
        if spec.stage == S.NOT_ACCEPTED:
            case.not_accepted_reason = NOT_ACCEPTED_REASON
        if "verified_on" in dates:
            case.investigation_notes = INVESTIGATION
            case.interviews = INTERVIEWS.format(n=rng.randint(3, 6))
        if "determined_on" in dates:
            self.checklist(case, spec)
        if "concluded_on" in dates:
            case.outcome = spec.outcome
            case.conclusion = CONCLUSIONS[spec.outcome]
            self.corrections(case, person, closed=spec.stage == S.CLOSED)
        self.rows.cases.append(case)
        self.rows.specs[spec.key] = case

    def checklist(self, case: ToleranceCase, spec: CaseSpec) -> None:
        """The determination (TOL-1, TOL-4, TOL-6) consistent with the outcome it leads to."""
        outcome = spec.outcome
        for name, value in zip(CHECK_FIELDS, CHECKS[outcome], strict=True):
            setattr(case, name, value)
        if spec.force_majeure:
            case.c3_force_majeure = True
        case.d1_reason, case.d2_reason, case.d3_reason = D_REASONS[outcome]
        case.factors = FACTORS[outcome]
        self.rows.links.append((case, spec.positive, spec.negative))

    def corrections(self, case: ToleranceCase, person: Person, *, closed: bool) -> None:
        rng = self.rng
        concluded = case.concluded_on
        assert concluded is not None
        org = (
            f"{person.place}委组织部" if person.managed_by == ManagedBy.COUNTY else "示范市委组织部"
        )
        chosen = rng.sample(MEASURES, rng.randint(2, 3))
        done_days: list[date] = []
        for j, (measure, owner) in enumerate(chosen):
            row = Correction(
                case=case,
                measure=measure,
                owner=person.unit.name if owner == "unit" else org,
                due_on=concluded + self.days(30, 120),
            )
            if closed or (j == 0 and row.due_on < TODAY):
                row.done_on = min(
                    TODAY, max(concluded + self.days(10, 25), row.due_on - self.days(0, 20))
                )
                row.done_note = "已按要求完成整改，相关材料已归档。"
                done_days.append(row.done_on)
            elif self.overdue_left and j == len(chosen) - 1:
                row.due_on = between(
                    rng, concluded + timedelta(days=20), TODAY - timedelta(days=10)
                )
                self.overdue_left -= 1
            elif row.due_on <= TODAY:
                row.due_on = TODAY + self.days(15, 90)  # still open, not yet due
            self.rows.corrections.append(row)
        if closed:
            case.closed_on = min(TODAY, max(done_days) + self.days(3, 15))


def make_clarifications(rng: random.Random, world: World) -> list[Clarification]:
    """澄清正名 for a few cadres who were falsely accused."""
    rows = []
    for i, (accusation, scope) in enumerate(CLARIFICATIONS):
        day = between(rng, date(2024, 3, 1), TODAY - timedelta(days=30))
        person = world.pick(rng, in_unit_since(day), city_managed=i == 0)
        if person is None:
            continue
        rows.append(
            Clarification(
                cadre_id=person.pk,
                accusation=accusation,
                finding="经调查核实，反映问题不属实，予以澄清正名。",
                scope=scope,
                clarified_on=day,
                authority=f"{person.place}纪委监委"
                if person.managed_by == ManagedBy.COUNTY
                else "示范市纪委监委",
            )
        )
    return rows
