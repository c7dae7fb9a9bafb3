"""Dispatch services and selectors: scope matrix (sending side acts, receiving side reads, a
sibling county sees nothing), the rules applied on create, each transition, the frontline service
a start creates and a return closes, and concurrent approvals."""

from datetime import date

import pytest

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent, RuleParameter
from apps.core.scope import Action
from apps.frontline import selectors_dispatch as selectors
from apps.frontline.constants import DispatchKind, DispatchState, TaskKind
from apps.frontline.models import Dispatch, FrontlineService
from apps.frontline.services import dispatch as services
from apps.frontline.tests.factories import CentralTaskFactory, DispatchFactory
from apps.units.constants import UnitLevel
from apps.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def cadre(city):
    return CadreFactory(name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)


def create(actor, cadre, unit, **overrides):
    data = {
        "actor": actor,
        "cadre_id": cadre.pk,
        "kind": DispatchKind.FIRST_SECRETARY,
        "target_unit_id": unit.pk,
        "target_post": "驻村第一书记",
        "village": "新民村",
        "task_id": None,
        "planned_start": date(2026, 3, 1),
        "planned_end": date(2028, 2, 29),
        "full_time": True,
        "counts_as_grassroots": True,
        "reason": "乡村振兴重点帮扶村",
    }
    data.update(overrides)
    return services.dispatch_create(**data)


def serving(cadre, unit, **kwargs):
    defaults = {"state": DispatchState.IN_POST, "actual_start": date(2026, 3, 1)}
    return DispatchFactory(cadre=cadre, target_unit=unit, **(defaults | kwargs))


class TestCreate:
    def test_creates_planned_dispatch_from_the_cadres_unit(self, officer_a, city, cadre):
        dispatch = create(officer_a, cadre, city.county_a_town)
        assert dispatch.state == DispatchState.PLANNED
        assert dispatch.sending_unit == city.county_a_dept
        assert dispatch.created_by == officer_a and dispatch.version == 1
        event = AuditEvent.objects.get(action="frontline.dispatch.create")
        assert event.target_id == str(dispatch.pk) and event.actor == officer_a
        assert event.after["state"] == "planned" and event.detail["term_months"] == 24

    def test_cadre_outside_change_scope(self, officer_a, leader_a, city, cadre):
        other = CadreFactory(unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)
        with pytest.raises(OutOfScopeError):
            create(officer_a, other, city.county_a_town)
        with pytest.raises(OutOfScopeError):  # leaders read only
            create(leader_a, cadre, city.county_a_town)
        city_managed = CadreFactory(unit=city.county_a, managed_by=ManagedBy.CITY)
        with pytest.raises(OutOfScopeError):  # 市管 cadre: not county A's to send
            create(officer_a, city_managed, city.county_a_town)
        assert not Dispatch.objects.exists()

    def test_target_unit_outside_scope(self, officer_a, city, cadre):
        with pytest.raises(DomainError) as exc:
            create(officer_a, cadre, city.county_b_dept)
        assert exc.value.message == "接收单位不在您的管理范围内"
        assert "target_unit" in exc.value.fields

    def test_term_too_short(self, officer_a, city, cadre):
        with pytest.raises(DomainError) as exc:
            create(officer_a, cadre, city.county_a_town, planned_end=date(2028, 2, 28))
        assert "不少于24个月" in exc.value.fields["planned_end"]
        # Other kinds only need the end after the start.
        create(
            officer_a,
            cadre,
            city.county_a_town,
            kind=DispatchKind.SECONDMENT,
            planned_end=date(2026, 9, 1),
        )

    def test_term_parameter_overridden_locally(self, officer_a, city, cadre):
        RuleParameter.objects.create(
            key="frontline.first_secretary_term_months", value=12, effective_from=date(2026, 1, 1)
        )
        dispatch = create(officer_a, cadre, city.county_a_town, planned_end=date(2027, 2, 28))
        assert dispatch.planned_end == date(2027, 2, 28)
        with pytest.raises(DomainError):
            create(
                officer_a,
                CadreFactory(unit=city.county_a_dept),
                city.county_a_town,
                planned_end=date(2027, 2, 27),
            )

    def test_parameter_applies_from_its_effective_date(self, officer_a, city, cadre):
        RuleParameter.objects.create(
            key="frontline.first_secretary_term_months", value=12, effective_from=date(2026, 6, 1)
        )
        with pytest.raises(DomainError):  # the term starts before the local value applies
            create(officer_a, cadre, city.county_a_town, planned_end=date(2027, 2, 28))

    def test_already_dispatched(self, officer_a, city, cadre):
        create(officer_a, cadre, city.county_a_town)
        with pytest.raises(DomainError) as exc:
            create(
                officer_a,
                cadre,
                city.county_a_dept,
                planned_start=date(2028, 2, 29),
                planned_end=date(2030, 2, 28),
            )
        assert exc.value.code == "dispatch_overlap"
        assert "该干部已有全职选派" in exc.value.message
        assert "2026-03-01至2028-02-29" in exc.value.message
        # The next day is free; part-time secondments may overlap.
        create(
            officer_a,
            cadre,
            city.county_a_dept,
            planned_start=date(2028, 3, 1),
            planned_end=date(2030, 2, 28),
        )
        create(
            officer_a,
            cadre,
            city.county_a_dept,
            kind=DispatchKind.SECONDMENT,
            full_time=False,
            planned_end=date(2026, 12, 31),
        )

    def test_cancelled_dispatch_does_not_block(self, officer_a, city, cadre):
        DispatchFactory(cadre=cadre, target_unit=city.county_a_town, state=DispatchState.CANCELLED)
        create(officer_a, cadre, city.county_a_town)

    def test_dispatch_by_another_sending_side_blocks_too(self, officer_a, officer_b, city, cadre):
        # Recorded when the cadre served in county B, so invisible to county A's officer.
        DispatchFactory(
            cadre=cadre, sending_unit=city.county_b_dept, target_unit=city.county_b_dept
        )
        assert not Dispatch.objects.visible_to(officer_a).exists()
        with pytest.raises(DomainError, match="该干部已有全职选派"):
            create(officer_a, cadre, city.county_a_town)


class TestScope:
    def test_matrix(self, officer_a, officer_b, leader_a, city, cadre):
        inside = DispatchFactory(cadre=cadre, target_unit=city.county_a_town)
        to_b = DispatchFactory(cadre=CadreFactory(unit=city.county_a), target_unit=city.county_b)
        assert set(Dispatch.objects.visible_to(officer_a)) == {inside, to_b}
        assert set(Dispatch.objects.visible_to(officer_a, Action.CHANGE)) == {inside, to_b}
        # Receiving county: sees the dispatch to its units, may not change it.
        assert set(Dispatch.objects.visible_to(officer_b)) == {to_b}
        assert not Dispatch.objects.visible_to(officer_b, Action.CHANGE).exists()
        assert set(Dispatch.objects.visible_to(leader_a)) == {inside, to_b}
        assert not Dispatch.objects.visible_to(leader_a, Action.CHANGE).exists()

    def test_receiving_officer_cannot_act(self, officer_b, city):
        to_b = DispatchFactory(cadre=CadreFactory(unit=city.county_a), target_unit=city.county_b)
        with pytest.raises(OutOfScopeError):
            services.dispatch_approve(
                actor=officer_b, dispatch_id=to_b.pk, expected_version=1, document_number="1号"
            )
        to_b.refresh_from_db()
        assert to_b.state == DispatchState.PLANNED and to_b.version == 1

    def test_sibling_county_cannot_act(self, officer_b, city, cadre):
        inside = DispatchFactory(cadre=cadre, target_unit=city.county_a_town)
        with pytest.raises(OutOfScopeError):
            services.dispatch_cancel(
                actor=officer_b, dispatch_id=inside.pk, expected_version=1, reason="x"
            )


class TestTransitions:
    def test_approve(self, officer_a, city, cadre):
        d = DispatchFactory(cadre=cadre, target_unit=city.county_a_town)
        d = services.dispatch_approve(
            actor=officer_a,
            dispatch_id=d.pk,
            expected_version=1,
            document_number="甲组发〔2026〕3号",
        )
        assert d.state == DispatchState.APPROVED and d.version == 2
        assert d.approved_by == officer_a and d.approved_at is not None
        event = AuditEvent.objects.get(action="frontline.dispatch.approve")
        assert event.before["state"] == "planned" and event.after["state"] == "approved"
        assert event.detail["version"] == 2

    def test_approve_needs_document_number(self, officer_a, city, cadre):
        d = DispatchFactory(cadre=cadre, target_unit=city.county_a_town)
        with pytest.raises(DomainError) as exc:
            services.dispatch_approve(
                actor=officer_a, dispatch_id=d.pk, expected_version=1, document_number="  "
            )
        assert exc.value.fields == {"document_number": "请填写批准文号"}

    def test_concurrent_approval_names_the_first_approver(self, officer_a, city, cadre):
        colleague = UserFactory(username="zhangsan", full_name="张三")
        grant(colleague, city.county_a, levels=[ManagedBy.COUNTY])
        d = DispatchFactory(cadre=cadre, target_unit=city.county_a_town)
        services.dispatch_approve(
            actor=colleague, dispatch_id=d.pk, expected_version=1, document_number="3号"
        )
        with pytest.raises(StaleVersionError) as exc:
            services.dispatch_approve(
                actor=officer_a, dispatch_id=d.pk, expected_version=1, document_number="4号"
            )
        message = exc.value.message
        assert message.startswith("该选派已由 张三 于 ")
        assert message.endswith(" 审批，当前状态：已批准")
        assert exc.value.changes["state"] == ("planned", "approved")
        d.refresh_from_db()
        assert d.document_number == "3号" and d.approved_by == colleague

    def test_illegal_transition(self, officer_a, city, cadre):
        d = DispatchFactory(cadre=cadre, target_unit=city.county_a_town)
        with pytest.raises(DomainError) as exc:
            services.dispatch_start(
                actor=officer_a, dispatch_id=d.pk, expected_version=1, actual_start=TODAY
            )
        assert exc.value.code == "illegal_transition"
        assert exc.value.message == "当前状态为“拟选派”，不能执行“到岗”"

    def test_start_creates_the_frontline_service(self, officer_a, city, cadre):
        d = DispatchFactory(
            cadre=cadre,
            target_unit=city.county_a_town,
            state=DispatchState.APPROVED,
            counts_as_grassroots=True,
        )
        d = services.dispatch_start(
            actor=officer_a,
            dispatch_id=d.pk,
            expected_version=1,
            actual_start=date(2026, 2, 20),
            today=TODAY,
        )
        assert d.state == DispatchState.IN_POST and d.actual_start == date(2026, 2, 20)
        service = FrontlineService.objects.get(dispatch=d)
        assert service.cadre == cadre and service.task is None
        assert service.kind == TaskKind.POVERTY  # first secretary without a task
        assert service.place == "甲县城关镇新民村" and service.place_unit == city.county_a_town
        assert service.role == "驻村第一书记" and service.start_date == date(2026, 2, 20)
        assert service.end_date is None and service.counts_as_grassroots
        assert AuditEvent.objects.filter(
            action="frontline.service.create", target_id=str(service.pk)
        ).exists()

    def test_start_kind_follows_task_or_defaults(self, officer_a, city, cadre):
        task = CentralTaskFactory(lead_unit=city.county_a, kind=TaskKind.DISASTER)
        with_task = DispatchFactory(
            cadre=cadre, target_unit=city.county_a_town, state=DispatchState.APPROVED, task=task
        )
        services.dispatch_start(
            actor=officer_a,
            dispatch_id=with_task.pk,
            expected_version=1,
            actual_start=TODAY,
            today=TODAY,
        )
        assert FrontlineService.objects.get(dispatch=with_task).kind == TaskKind.DISASTER
        secondment = DispatchFactory(
            cadre=CadreFactory(unit=city.county_a_dept),
            target_unit=city.county_a_town,
            kind=DispatchKind.SECONDMENT,
            state=DispatchState.APPROVED,
        )
        services.dispatch_start(
            actor=officer_a,
            dispatch_id=secondment.pk,
            expected_version=1,
            actual_start=TODAY,
            today=TODAY,
        )
        assert FrontlineService.objects.get(dispatch=secondment).kind == TaskKind.KEY_PROJECT

    @pytest.mark.parametrize(
        ("actual_start", "words"),
        [(date(2026, 1, 29), "不能早于计划开始日期30天"), (date(2026, 11, 26), "不能晚于今天")],
    )
    def test_start_dates(self, officer_a, city, cadre, actual_start, words):
        d = DispatchFactory(cadre=cadre, target_unit=city.county_a_town, state="approved")
        with pytest.raises(DomainError) as exc:
            services.dispatch_start(
                actor=officer_a,
                dispatch_id=d.pk,
                expected_version=1,
                actual_start=actual_start,
                today=TODAY,
            )
        assert words in exc.value.fields["actual_start"]
        assert not FrontlineService.objects.exists()

    def started(self, officer_a, city, cadre):
        d = DispatchFactory(cadre=cadre, target_unit=city.county_a_town, state="approved")
        return services.dispatch_start(
            actor=officer_a,
            dispatch_id=d.pk,
            expected_version=1,
            actual_start=date(2026, 3, 1),
            today=TODAY,
        )

    def test_return_closes_the_frontline_service(self, officer_a, city, cadre):
        d = self.started(officer_a, city, cadre)
        d = services.dispatch_return(
            actor=officer_a,
            dispatch_id=d.pk,
            expected_version=2,
            actual_end=date(2026, 11, 20),
            note="期满考核合格",
            today=TODAY,
        )
        assert d.state == DispatchState.RETURNED and d.actual_end == date(2026, 11, 20)
        assert d.end_note == "期满考核合格"
        assert FrontlineService.objects.get(dispatch=d).end_date == date(2026, 11, 20)

    def test_recall_needs_reason_and_closes_the_service(self, officer_a, city, cadre):
        d = self.started(officer_a, city, cadre)
        kwargs = {"actor": officer_a, "dispatch_id": d.pk, "expected_version": 2, "today": TODAY}
        with pytest.raises(DomainError) as exc:
            services.dispatch_recall(**kwargs, actual_end=TODAY, reason="")
        assert "reason" in exc.value.fields
        with pytest.raises(DomainError) as exc:
            services.dispatch_recall(**kwargs, actual_end=date(2026, 2, 28), reason="工作需要")
        assert "actual_end" in exc.value.fields
        d = services.dispatch_recall(**kwargs, actual_end=TODAY, reason="工作需要")
        assert d.state == DispatchState.RECALLED
        assert FrontlineService.objects.get(dispatch=d).end_date == TODAY
        event = AuditEvent.objects.get(action="frontline.dispatch.recall")
        assert event.detail["reason"] == "工作需要"

    def test_extend_twice_and_overlap_with_the_next_dispatch(self, officer_a, city, cadre):
        d = self.started(officer_a, city, cadre)
        d = services.dispatch_extend(
            actor=officer_a,
            dispatch_id=d.pk,
            expected_version=2,
            new_planned_end=date(2028, 8, 31),
            reason="项目收尾",
        )
        assert d.state == DispatchState.EXTENDED and d.planned_end == date(2028, 8, 31)
        with pytest.raises(DomainError) as exc:
            services.dispatch_extend(
                actor=officer_a,
                dispatch_id=d.pk,
                expected_version=3,
                new_planned_end=date(2028, 8, 31),
                reason="再延",
            )
        assert "new_planned_end" in exc.value.fields
        DispatchFactory(
            cadre=cadre,
            target_unit=city.county_a_dept,
            planned_start=date(2028, 10, 1),
            planned_end=date(2030, 9, 30),
        )
        with pytest.raises(DomainError, match="该干部已有全职选派"):
            services.dispatch_extend(
                actor=officer_a,
                dispatch_id=d.pk,
                expected_version=3,
                new_planned_end=date(2028, 10, 1),
                reason="再延",
            )
        d = services.dispatch_extend(
            actor=officer_a,
            dispatch_id=d.pk,
            expected_version=3,
            new_planned_end=date(2028, 9, 30),
            reason="再延",
        )
        assert d.state == DispatchState.EXTENDED and d.version == 4

    def test_cancel(self, officer_a, city, cadre):
        d = DispatchFactory(cadre=cadre, target_unit=city.county_a_town)
        with pytest.raises(DomainError):
            services.dispatch_cancel(
                actor=officer_a, dispatch_id=d.pk, expected_version=1, reason=""
            )
        d = services.dispatch_cancel(
            actor=officer_a, dispatch_id=d.pk, expected_version=1, reason="人选调整"
        )
        assert d.state == DispatchState.CANCELLED
        event = AuditEvent.objects.get(action="frontline.dispatch.cancel")
        assert event.detail["reason"] == "人选调整"
        serving_one = serving(CadreFactory(unit=city.county_a_dept), city.county_a_town)
        with pytest.raises(DomainError, match="不能执行“撤销”"):
            services.dispatch_cancel(
                actor=officer_a, dispatch_id=serving_one.pk, expected_version=1, reason="x"
            )

    def test_assess_after_return(self, officer_a, city, cadre):
        d = serving(cadre, city.county_a_town, state=DispatchState.RETURNED)
        d = services.dispatch_assess(
            actor=officer_a,
            dispatch_id=d.pk,
            expected_version=1,
            grade="excellent",
            comment="成效明显",
            assessed_on=TODAY,
            today=TODAY,
        )
        assert d.term_grade == "excellent" and d.state == DispatchState.RETURNED
        planned = DispatchFactory(
            cadre=CadreFactory(unit=city.county_a_dept), target_unit=city.county_a_town
        )
        with pytest.raises(DomainError, match="不能执行“期满考核”"):
            services.dispatch_assess(
                actor=officer_a,
                dispatch_id=planned.pk,
                expected_version=1,
                grade="excellent",
                comment="",
                assessed_on=TODAY,
                today=TODAY,
            )


class TestSelectors:
    def test_terms_ending(self, officer_a, officer_b, city, cadre):
        soon = serving(cadre, city.county_a_town, planned_end=date(2027, 2, 23))
        overdue = serving(
            CadreFactory(unit=city.county_a_dept),
            city.county_a_town,
            planned_end=date(2026, 11, 1),
            state=DispatchState.EXTENDED,
        )
        serving(
            CadreFactory(unit=city.county_a_dept), city.county_a_town, planned_end=date(2027, 2, 24)
        )
        DispatchFactory(
            cadre=CadreFactory(unit=city.county_a_dept),
            target_unit=city.county_a_town,
            planned_end=date(2026, 12, 1),
        )  # planned, not serving
        assert list(selectors.terms_ending(officer_a, TODAY)) == [overdue, soon]
        assert list(selectors.terms_ending(officer_a, TODAY, days=30)) == [overdue]
        assert not selectors.terms_ending(officer_b, TODAY).exists()

    def test_terms_ending_window_is_a_parameter(self, officer_a, city, cadre):
        serving(cadre, city.county_a_town, planned_end=date(2027, 2, 24))
        RuleParameter.objects.create(
            key="frontline.term_reminder_days", value=120, effective_from=date(2026, 1, 1)
        )
        assert selectors.terms_ending(officer_a, TODAY).count() == 1

    def test_board_groups_by_county(self, officer_city, city):
        dept_cadre = CadreFactory(unit=city.county_a, managed_by=ManagedBy.CITY)
        town = UnitFactory(name="乙县某镇", parent=city.county_b, level=UnitLevel.TOWNSHIP)
        a = serving(dept_cadre, city.county_a_dept, planned_end=date(2027, 1, 10))
        b = serving(CadreFactory(unit=city.root, managed_by=ManagedBy.CITY), town)
        c = serving(
            CadreFactory(unit=city.root, managed_by=ManagedBy.CITY),
            city.city_dept,
            kind=DispatchKind.SECONDMENT,
        )
        board = selectors.dispatch_board(actor=officer_city, today=TODAY)
        groups = {card.unit.name: [e.dispatch for e in card.entries] for card in board.cards}
        assert groups == {"甲县": [a], "乙县": [b], "市财政局": [c]}
        card_a = next(card for card in board.cards if card.unit == city.county_a)
        assert [e.dispatch for e in card_a.ending] == [a]
        assert card_a.ending[0].flag == "即将期满（剩46天）"
        per_kind, total = board.totals()
        assert total == 3 and sum(per_kind) == 3

    def test_list_filters(self, officer_a, city, cadre):
        a = serving(cadre, city.county_a_town, planned_end=date(2027, 1, 1))
        b = DispatchFactory(
            cadre=CadreFactory(name="李娜", unit=city.county_a_dept),
            target_unit=city.county_a_dept,
            kind=DispatchKind.SECONDMENT,
        )

        def run(**params):
            from django.http import QueryDict

            query = QueryDict(mutable=True)
            for key, value in params.items():
                query[key] = value
            queryset, _ = selectors.dispatch_list(actor=officer_a, params=query, today=TODAY)
            return set(queryset)

        assert run() == {a, b}
        assert run(state="serving") == {a}
        assert run(kind="secondment") == {b}
        assert run(q="ln") == {b}
        assert run(q="张") == {a}
        assert run(ending="on") == {a}
        assert run(county=str(city.county_a.pk)) == {a, b}
        assert run(target_unit=str(city.county_a_town.pk)) == {a}
        assert run(county=str(city.county_b.pk)) == set()
        assert run(state="bogus") == set()
