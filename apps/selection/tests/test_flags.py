"""负面情形 (ELG-24-1 (1)(2)(4)(5)(7), ELG-24-2(3)): services (validation, the special-post
exemption, end at its boundary, soft delete with undo), the engine seeing them, the pages
(officers only, scope 404s, filters), and the export."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditEvent, Job, JobStatus
from apps.selection import engine, exports_reserve  # noqa: F401 (registered by apps.py)
from apps.selection.constants import Outcome
from apps.selection.facts import facts_of
from apps.selection.models import NegativeFlag
from apps.selection.services.flags import FlagInput, flag_add, flag_delete, flag_end, flag_restore
from apps.selection.tests.factories import NegativeFlagFactory
from apps.units.constants import Tier

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def people(city):
    return {
        "a1": CadreFactory(name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY),
        "a2": CadreFactory(name="李娜", unit=city.county_a_town, managed_by=ManagedBy.COUNTY),
        "b1": CadreFactory(name="张敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY),
    }


def flag_input(**kw) -> FlagInput:
    return FlagInput(
        **{"kind": "canvassing", "note": "换届期间拉票", "start_date": date(2026, 1, 10)} | kw
    )


class TestServices:
    def test_add_audited(self, officer_a, people):
        flag = flag_add(actor=officer_a, cadre_id=people["a1"].pk, data=flag_input(), today=TODAY)
        event = AuditEvent.objects.get(action="selection.flag.add")
        assert event.target_id == str(flag.pk)
        assert event.after["kind"] == "canvassing"

    def test_validation(self, officer_a, people):
        cases = [
            (flag_input(kind="nope"), "kind"),
            (flag_input(note="  "), "note"),
            (flag_input(start_date=TODAY + timedelta(days=1)), "start_date"),
            (flag_input(end_date=date(2026, 1, 9)), "end_date"),
            (flag_input(special_post_exempt=True), "special_post_exempt"),
        ]
        for data, field in cases:
            with pytest.raises(DomainError) as exc:
                flag_add(actor=officer_a, cadre_id=people["a1"].pk, data=data, today=TODAY)
            assert field in exc.value.fields
        flag = flag_add(  # start today, end on the start day: both accepted
            actor=officer_a,
            cadre_id=people["a1"].pk,
            data=flag_input(start_date=TODAY, end_date=TODAY),
            today=TODAY,
        )
        assert flag.end_date == TODAY

    def test_naked_official_may_be_exempt(self, officer_a, people):
        flag = flag_add(
            actor=officer_a,
            cadre_id=people["a1"].pk,
            data=flag_input(kind="naked_official", special_post_exempt=True),
            today=TODAY,
        )
        verdict = engine.evaluate(
            facts_of(people["a1"].pk, TODAY), engine.Target(tier=Tier.SECTION_DEPUTY), TODAY
        )
        checks = [c for c in verdict.checks if c.rule == "ELG-24-1" and "移居" in c.title]
        assert [c.outcome for c in checks] == [Outcome.WARN]
        assert flag.special_post_exempt

    def test_scope(self, officer_a, officer_b, leader_a, people):
        with pytest.raises(OutOfScopeError):
            flag_add(actor=officer_a, cadre_id=people["b1"].pk, data=flag_input(), today=TODAY)
        flag = NegativeFlagFactory(cadre=people["a1"])
        for actor in (officer_b, leader_a):
            with pytest.raises(OutOfScopeError):
                flag_end(actor=actor, flag_id=flag.pk, end_date=TODAY, today=TODAY)
            with pytest.raises(OutOfScopeError):
                flag_delete(actor=actor, flag_id=flag.pk)

    def test_end_at_its_boundary(self, officer_a, people):
        """A flag blocks through its end day, no longer from the day after (rules_negative)."""
        flag = NegativeFlagFactory(cadre=people["a1"], start_date=date(2026, 1, 1))
        with pytest.raises(DomainError) as exc:
            flag_end(actor=officer_a, flag_id=flag.pk, end_date=date(2025, 12, 31), today=TODAY)
        assert "不能早于起始日期" in exc.value.fields["end_date"]
        with pytest.raises(DomainError):
            flag_end(actor=officer_a, flag_id=flag.pk, end_date=TODAY + timedelta(1), today=TODAY)
        end = date(2026, 5, 1)
        flag_end(actor=officer_a, flag_id=flag.pk, end_date=end, today=TODAY)
        with pytest.raises(DomainError, match="已于2026-05-01解除"):
            flag_end(actor=officer_a, flag_id=flag.pk, end_date=end, today=TODAY)
        target = engine.Target(tier=Tier.SECTION_DEPUTY)

        def blocked(on: date) -> bool:
            verdict = engine.evaluate(facts_of(people["a1"].pk, on), target, on)
            return any(
                c.rule == "ELG-24-1" and c.title.startswith("群众") for c in verdict.failures
            )

        assert blocked(end - timedelta(days=1))
        assert blocked(end)
        assert not blocked(end + timedelta(days=1))

    def test_delete_and_restore(self, officer_a, people):
        flag = NegativeFlagFactory(cadre=people["a1"])
        flag_delete(actor=officer_a, flag_id=flag.pk)
        assert NegativeFlag.objects.get(pk=flag.pk).deleted_at is not None
        assert facts_of(people["a1"].pk, TODAY).flags == ()
        with pytest.raises(OutOfScopeError):
            flag_delete(actor=officer_a, flag_id=flag.pk)
        flag_restore(actor=officer_a, flag_id=flag.pk)
        assert NegativeFlag.objects.get(pk=flag.pk).deleted_at is None
        with pytest.raises(DomainError, match="没有可恢复"):
            flag_restore(actor=officer_a, flag_id=flag.pk)


@pytest.fixture
def flags(people):
    return {
        "a1": NegativeFlagFactory(cadre=people["a1"], kind="low_recognition"),
        "a2": NegativeFlagFactory(
            cadre=people["a2"],
            kind="under_investigation",
            start_date=date(2025, 1, 1),
            end_date=date(2025, 6, 1),
        ),
        "b1": NegativeFlagFactory(cadre=people["b1"], kind="canvassing"),
    }


class TestPages:
    url = reverse("selection:flag_list")

    def test_list_scoped_and_filtered(self, officer_a, flags, city):
        c = login(officer_a)
        names = lambda r: {f.cadre.name for f in r.context["page"].object_list}  # noqa: E731
        assert names(c.get(self.url)) == {"张伟", "李娜"}
        assert names(c.get(self.url, {"status": "in_force"})) == {"张伟"}
        assert names(c.get(self.url, {"status": "ended"})) == {"李娜"}
        assert names(c.get(self.url, {"kind": "under_investigation"})) == {"李娜"}
        assert names(c.get(self.url, {"q": "zw"})) == {"张伟"}
        assert names(c.get(self.url, {"cadre": flags["b1"].cadre_id})) == set()
        assert names(c.get(self.url, {"unit": city.county_b.pk})) == set()
        assert names(c.get(self.url, {"unit": city.county_a_town.pk})) == {"李娜"}
        response = c.get(self.url, {"sort": "name"}, HTTP_HX_REQUEST="true")
        assert "selection/_flag_results.html" in [t.name for t in response.templates]

    def test_leaders_do_not_see_flags(self, leader_a, flags):
        c = login(leader_a)
        assert c.get(self.url).status_code == 403
        assert c.get(reverse("selection:flag_add")).status_code == 403
        assert c.get(reverse("selection:flag_end", args=[flags["a1"].pk])).status_code == 403
        assert c.post(reverse("selection:flag_delete", args=[flags["a1"].pk])).status_code == 403
        job = c.post(reverse("jobs:list_export", args=["selection_flags"]))
        assert job.status_code == 403

    def test_add_with_picker(self, officer_a, people):
        c = login(officer_a)
        add = reverse("selection:flag_add")
        response = c.get(add, {"pick": "张"})
        assert {x.name for x in response.context["pick"]} == {"张伟"}
        assert c.get(add, {"cadre": people["b1"].pk}).status_code == 404
        response = c.post(
            f"{add}?cadre={people['a1'].pk}",
            {"kind": "political_discipline", "note": "违反政治规矩", "start_date": "2026-01-05"},
        )
        assert response.status_code == 302
        assert NegativeFlag.objects.get(cadre=people["a1"]).kind == "political_discipline"
        bad = c.post(
            f"{add}?cadre={people['a1'].pk}",
            {
                "kind": "canvassing",
                "note": "拉票",
                "start_date": "2026-01-05",
                "special_post_exempt": "on",
            },
        )
        assert bad.status_code == 200
        assert "仅适用于配偶" in bad.content.decode()

    def test_end_delete_undo_and_foreign_ids(self, officer_a, officer_b, flags):
        c = login(officer_a)
        end = reverse("selection:flag_end", args=[flags["a1"].pk])
        assert c.post(end, {"end_date": "2026-01-02"}).status_code == 302
        assert NegativeFlag.objects.get(pk=flags["a1"].pk).end_date == date(2026, 1, 2)
        response = c.post(reverse("selection:flag_delete", args=[flags["a2"].pk]), follow=True)
        assert "撤销" in response.content.decode()
        c.post(reverse("selection:flag_restore", args=[flags["a2"].pk]))
        assert NegativeFlag.objects.get(pk=flags["a2"].pk).deleted_at is None
        b = login(officer_b)
        assert b.get(end).status_code == 404
        assert b.post(reverse("selection:flag_delete", args=[flags["a2"].pk])).status_code == 404
        assert b.post(reverse("selection:flag_restore", args=[flags["a2"].pk])).status_code == 404


def export(client, query, capture) -> list[tuple]:
    with capture(execute=True):
        response = client.post(reverse("jobs:list_export", args=["selection_flags"]) + query)
    assert response.status_code == 302
    job = Job.objects.latest("id")
    assert job.status == JobStatus.DONE
    with job.result_file.open("rb") as fh:
        return list(load_workbook(BytesIO(fh.read())).active.iter_rows(values_only=True))


def test_export_scoped(officer_a, flags, django_capture_on_commit_callbacks):
    c = login(officer_a)
    rows = export(c, "", django_capture_on_commit_callbacks)
    assert rows[0][0] == "姓名"
    assert {r[0] for r in rows[1:]} == {"张伟", "李娜"}
    rows = export(c, f"?cadre={flags['b1'].cadre_id}", django_capture_on_commit_callbacks)
    assert rows[1:] == []
