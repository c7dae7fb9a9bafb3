"""Rank headcount caps (RANK-QUOTA-1): rounding down at the boundary, the base (all ranks or the
named ones), the row in force on a day, visibility and who may add or delete; the page, its form
and its export; the demo rows."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import PASSWORD, UserFactory, grant
from apps.cadres.constants import RankGrade
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditEvent, Job, JobStatus
from apps.selection import exports_rank  # noqa: F401  (registers the list exports)
from apps.selection.demo.rank_quota import load_rank_quotas
from apps.selection.models import RankQuota
from apps.selection.selectors_rank import quota_max, rank_quota_usage
from apps.selection.services.rank_quota import rank_quota_add, rank_quota_delete
from apps.units.constants import UnitLevel
from apps.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
R1, R2, R3, R4 = "researcher_1", "researcher_2", "researcher_3", "researcher_4"


def quota(unit, label="一至四级调研员", ranks=(R1, R2, R3, R4), base=(), percent="20.0", **kw):
    return RankQuota.objects.create(
        unit=unit,
        label=label,
        ranks=list(ranks),
        base_ranks=list(base),
        max_percent=Decimal(percent),
        effective_from=kw.pop("effective_from", date(2020, 1, 1)),
        **kw,
    )


def cadres(unit, rank, count, **kwargs):
    for _ in range(count):
        CadreFactory(unit=unit, rank_grade=rank, **kwargs)


class TestArithmetic:
    @pytest.mark.parametrize(
        ("base", "percent", "allowed"),
        [
            (49, "20", 9),  # 9.8 → 9
            (50, "20", 10),  # exactly 10
            (51, "20", 10),
            (10, "2", 0),  # 0.2 → 0
            (100, "2.5", 2),
            (33, "33.3", 10),  # 10.989 → 10
            (0, "60", 0),
            (7, "100", 7),
        ],
    )
    def test_rounds_down(self, base, percent, allowed):
        assert quota_max(base, Decimal(percent)) == allowed

    @pytest.fixture
    def org_dept(self, city):
        """The city's organization department over every management level: the whole
        headcount is in its scope."""
        user = UserFactory(username="org_dept")
        grant(user, city.root, levels=[ManagedBy.CITY, ManagedBy.COUNTY])
        return user

    def test_base_all_ranks_at_the_boundary(self, city, org_dept):
        """49 cadres with a rank (any), 20% → 9 allowed; 9 used is full, 10 is over."""
        cadres(city.county_a_dept, RankGrade.PRINCIPAL_STAFF_1, 40)
        cadres(city.county_a_dept, RankGrade.RESEARCHER_4, 9)
        CadreFactory(unit=city.county_a_dept)  # no rank: not in the base
        quota(city.root)
        (u,) = rank_quota_usage(actor=org_dept, on=date(2026, 6, 1))
        assert (u.base, u.allowed, u.used, u.headroom, u.over) == (49, 9, 9, 0, False)
        assert u.share == Decimal("18.4")
        CadreFactory(unit=city.county_b_dept, rank_grade=R3)  # 50 in base → 10 allowed, 10 used
        (u,) = rank_quota_usage(actor=org_dept, on=date(2026, 6, 1))
        assert (u.base, u.allowed, u.used, u.over) == (50, 10, 10, False)
        CadreFactory(unit=city.county_b_dept, rank_grade=R2)  # 51 → 10 allowed, 11 used: over
        (u,) = rank_quota_usage(actor=org_dept, on=date(2026, 6, 1))
        assert (u.allowed, u.used, u.over, u.excess) == (10, 11, True, 1)

    def test_counts_stay_inside_the_scope(self, city, officer_city):
        """Like every count of cadre data: the city officer (市管 only) counts no 县管 cadres."""
        cadres(city.county_a_dept, R1, 3)
        quota(city.root)
        (u,) = rank_quota_usage(actor=officer_city, on=date(2026, 6, 1))
        assert (u.base, u.used) == (0, 0)

    def test_named_base_and_subtree(self, city, org_dept):
        """一二级调研员 ≤40% of 一至四级调研员, counted in county A's subtree only; deleted cadres
        and another county's are not counted."""
        cadres(city.county_a_dept, R1, 1)
        cadres(city.county_a_town, R2, 1)
        cadres(city.county_a_dept, R3, 2)
        cadres(city.county_a_dept, R4, 1)
        cadres(city.county_b_dept, R1, 3)
        gone = CadreFactory(unit=city.county_a_dept, rank_grade=R1)
        gone.deleted_at = timezone.now()
        gone.save()
        quota(
            city.county_a, label="一二级调研员", ranks=(R1, R2), base=(R1, R2, R3, R4), percent="40"
        )
        (u,) = rank_quota_usage(actor=org_dept, on=date(2026, 6, 1))
        assert (u.base, u.allowed, u.used, u.over) == (5, 2, 2, False)


class TestEffectiveDating:
    def test_latest_row_per_unit_and_label(self, city, officer_city):
        old = quota(city.root, percent="20", effective_from=date(2020, 1, 1))
        new = quota(city.root, percent="25", effective_from=date(2026, 7, 1))
        other = quota(
            city.root, label="一二级调研员", ranks=(R1, R2), effective_from=date(2021, 1, 1)
        )

        def in_force(day):
            return {u.quota.pk for u in rank_quota_usage(actor=officer_city, on=day)}

        assert in_force(date(2019, 12, 31)) == set()
        assert in_force(date(2026, 6, 30)) == {old.pk, other.pk}
        assert in_force(date(2026, 7, 1)) == {new.pk, other.pk}

    def test_visibility(self, city, officer_a, officer_city):
        """A county officer sees the city's caps (above their subtree) and their own county's,
        not another county's."""
        city_q = quota(city.root)
        a_q = quota(city.county_a, label="县乡二级调研员")
        quota(city.county_b, label="县乡二级调研员")
        assert {u.quota.pk for u in rank_quota_usage(actor=officer_a, on=date(2026, 1, 1))} == {
            city_q.pk,
            a_q.pk,
        }
        assert len(rank_quota_usage(actor=officer_city, on=date(2026, 1, 1))) == 3


def add(actor, unit, **kw):
    data = {
        "label": "三四级调研员",
        "ranks": [R3, R4],
        "base_ranks": [],
        "max_percent": Decimal("10.0"),
        "effective_from": date(2027, 1, 1),
        "source": "示例（UNVERIFIED）",
    }
    data.update(kw)
    return rank_quota_add(actor=actor, unit_id=unit.pk, **data)


class TestServices:
    def test_add_in_change_scope_audited(self, city, officer_a):
        q = add(officer_a, city.county_a, ranks=[R4, R3, R3])
        assert q.ranks == [R3, R4] and q.created_by == officer_a
        event = AuditEvent.objects.get(action="selection.rank_quota.create")
        assert event.target_id == str(q.pk) and event.after["max_percent"] == "10.0"

    def test_who_may_add(self, city, officer_a, leader_a):
        with pytest.raises(DomainError) as exc:
            add(officer_a, city.root)  # above the officer's subtree: visible, not changeable
        assert exc.value.fields == {"unit": "适用范围不在您可维护的单位范围内"}
        with pytest.raises(DomainError):
            add(officer_a, city.county_b)
        with pytest.raises(DomainError):
            add(leader_a, city.county_a)  # leaders read only
        assert not RankQuota.objects.exists()

    @pytest.mark.parametrize(
        ("kw", "field"),
        [
            ({"ranks": []}, "ranks"),
            ({"ranks": ["general"]}, "ranks"),
            ({"base_ranks": ["bogus"]}, "base_ranks"),
            ({"ranks": [R1], "base_ranks": [R3, R4]}, "base_ranks"),
            ({"max_percent": Decimal("100.1")}, "max_percent"),
            ({"max_percent": Decimal("-1")}, "max_percent"),
            ({"max_percent": Decimal("12.25")}, "max_percent"),
            ({"max_percent": "abc"}, "max_percent"),
            ({"label": "  "}, "label"),
            ({"effective_from": None}, "effective_from"),
        ],
    )
    def test_refused(self, city, officer_a, kw, field):
        with pytest.raises(DomainError) as exc:
            add(officer_a, city.county_a, **kw)
        assert field in exc.value.fields

    def test_bounds_accepted(self, city, officer_a):
        assert add(officer_a, city.county_a, max_percent=Decimal("0")).max_percent == 0
        q = add(officer_a, city.county_a, label="全部", max_percent=Decimal("100.0"))
        assert q.max_percent == 100

    def test_duplicate_day_refused(self, city, officer_a):
        add(officer_a, city.county_a)
        with pytest.raises(DomainError) as exc:
            add(officer_a, city.county_a)
        assert exc.value.code == "duplicate_quota"

    def test_delete_only_before_in_force(self, city, officer_a):
        today = date(2026, 11, 2)
        future = add(officer_a, city.county_a, effective_from=today + timedelta(days=1))
        current = add(officer_a, city.county_a, label="现行", effective_from=today)
        with pytest.raises(DomainError) as exc:
            rank_quota_delete(actor=officer_a, quota_id=current.pk, today=today)
        assert exc.value.code == "quota_in_force"
        rank_quota_delete(actor=officer_a, quota_id=future.pk, today=today)
        assert list(RankQuota.objects.all()) == [current]
        event = AuditEvent.objects.get(action="selection.rank_quota.delete")
        assert event.before["label"] == "三四级调研员"

    def test_delete_out_of_scope(self, city, officer_a):
        city_q = quota(city.root, effective_from=date(2099, 1, 1))
        b_q = quota(city.county_b, effective_from=date(2099, 1, 1))
        for pk in (city_q.pk, b_q.pk):
            with pytest.raises(OutOfScopeError):
                rank_quota_delete(actor=officer_a, quota_id=pk)
        assert RankQuota.objects.count() == 2


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


class TestPages:
    url = reverse("selection:rank_quota")

    def test_panel_history_and_form(self, client, city, officer_a):
        cadres(city.county_a_dept, R3, 1)
        cadres(city.county_a_dept, RankGrade.PRINCIPAL_STAFF_1, 9)
        quota(city.county_a, label="三四级调研员", ranks=(R3, R4), percent="10")
        quota(city.county_b, label="乙县的")
        page = login(client, officer_a).get(self.url).content.decode()
        assert "三四级调研员" in page and "乙县的" not in page
        assert "1/10（10.0%）" in page and "已满" in page
        assert 'data-testid="rank-quota-form"' in page
        assert f'<option value="{city.county_a.pk}">' in page
        assert f'<option value="{city.root.pk}">' not in page

    def test_add_via_form(self, client, city, officer_a):
        c = login(client, officer_a)
        data = {
            "unit": city.county_a.pk,
            "label": "二级调研员",
            "ranks": [R2],
            "max_percent": "2",
            "effective_from": (timezone.localdate() + timedelta(days=40)).isoformat(),
            "source": "示例",
        }
        response = c.post(reverse("selection:rank_quota_add"), data)
        assert response.status_code == 302
        q = RankQuota.objects.get()
        assert (q.unit, q.ranks, q.base_ranks, q.max_percent) == (city.county_a, [R2], [], 2)
        page = c.get(self.url).content.decode()
        assert "未生效" in page and 'data-testid="quota-delete"' in page
        response = c.post(reverse("selection:rank_quota_delete", args=[q.pk]))
        assert response.status_code == 302 and not RankQuota.objects.exists()

    def test_form_errors_shown(self, client, city, officer_a):
        c = login(client, officer_a)
        data = {
            "unit": city.county_a.pk,
            "label": "一级调研员",
            "ranks": [R1],
            "base_ranks": [R3],
            "max_percent": "12.25",
            "effective_from": "2027-01-01",
        }
        page = c.post(reverse("selection:rank_quota_add"), data).content.decode()
        assert 'data-testid="form-errors"' in page and not RankQuota.objects.exists()
        data["max_percent"] = "12.5"
        page = c.post(reverse("selection:rank_quota_add"), data).content.decode()
        assert "基数职级应包含全部限额职级" in page and not RankQuota.objects.exists()
        data["unit"] = city.county_b.pk  # not a choice for county A's officer
        page = c.post(reverse("selection:rank_quota_add"), data).content.decode()
        assert 'data-testid="form-errors"' in page and not RankQuota.objects.exists()

    def test_leader_reads_only(self, client, city, leader_a):
        quota(city.county_a, label="三四级调研员")
        c = login(client, leader_a)
        page = c.get(self.url).content.decode()
        assert "三四级调研员" in page and 'data-testid="rank-quota-form"' not in page
        response = c.post(reverse("selection:rank_quota_add"), {"unit": city.county_a.pk})
        assert response.status_code == 403

    def test_delete_other_county_is_404(self, client, city, officer_a):
        b_q = quota(city.county_b, effective_from=date(2099, 1, 1))
        response = login(client, officer_a).post(
            reverse("selection:rank_quota_delete", args=[b_q.pk])
        )
        assert response.status_code == 404 and RankQuota.objects.filter(pk=b_q.pk).exists()

    def test_export(self, client, city, officer_a, officer_b, django_capture_on_commit_callbacks):
        cadres(city.county_a_dept, R3, 1)
        cadres(city.county_a_dept, RankGrade.PRINCIPAL_STAFF_1, 9)
        quota(city.county_a, label="三四级调研员", ranks=(R3, R4), percent="10")
        quota(city.county_b, label="乙县的")

        def export(c):
            with django_capture_on_commit_callbacks(execute=True):
                response = c.post(reverse("jobs:list_export", args=["selection_rank_quota"]))
            job = Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
            assert job.status == JobStatus.DONE
            body = c.get(reverse("jobs:job_download", args=[job.pk])).streaming_content
            return list(load_workbook(filename=BytesIO(b"".join(body))).active.values)

        table = export(login(client, officer_a))
        assert table[0][:3] == ("适用范围", "名称", "限额职级")
        assert [r[1] for r in table[1:]] == ["三四级调研员"]
        assert table[1][6:12] == (10, 1, 1, 10, 0, "否")
        assert [r[1] for r in export(login(Client(), officer_b))[1:]] == ["乙县的"]


class TestDemo:
    def test_example_rows(self, city):
        town = UnitFactory(name="乙县某镇", parent=city.county_b, level=UnitLevel.TOWNSHIP)
        created = load_rank_quotas(city.root)
        labels = {(q.unit.name, q.label, str(q.max_percent)) for q in created}
        assert ("示范市委", "一至四级调研员", "20.0") in labels
        assert ("示范市委", "一、二级调研员", "40.0") in labels
        assert ("甲县", "二级调研员", "2.0") in labels and (
            "乙县",
            "一至四级主任科员",
            "60.0",
        ) in labels
        assert all("UNVERIFIED" in q.source for q in created)
        assert not any(q.unit == town for q in created)
        assert load_rank_quotas(city.root) == []  # idempotent
        assert RankQuota.objects.count() == len(created) == 2 + 3 * 2
