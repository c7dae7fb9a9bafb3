"""干部名册: the roster in the layout organization departments keep, as a list export.

One row per cadre: unit, post and when it was taken up (任现职时间), 职级 and since when, birth
and age in 周岁 on the export date, full-time and in-service education, party join date, work
start date. Registered with apps.core.exports as "cadre-roster"; the rows are exactly those of
the cadre list for the same filters and sort (`selectors.cadre_list`, scoped to the actor), read
as plain values (`values_list`, choice labels looked up once) in batches with their parts fetched
per batch, so memory stays flat (the core job streams them into the workbook).
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import batched
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone

from apps.accounts.models import Role
from apps.cadres.constants import EDUCATION_ORDER, EducationMode
from apps.cadres.export_columns import labels, month
from apps.cadres.models import Appointment, Cadre, Education, RankRecord
from apps.cadres.rules import age_on
from apps.cadres.selectors import cadre_list
from apps.core.exports import ExportTable, ListExport, register
from apps.units.constants import TIER_ORDER

BATCH = 2000
HEADERS = [
    "序号", "姓名", "性别", "民族", "出生年月", "年龄", "籍贯", "政治面貌", "入党时间",
    "参加工作时间", "全日制学历学位", "全日制毕业院校及专业", "在职学历学位",
    "在职毕业院校及专业", "工作单位", "现任职务", "任现职时间", "职务层次", "职级",
    "任现职级时间", "专业技术职务", "干部管理权限",
]  # fmt: skip
# The cadre's values the roster reads, in this order (`roster_rows` unpacks them).
FIELDS = (
    "pk", "name", "gender", "ethnicity", "birth_date", "native_place", "political_status",
    "party_join_date", "work_start_date", "unit__name", "current_post_title", "tier",
    "rank_grade", "professional_title", "managed_by",
)  # fmt: skip

_gender = labels(Cadre, "gender")
_political_status = labels(Cadre, "political_status")
_tier = labels(Cadre, "tier")
_rank_grade = labels(Cadre, "rank_grade")
_managed_by = labels(Cadre, "managed_by")
_level = labels(Education, "level")
_degree = labels(Education, "degree")

# The parts below are read by `cadre_id__in` through the unscoped manager, without the scope's
# join to the cadre table (which, for a city-wide scope, made PostgreSQL scan all cadres once per
# batch and query). That is safe only because the ids are those of the batch just read from
# `cadre_list(actor=…)`, the actor's scoped (and not deleted) cadres in this same job: a part's
# scope is its cadre's, so these are exactly the rows `visible_to(actor)` would return.


def _batch(ids: list[int]) -> Any:
    """What follows `cadre_id__in=` for a batch of ids: on PostgreSQL one bound array (2,000
    bound parameters cost Django and psycopg about 10 µs each to build and quote, 3 s over a
    100,000-row roster), elsewhere the list itself."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return ids


def _text(value: str) -> str:
    """Free text as a cell value: a leading "=" would make the spreadsheet a formula."""
    return "＝" + value[1:] if value.startswith("=") else value


def _current_posts(ids: list[int], today: date) -> dict[int, date]:
    """When each cadre took up the leading current appointment (highest tier, then earliest
    start), the one `refresh_derived` names first in 现任职务. `ids`: already scoped cadres."""
    current: dict[int, tuple[int, date]] = {}
    rows = (
        Appointment.objects.unscoped_for_jobs_and_migrations()
        .filter(cadre_id__in=_batch(ids), start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values_list("cadre_id", "post__tier", "start_date")
    )
    for cadre_id, tier, start in rows:
        key = (TIER_ORDER.get(tier, 99), start)
        held = current.get(cadre_id)
        if held is None or key < held:
            current[cadre_id] = key
    return {cadre_id: start for cadre_id, (_, start) in current.items()}


def _current_ranks(ids: list[int]) -> dict[int, tuple[str, date]]:
    """(职级, since) of each cadre's open rank record. `ids`: already scoped cadres."""
    ranks: dict[int, tuple[str, date]] = {}
    rows = (
        RankRecord.objects.unscoped_for_jobs_and_migrations()
        .filter(cadre_id__in=_batch(ids), end_date__isnull=True)
        .order_by("start_date", "id")
        .values_list("cadre_id", "rank_grade", "start_date")
    )
    for cadre_id, grade, start in rows:
        ranks[cadre_id] = (grade, start)  # the latest open record wins
    return ranks


def _educations(ids: list[int]) -> dict[tuple[int, str], tuple[str, str, str, str]]:
    """The highest education (level, degree, school, major) of each cadre per mode (全日制 /
    在职). `ids`: already scoped cadres."""
    best: dict[tuple[int, str], tuple[str, str, str, str]] = {}
    rows = (
        Education.objects.unscoped_for_jobs_and_migrations()
        .filter(cadre_id__in=_batch(ids))
        .values_list("cadre_id", "mode", "level", "degree", "school", "major")
    )
    for cadre_id, mode, level, degree, school, major in rows:
        key = (cadre_id, mode)
        held = best.get(key)
        if held is None or EDUCATION_ORDER[level] < EDUCATION_ORDER[held[0]]:
            best[key] = (level, degree, school, major)
    return best


def _education_cells(education: tuple[str, str, str, str] | None) -> list[str]:
    if education is None:
        return ["", ""]
    level, degree, school, major = education
    degree = "" if degree == "none" else _degree(degree)
    text = " ".join(x for x in (_level(level), degree) if x)
    return [text, _text(" ".join(x for x in (school, major) if x))]


def roster_rows(cadres: Iterable[Sequence[Any]], *, today: date) -> Iterator[list[Any]]:
    """The roster's cells for cadres in order (each the values of FIELDS, read from the actor's
    scoped list), their parts fetched per batch."""
    number = 0
    for batch in batched(cadres, BATCH):
        ids = [c[0] for c in batch]
        posts = _current_posts(ids, today)
        ranks = _current_ranks(ids)
        schools = _educations(ids)
        for (
            pk, name, gender, ethnicity, birth_date, native_place, political_status,
            party_join_date, work_start_date, unit_name, post_title, tier, rank_grade,
            professional_title, managed_by,
        ) in batch:  # fmt: skip
            number += 1
            rank = ranks.get(pk)
            yield [
                number, name, _gender(gender), ethnicity, month(birth_date),
                age_on(birth_date, today), _text(native_place),
                _political_status(political_status), month(party_join_date),
                month(work_start_date),
                *_education_cells(schools.get((pk, EducationMode.FULL_TIME))),
                *_education_cells(schools.get((pk, EducationMode.IN_SERVICE))),
                unit_name, _text(post_title), month(posts.get(pk)),
                _tier(tier), _rank_grade(rank_grade),
                month(rank[1] if rank and rank[0] == rank_grade else None),
                _text(professional_title), _managed_by(managed_by),
            ]  # fmt: skip


def build_roster(actor: Any, query: QueryDict) -> ExportTable:
    """The roster of the cadre list as filtered and sorted on the page, within the scope."""
    queryset, _ = cadre_list(actor=actor, params=query)
    today = timezone.localdate()
    cadres = queryset.values_list(*FIELDS).iterator(chunk_size=BATCH)
    return ExportTable(
        headers=HEADERS, rows=roster_rows(cadres, today=today), total=queryset.count()
    )


def _may_export(actor: Any) -> bool:
    return getattr(actor, "role", None) in (Role.OFFICER, Role.LEADER)


ROSTER = register(
    ListExport(
        name="cadre-roster",
        title="干部名册",
        target_type="cadres.cadre",
        build=build_roster,
        may_export=_may_export,
    )
)
