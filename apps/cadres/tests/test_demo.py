"""The demo generator: deterministic, internally consistent, scoped like real data."""

import itertools
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, TestCase
from django.utils import timezone

from apps.accounts.models import ManagedBy, User
from apps.cadres import demo, identity
from apps.cadres.constants import EducationMode
from apps.cadres.demo.plan import build_plan
from apps.cadres.models import Cadre, Post
from apps.cadres.rules import age_on, check_identity, mask_id_number, parse_id_number
from apps.cadres.selectors import unit_occupancy
from apps.cadres.services import pinyin_of, refresh_derived
from apps.core.models import AuditEvent
from apps.units.constants import UnitKind, UnitLevel
from apps.units.models import Unit

SEED = 7
CADRES = 200
DERIVED = ("current_post_title", "tier", "rank_grade", "highest_education")


def load(seed: int = SEED, cadres: int = CADRES, *extra: str) -> str:
    out = StringIO()
    call_command("load_demo", "--seed", seed, "--cadres", cadres, *extra, stdout=out)
    return out.getvalue()


def people() -> list[tuple[str, object, str]]:
    rows = Cadre.objects.unscoped_for_jobs_and_migrations().order_by("id")
    return list(rows.values_list("name", "birth_date", "id_number_hash"))


def test_same_seed_gives_the_same_people(db: None) -> None:
    small = ("--units", "60")  # a shrunken tree keeps this test quick
    load(SEED, 80, *small)
    first = people()
    load(SEED, 80, "--reset", *small)
    assert people() == first
    assert len({h for _, _, h in first}) == len(first) == 80  # 公民身份号码 unique
    load(SEED + 1, 80, "--reset", *small)
    assert people() != first


def test_plan_scales_to_the_requested_number_of_units() -> None:
    big = build_plan(2026, 20_000)
    assert len(big.units) == 20_000
    assert len({u.code for u in big.units}) == 20_000
    assert len(big.counties) == 10
    small = build_plan(2026, 60)
    assert len(small.counties) >= 2 and len(small.units) < 264


class TestDemoCity(TestCase):
    """One small city loaded once for the class; each test runs in a rolled-back transaction."""

    city: Unit
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = load()
        cls.city = Unit.objects.get(code=demo.ROOT_CODE)

    def test_load_is_audited_and_prints_the_logins(self) -> None:
        event = AuditEvent.objects.get(action="demo.load")
        assert (event.actor_id, event.actor_name) == (None, "system")
        assert event.detail["cadres"] == CADRES and event.detail["seed"] == SEED
        assert "账号" in self.output and "数据范围" in self.output
        assert demo.DEMO_PASSWORD in self.output

    def test_loading_twice_needs_reset(self) -> None:
        with pytest.raises(CommandError, match="--reset"):
            load()

    def test_every_record_is_consistent(self) -> None:
        today = timezone.localdate()
        cadres = Cadre.objects.unscoped_for_jobs_and_migrations().prefetch_related(
            "educations", "appointments", "rank_records", "resume_entries", "family_members"
        )
        for cadre in cadres:
            number, birth, gender = parse_id_number(identity.decrypt(cadre.id_number_encrypted))
            assert (birth, gender) == (cadre.birth_date, cadre.gender), cadre
            assert cadre.id_number_hash == identity.search_hash(number)
            assert cadre.id_number_masked == mask_id_number(number)
            assert (cadre.name_pinyin, cadre.name_initials) == pinyin_of(cadre.name)
            assert 1966 <= cadre.birth_date.year <= 1998
            assert not check_identity(
                birth_date=cadre.birth_date,
                gender=cadre.gender,
                work_start_date=cadre.work_start_date,
                party_join_date=cadre.party_join_date,
                id_birth=birth,
                id_gender=gender,
                today=today,
            )
            assert age_on(cadre.birth_date, cadre.work_start_date) >= 18, cadre
            full_time = [e for e in cadre.educations.all() if e.mode == EducationMode.FULL_TIME]
            assert full_time, cadre
            assert all(e.end_date < cadre.work_start_date for e in full_time), cadre
            _check_appointments(cadre)
            _check_ranks(cadre)
            _check_resume(cadre)
            assert 2 <= len(cadre.family_members.all()) <= 4

    def test_denormalised_fields_match_refresh_derived(self) -> None:
        today = timezone.localdate()
        for cadre in Cadre.objects.unscoped_for_jobs_and_migrations():
            stored = [getattr(cadre, f) for f in DERIVED]
            copy = Cadre.objects.unscoped_for_jobs_and_migrations().get(pk=cadre.pk)
            refresh_derived(copy, today=today)
            assert [getattr(copy, f) for f in DERIVED] == stored, cadre

    def test_unit_tree_shape(self) -> None:
        units = Unit.objects.filter(path__startswith=self.city.path)
        assert (self.city.level, self.city.kind, self.city.depth, self.city.name) == (
            UnitLevel.CITY,
            UnitKind.PARTY_COMMITTEE,
            0,
            "示范市委",
        )
        assert units.filter(name="示范市人民政府", parent__parent=None).exists()
        assert units.filter(level=UnitLevel.CITY, kind=UnitKind.DEPARTMENT).count() == 40
        counties = units.filter(level=UnitLevel.COUNTY, kind=UnitKind.PARTY_COMMITTEE)
        assert [c.name for c in counties.order_by("sort_order")][:3] == [
            "东城区委",
            "西城区委",
            "青山县委",
        ]
        assert counties.count() == 6
        for county in counties:
            tree = units.filter(path__startswith=county.path)
            assert tree.filter(kind=UnitKind.GOVERNMENT, level=UnitLevel.COUNTY).count() == 1
            assert tree.filter(kind=UnitKind.DEPARTMENT).count() == 25
            assert tree.filter(level=UnitLevel.TOWNSHIP).count() == 10
        assert units.values("code").distinct().count() == units.count()
        by_id = {u.pk: u for u in units}
        for unit in units:
            parent = by_id.get(unit.parent_id) if unit.parent_id else None
            assert unit.path == f"{parent.path if parent else '/'}{unit.pk}/"
            assert unit.depth == len(unit.ancestor_ids) - 1
        assert Post.objects.filter(unit__path__startswith=self.city.path).count() > units.count()

    def test_some_units_are_over_establishment(self) -> None:
        over = [
            unit
            for unit in Unit.objects.filter(
                path__startswith=self.city.path, kind=UnitKind.DEPARTMENT
            )
            if any(row["over"] for row in unit_occupancy(unit=unit))
        ]
        assert len(over) >= 3

    def test_demo_users_log_in_with_the_published_password(self) -> None:
        for spec in demo.DEMO_USERS:
            assert Client().login(username=spec.username, password=demo.DEMO_PASSWORD), spec
        officer = User.objects.get(username="city_officer")
        (grant,) = officer.grants.all()
        assert grant.unit == self.city and grant.managed_levels == [ManagedBy.CITY]
        assert not User.objects.get(username="auditor").grants.exists()

    def test_county_officer_sees_only_own_county_cadres(self) -> None:
        officer = User.objects.get(username="county_officer")
        county = officer.grants.get().unit
        visible = Cadre.objects.visible_to(officer)
        expected = Cadre.objects.unscoped_for_jobs_and_migrations().filter(
            unit__path__startswith=county.path, managed_by=ManagedBy.COUNTY
        )
        assert visible.count() == expected.count() > 0
        assert set(visible.values_list("managed_by", flat=True)) == {ManagedBy.COUNTY}
        assert all(p.startswith(county.path) for p in visible.values_list("unit__path", flat=True))
        city_officer = User.objects.get(username="city_officer")
        assert set(Cadre.objects.visible_to(city_officer).values_list("managed_by", flat=True)) == {
            ManagedBy.CITY
        }


def _check_appointments(cadre: Cadre) -> None:
    appointments = sorted(cadre.appointments.all(), key=lambda a: a.start_date)
    by_post = defaultdict(list)
    for a in appointments:
        assert a.start_date >= cadre.work_start_date, cadre
        assert a.appoint_doc_no.endswith("号")
        by_post[a.post_id].append(a)
    for earlier, later in itertools.pairwise(appointments):
        assert earlier.end_date is not None and earlier.end_date < later.start_date, cadre
    for same_post in by_post.values():
        assert len(same_post) == 1 or all(a.end_date for a in same_post[:-1])
    assert all(a.end_date for a in appointments[:-1])
    assert bool(appointments) == bool(cadre.tier)


def _check_ranks(cadre: Cadre) -> None:
    ranks = sorted(cadre.rank_records.all(), key=lambda r: r.start_date)
    assert ranks, cadre
    assert [r.end_date is None for r in ranks].count(True) == 1
    assert ranks[-1].end_date is None
    for earlier, later in itertools.pairwise(ranks):
        assert earlier.start_date < later.start_date
        assert earlier.end_date == later.start_date  # the service's convention (rank_add)
    assert ranks[0].start_date >= cadre.work_start_date


def _check_resume(cadre: Cadre) -> None:
    lines = list(cadre.resume_entries.all())
    assert lines, cadre
    for earlier, later in itertools.pairwise(lines):
        assert earlier.end_date is not None and earlier.end_date < later.start_date, cadre
    assert lines[-1].end_date is None
    work = [line for line in lines if line.start_date >= cadre.work_start_date]
    assert work[0].start_date == cadre.work_start_date
    for a in cadre.appointments.all():  # every appointment is a line of the 简历
        assert any(line.start_date == a.start_date for line in work), cadre


def test_extensions_load_after_what_they_read_and_reset_before_it():
    from apps.cadres.demo import extensions

    names = extensions.registered()
    assert names.index("assessment") > names.index("tolerance")
    assert names.index("assessment") > names.index("frontline")


def test_nobody_starts_work_after_the_data_date():
    """Young doctorates once started work after the data's date (found by the 三龄两历 check)."""
    import random
    from bisect import bisect
    from itertools import accumulate

    from apps.cadres.demo.biography import AS_OF, make_person
    from apps.cadres.demo.people import IdNumbers
    from apps.cadres.demo.plan import build_plan

    plan = build_plan(2026, None)
    rng = random.Random("2026-people")
    cum = list(accumulate(u.weight for u in plan.units))
    ids = IdNumbers()
    for _ in range(20_000):
        person = make_person(rng, plan, ids, bisect(cum, rng.random() * cum[-1]), None)
        assert person.work_start <= AS_OF
