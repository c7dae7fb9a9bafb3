"""干部名册: the roster in the layout organization departments keep, as a list export.

One row per cadre: unit, post and when it was taken up (任现职时间), 职级 and since when, birth
and age in 周岁 on the export date, full-time and in-service education, party join date, work
start date. Registered with apps.core.exports as "cadre-roster"; the rows are exactly those of
the cadre list for the same filters and sort (`selectors.cadre_list`, scoped to the actor), read
in batches with their parts fetched per batch, so memory stays flat (the core job writes them
with a write-only workbook).
"""

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import batched
from typing import Any

from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from apps.accounts.models import Role
from apps.cadres.constants import EDUCATION_ORDER, EducationMode
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


def _month(value: date | None) -> str:
    """Dates as the 任免审批表 writes them: 1975.03."""
    return f"{value:%Y.%m}" if value else ""


def _text(value: str) -> str:
    """Free text as a cell value: a leading "=" would make the spreadsheet a formula."""
    return "＝" + value[1:] if value.startswith("=") else value


def _current_posts(ids: list[int], actor: Any, today: date) -> dict[int, Appointment]:
    """The leading current appointment of each cadre (highest tier, then earliest start), the
    one `refresh_derived` names first in 现任职务."""
    current: dict[int, Appointment] = {}
    rows = (
        Appointment.objects.visible_to(actor)
        .filter(cadre_id__in=ids, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("post")
    )
    for a in rows:
        key = (TIER_ORDER.get(a.post.tier, 99), a.start_date)
        held = current.get(a.cadre_id)
        if held is None or key < (TIER_ORDER.get(held.post.tier, 99), held.start_date):
            current[a.cadre_id] = a
    return current


def _current_ranks(ids: list[int], actor: Any) -> dict[int, RankRecord]:
    ranks: dict[int, RankRecord] = {}
    rows = RankRecord.objects.visible_to(actor).filter(cadre_id__in=ids, end_date__isnull=True)
    for r in rows.order_by("start_date"):
        ranks[r.cadre_id] = r  # the latest open record wins
    return ranks


def _educations(ids: list[int], actor: Any) -> dict[tuple[int, str], Education]:
    """The highest education of each cadre per mode (全日制 / 在职)."""
    best: dict[tuple[int, str], Education] = {}
    for e in Education.objects.visible_to(actor).filter(cadre_id__in=ids):
        key = (e.cadre_id, e.mode)
        held = best.get(key)
        if held is None or EDUCATION_ORDER[e.level] < EDUCATION_ORDER[held.level]:
            best[key] = e
    return best


def _education_cells(e: Education | None) -> list[str]:
    if e is None:
        return ["", ""]
    degree = "" if e.degree == "none" else e.get_degree_display()
    level = " ".join(x for x in (e.get_level_display(), degree) if x)
    return [level, _text(" ".join(x for x in (e.school, e.major) if x))]


def roster_rows(cadres: Iterable[Cadre], *, actor: Any, today: date) -> Iterator[list[Any]]:
    """The roster's cells for cadres in order, their parts fetched per batch."""
    number = 0
    for batch in batched(cadres, BATCH):
        ids = [c.pk for c in batch]
        posts = _current_posts(ids, actor, today)
        ranks = _current_ranks(ids, actor)
        schools = _educations(ids, actor)
        for c in batch:
            number += 1
            post, rank = posts.get(c.pk), ranks.get(c.pk)
            yield [
                number, c.name, c.get_gender_display(), c.ethnicity, _month(c.birth_date),
                age_on(c.birth_date, today), _text(c.native_place),
                c.get_political_status_display(), _month(c.party_join_date),
                _month(c.work_start_date),
                *_education_cells(schools.get((c.pk, EducationMode.FULL_TIME))),
                *_education_cells(schools.get((c.pk, EducationMode.IN_SERVICE))),
                c.unit.name, _text(c.current_post_title), _month(post.start_date if post else None),
                c.get_tier_display(), c.get_rank_grade_display(),
                _month(rank.start_date if rank and rank.rank_grade == c.rank_grade else None),
                _text(c.professional_title), c.get_managed_by_display(),
            ]  # fmt: skip


def build_roster(actor: Any, query: QueryDict) -> ExportTable:
    """The roster of the cadre list as filtered and sorted on the page, within the scope."""
    queryset, _ = cadre_list(actor=actor, params=query)
    today = timezone.localdate()
    rows = roster_rows(queryset.iterator(chunk_size=BATCH), actor=actor, today=today)
    return ExportTable(headers=HEADERS, rows=rows, total=queryset.count())


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
