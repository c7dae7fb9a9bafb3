"""职级晋升 list (RANK-18-1, RANK-19-1, ELG-24-2): who has served the wait by 31 December of a
year — the boundary day, 优秀 shortening, 基本称职 extending, blockers shown only on request with
their reasons, the equivalent leadership tier as a source, quota headroom, scope; the page, its
filters and its export."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import PASSWORD, UserFactory, grant
from apps.assessment.constants import AnnualGrade, SheetStatus
from apps.assessment.models import AnnualAssessment, AnnualSheet
from apps.cadres.constants import RankGrade
from apps.cadres.models import Appointment, Cadre, RankRecord
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.core.models import Job, JobStatus
from apps.selection import exports_rank  # noqa: F401  (registers the list exports)
from apps.selection.models import RankQuota
from apps.selection.selectors_rank import rank_due
from apps.selection.tests.factories import NegativeFlagFactory
from apps.tolerance.tests.factories import SanctionFactory
from apps.units.constants import Tier

pytestmark = pytest.mark.django_db
PS1, PS2 = RankGrade.PRINCIPAL_STAFF_1, RankGrade.PRINCIPAL_STAFF_2


def holder(unit, name, since, rank=PS2, **kwargs):
    """A cadre holding `rank` since `since` (the record and the cadre's current rank)."""
    cadre = CadreFactory(name=name, unit=unit, rank_grade=rank, **kwargs)
    RankRecord.objects.create(cadre=cadre, rank_grade=rank, start_date=since)
    return cadre


def grade(cadre, year, value):
    sheet, _ = AnnualSheet.objects.get_or_create(
        unit=cadre.unit, year=year, defaults={"status": SheetStatus.SUBMITTED}
    )
    AnnualAssessment.objects.create(cadre=cadre, sheet=sheet, year=year, grade=value)


def names(rows):
    return {r.name for r in rows}


def by_name(rows):
    return {r.name: r for r in rows}


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


class TestWait:
    def test_boundary_last_day_of_year(self, city, officer_a):
        """2年 from 2024-12-31 is served on 2026-12-31 (in 2026); from 2025-01-01 on
        2027-01-01 (not in 2026, in 2027)."""
        holder(city.county_a_dept, "末日满", date(2024, 12, 31))
        holder(city.county_a_dept, "次年满", date(2025, 1, 1))
        rows = rank_due(actor=officer_a, year=2026)
        assert names(rows) == {"末日满"}
        row = rows[0]
        assert row.target == PS1 and row.eligible_from == date(2026, 12, 31)
        assert not row.already and row.tenure.start == date(2024, 12, 31)
        assert row.source_label == "二级主任科员" and row.wait_text == "2年"
        assert names(rank_due(actor=officer_a, year=2027)) == {"末日满", "次年满"}
        later = by_name(rank_due(actor=officer_a, year=2027))
        assert later["末日满"].already and not later["次年满"].already

    def test_excellent_year_shortens_by_six_months(self, city, officer_a):
        cadre = holder(city.county_a_dept, "优秀者", date(2025, 6, 1))
        holder(city.county_a_dept, "无优秀", date(2025, 6, 1))
        assert names(rank_due(actor=officer_a, year=2026)) == set()
        grade(cadre, 2025, AnnualGrade.EXCELLENT)
        rows = rank_due(actor=officer_a, year=2026)
        assert names(rows) == {"优秀者"}
        assert rows[0].eligible_from == date(2026, 12, 1)
        assert rows[0].wait_text == "1年6个月" and rows[0].excellent_text == "2025"

    def test_basically_competent_year_does_not_count(self, city, officer_a):
        """Served 2024-06-01 → 2026-06-01, but the 基本称职 year 2025 is not counted: a year
        later, 2027-06-01."""
        cadre = holder(city.county_a_dept, "基本称职者", date(2024, 6, 1))
        assert names(rank_due(actor=officer_a, year=2026)) == {"基本称职者"}
        grade(cadre, 2025, AnnualGrade.BASICALLY_COMPETENT)
        assert rank_due(actor=officer_a, year=2026) == []
        rows = rank_due(actor=officer_a, year=2027)
        assert rows[0].eligible_from == date(2027, 6, 1) and rows[0].uncounted_text == "2025"

    def test_equivalent_tier_is_a_source(self, city, officer_a):
        """RANK-18-1 (7): 一级主任科员 from 乡科级正职 after 2 years."""
        cadre = CadreFactory(name="乡科正职", unit=city.county_a_town, tier=Tier.SECTION_PRINCIPAL)
        post = PostFactory(unit=city.county_a_town, tier=Tier.SECTION_PRINCIPAL, title="镇长")
        Appointment.objects.create(cadre=cadre, post=post, start_date=date(2024, 3, 1))
        row = by_name(rank_due(actor=officer_a, year=2026))["乡科正职"]
        assert row.target == PS1 and row.source_label == "乡科级正职"
        assert row.eligible_from == date(2026, 3, 1)

    def test_rank_filter_and_search(self, city, officer_a):
        holder(city.county_a_dept, "张一", date(2020, 1, 1))
        holder(city.county_a_dept, "李二", date(2020, 1, 1), rank=RankGrade.STAFF_2)
        assert {(r.name, r.target) for r in rank_due(actor=officer_a, year=2026)} == {
            ("张一", PS1),
            ("李二", RankGrade.STAFF_1),
        }
        assert names(rank_due(actor=officer_a, year=2026, rank=RankGrade.STAFF_1)) == {"李二"}
        assert names(rank_due(actor=officer_a, year=2026, q="zy")) == {"张一"}

    def test_holder_of_target_or_above_not_listed(self, city, officer_a):
        cadre = CadreFactory(name="已一级", unit=city.county_a_town, tier=Tier.SECTION_PRINCIPAL)
        cadre.rank_grade = PS1
        cadre.save()
        post = PostFactory(unit=city.county_a_town, tier=Tier.SECTION_PRINCIPAL)
        Appointment.objects.create(cadre=cadre, post=post, start_date=date(2020, 3, 1))
        assert "已一级" not in names(rank_due(actor=officer_a, year=2026, rank=PS1))


class TestBlockers:
    def test_influence_period_shown_only_with_filter(self, city, officer_a):
        cadre = holder(city.county_a_dept, "影响期内", date(2020, 1, 1))
        SanctionFactory(
            cadre=cadre, effective_date=date(2026, 3, 1), influence_until=date(2027, 2, 28)
        )
        assert rank_due(actor=officer_a, year=2026) == []
        rows = rank_due(actor=officer_a, year=2026, show_blocked=True)
        assert names(rows) == {"影响期内"} and rows[0].blocked and rows[0].already
        assert "ELG-24-2" in rows[0].blockers[0] and "影响期至2027-02-28" in rows[0].blockers[0]
        # In 2027 the period is over by the year end: listed, eligible from the day after.
        row = rank_due(actor=officer_a, year=2027)[0]
        assert not row.blocked and row.eligible_from == date(2027, 3, 1)
        assert row.notes == ("影响期至2027-02-28",)

    def test_investigation_flag_blocks(self, city, officer_a):
        cadre = holder(city.county_a_dept, "审查中", date(2020, 1, 1))
        NegativeFlagFactory(cadre=cadre, kind="under_investigation", start_date=date(2026, 5, 1))
        assert rank_due(actor=officer_a, year=2026) == []
        rows = rank_due(actor=officer_a, year=2026, show_blocked=True)
        assert "审查调查" in rows[0].blockers[0]

    def test_incompetent_year_blocks(self, city, officer_a):
        cadre = holder(city.county_a_dept, "不称职者", date(2020, 1, 1))
        grade(cadre, 2025, AnnualGrade.INCOMPETENT)
        assert rank_due(actor=officer_a, year=2026) == []
        rows = rank_due(actor=officer_a, year=2026, show_blocked=True)
        assert "RANK-19-1" in rows[0].blockers[0]


class TestScopeAndQuota:
    def test_other_county_invisible(self, city, officer_a, officer_b):
        holder(city.county_a_dept, "甲县人", date(2020, 1, 1))
        holder(city.county_b_dept, "乙县人", date(2020, 1, 1))
        holder(city.county_a_dept, "市管人", date(2020, 1, 1), managed_by=ManagedBy.CITY)
        assert names(rank_due(actor=officer_a, year=2026)) == {"甲县人"}
        assert names(rank_due(actor=officer_b, year=2026)) == {"乙县人"}
        assert rank_due(actor=officer_a, year=2026, unit_id=city.county_b.pk) == []
        assert names(rank_due(actor=officer_a, year=2026, unit_id=city.county_a.pk)) == {"甲县人"}

    def test_headroom_of_most_binding_quota(self, city, officer_a):
        for i in range(9):
            holder(city.county_a_dept, f"科员{i}", date(2025, 6, 1), rank=RankGrade.STAFF_1)
        holder(city.county_a_dept, "主任", date(2018, 1, 1))
        RankQuota.objects.create(
            unit=city.county_a,
            label="一至四级主任科员",
            ranks=["principal_staff_1", "principal_staff_2", "principal_staff_3"],
            max_percent=Decimal("60.0"),
            effective_from=date(2020, 1, 1),
        )
        RankQuota.objects.create(
            unit=city.county_a,
            label="一级主任科员",
            ranks=["principal_staff_1"],
            max_percent=Decimal("5.0"),
            effective_from=date(2020, 1, 1),
        )
        row = by_name(rank_due(actor=officer_a, year=2026))["主任"]
        # base 10 cadres with a rank: 60% → 6 allowed, 1 used (5 left); 5% → 0 allowed, 0 used.
        assert row.quota is not None and row.quota.quota.label == "一级主任科员"
        assert row.quota_text == "一级主任科员：尚余0人"


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


class TestPage:
    url = reverse("selection:rank_due")

    def test_list_filters_and_links(self, client, city, officer_a):
        cadre = holder(city.county_a_dept, "张一", date(2020, 1, 1))
        holder(city.county_a_dept, "李二", date(2020, 1, 1), rank=RankGrade.STAFF_2)
        page = login(client, officer_a).get(self.url, {"year": 2026}).content.decode()
        assert "张一" in page and "李二" in page and "已满足" in page
        detail = reverse("selection:eligibility_detail", args=[cadre.pk])
        assert f"{detail}?rank=principal_staff_1&amp;on=2026-12-31" in page
        assert (
            f"{reverse('selection:promotion_plan')}?cadre={cadre.pk}&amp;rank=principal_staff_1"
            in page
        )
        partial = client.get(
            self.url, {"year": 2026, "rank": "staff_1"}, headers={"HX-Request": "true"}
        ).content.decode()
        assert "李二" in partial and "张一" not in partial and "<html" not in partial

    def test_blocked_filter(self, client, city, officer_a):
        cadre = holder(city.county_a_dept, "赵受限", date(2020, 1, 1))
        SanctionFactory(cadre=cadre, effective_date=date(2026, 3, 1), influence_until=None)
        c = login(client, officer_a)
        assert "赵受限" not in c.get(self.url, {"year": 2026}).content.decode()
        page = c.get(self.url, {"year": 2026, "blocked": "on"}).content.decode()
        assert (
            "赵受限" in page
            and 'data-testid="plan-link"' not in page
            and "✗ 不得晋升：ELG-24-2" in page
        )

    def test_invalid_filter_and_empty(self, client, officer_a):
        page = login(client, officer_a).get(self.url, {"year": "abc"}).content.decode()
        assert 'data-testid="filter-errors"' in page
        assert 'data-testid="empty-state"' in client.get(self.url).content.decode()

    def test_leader_reads_without_plan_action(self, client, city, leader_a):
        holder(city.county_a_dept, "张一", date(2020, 1, 1))
        page = login(client, leader_a).get(self.url, {"year": 2026}).content.decode()
        assert "张一" in page and 'data-testid="plan-link"' not in page

    def test_export_scoped_and_filtered(
        self, client, city, officer_a, officer_b, django_capture_on_commit_callbacks
    ):
        holder(city.county_a_dept, "张一", date(2020, 1, 1))
        holder(city.county_a_dept, "李二", date(2020, 1, 1), rank=RankGrade.STAFF_2)
        holder(city.county_b_dept, "乙县人", date(2020, 1, 1))
        c = login(client, officer_a)

        def export(c, query):
            with django_capture_on_commit_callbacks(execute=True):
                response = c.post(
                    reverse("jobs:list_export", args=["selection_rank_due"]) + "?" + query
                )
            job = Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
            assert job.status == JobStatus.DONE
            body = c.get(reverse("jobs:job_download", args=[job.pk])).streaming_content
            sheet = load_workbook(filename=BytesIO(b"".join(body))).active
            return list(sheet.iter_rows(values_only=True))

        table = export(c, "year=2026")
        assert table[0][0] == "姓名" and {r[0] for r in table[1:]} == {"张一", "李二"}
        assert [r[0] for r in export(c, "year=2026&rank=staff_1")[1:]] == ["李二"]
        assert [r[0] for r in export(c, f"year=2026&unit={city.county_b.pk}")[1:]] == []
        other = login(Client(), officer_b)
        assert [r[0] for r in export(other, "year=2026")[1:]] == ["乙县人"]
        assert Cadre.objects.count() == 3


def test_queries_do_not_grow_with_cadres(city, officer_a):
    """Facts are gathered in bulk per step: the same number of queries for 2 or 8 cadres."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            rows = rank_due(actor=officer_a, year=2026)
        return len(ctx.captured_queries), len(rows)

    for i in range(2):
        holder(city.county_a_dept, f"甲{i}", date(2020, 1, 1))
    few = count()
    for i in range(6):
        holder(city.county_a_town, f"乙{i}", date(2020, 1, 1), rank=RankGrade.STAFF_2)
    many = count()
    assert few[1] == 2 and many[1] == 8 and many[0] == few[0], (few, many)
    assert many[0] < 250
