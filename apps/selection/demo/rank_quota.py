"""Demo rank headcount caps: the RANK-QUOTA-1 example (rules.md; UNVERIFIED, secondary source
only), so the 职级职数比例 panel and the 职级晋升 list have something to show. Each locality sets
its own caps on the page.

市地级机关 rows are put on the root (the city), 县乡机关 rows on each county-level unit directly
below a non-county unit (the county itself, not its departments). A cap counts every cadre in its
unit's subtree, so the city rows include the counties' cadres — the demo does not model "机关 of
this level only"."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from apps.selection.models import RankQuota
from apps.units.constants import UnitLevel
from apps.units.models import Unit

EFFECTIVE = date(2019, 6, 1)  # 《公务员职务与职级并行规定》施行
SOURCE = "RANK-QUOTA-1 示例（UNVERIFIED：仅见二手资料，未核实原文；请按本地规定修改）"
RESEARCHERS = ["researcher_1", "researcher_2", "researcher_3", "researcher_4"]
PRINCIPAL_STAFF = [
    "principal_staff_1",
    "principal_staff_2",
    "principal_staff_3",
    "principal_staff_4",
]
# (label, capped ranks, base ranks (empty = every cadre with a 职级), max %)
QuotaRow = tuple[str, list[str], list[str], str]
CITY_ROWS: tuple[QuotaRow, ...] = (
    ("一至四级调研员", RESEARCHERS, [], "20.0"),
    ("一、二级调研员", RESEARCHERS[:2], RESEARCHERS, "40.0"),
)
COUNTY_ROWS: tuple[QuotaRow, ...] = (
    ("二级调研员", ["researcher_2"], [], "2.0"),
    ("三、四级调研员", RESEARCHERS[2:], [], "10.0"),
    ("一至四级主任科员", PRINCIPAL_STAFF, [], "60.0"),
)


def _counties(root: Unit) -> list[Unit]:
    units = (
        Unit.objects.filter(path__startswith=root.path, level=UnitLevel.COUNTY, is_active=True)
        .exclude(parent__level=UnitLevel.COUNTY)
        .order_by("path")
    )
    return list(units)


@transaction.atomic
def load_rank_quotas(root_unit: Unit, actor: Any = None) -> list[RankQuota]:
    """Create the example rows that do not exist yet (idempotent); returns the created rows."""
    wanted: list[tuple[Unit, QuotaRow]] = [(root_unit, row) for row in CITY_ROWS]
    for county in _counties(root_unit):
        wanted += [(county, row) for row in COUNTY_ROWS]
    created = []
    for unit, (label, ranks, base, percent) in wanted:
        exists = RankQuota.objects.filter(unit=unit, label=label, effective_from=EFFECTIVE)
        if exists.exists():
            continue
        created.append(
            RankQuota.objects.create(
                unit=unit,
                label=label,
                ranks=ranks,
                base_ranks=base,
                max_percent=Decimal(percent),
                effective_from=EFFECTIVE,
                source=SOURCE,
                created_by=actor,
            )
        )
    return created
