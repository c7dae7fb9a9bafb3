"""Excel export of the candidate search as shown: the same target, day, filters, sort and chosen
columns (registered with apps.core.exports; scoped to the actor at run time, audited there)."""

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict

from apps.accounts.models import Role
from apps.cadres.views.filter_form import unit_choices
from apps.core.exports import ExportTable, ListExport, register
from apps.selection.forms_candidates import COLUMNS, search_form
from apps.selection.selectors_candidates import CandidateRow, screen

HEADERS: dict[str, list[str]] = {
    "unit": ["单位"],
    "post": ["现任职务"],
    "tier": ["职务层次", "职级", "现职（月）"],
    "age": ["年龄（周岁）"],
    "education": ["学历"],
    "frontline": ["一线经历（月）", "具有一线经历"],
    "grades": ["近三年年度考核"],
    "training": ["培训学时"],
    "reserve": ["后备干部"],
    "warnings": ["需注意事项（项）"],
}
assert set(HEADERS) == {k for k, _ in COLUMNS}  # the page and the export agree


def _cells(row: CandidateRow, key: str) -> list[Any]:
    match key:
        case "unit":
            return [row.unit]
        case "post":
            return [row.post]
        case "tier":
            return [row.tier, row.rank, row.tenure_months or ""]
        case "age":
            return [row.age]
        case "education":
            return [row.education]
        case "frontline":
            return [float(row.frontline_months), "是" if row.frontline_qualifies else "否"]
        case "grades":
            return ["，".join(f"{y}年{g}" for y, g in row.grades)]
        case "training":
            return ["—" if row.training_hours is None else float(row.training_hours)]
        case "reserve":
            return ["是" if row.in_reserve else "否"]
        case _:
            return [row.warnings]


def _status(row: CandidateRow) -> str:
    if row.eligible:
        return "符合（破格）" if row.waived else "符合"
    return f"将于{row.passes_on.isoformat() if row.passes_on else ''}满足"


def build_candidates(actor: Any, query: QueryDict) -> ExportTable:
    """The screening of the page's query, for the actor's scope as it is when the job runs."""
    units = list(unit_choices(actor, query.get("unit"))) + list(
        unit_choices(actor, query.get("post_unit"))
    )
    form = search_form(query, actor=actor, units=units)
    target = form.target()
    columns = form.columns()
    headers = ["姓名"] + [h for key in columns for h in HEADERS[key]] + ["任职资格", "审查日期"]
    if target is None:
        return ExportTable(headers=headers, rows=[], total=0)
    on = form.day()
    screening = screen(actor=actor, target=target, on=on, filters=form.filters())

    def rows() -> Iterator[list[Any]]:
        for row in screening.rows:
            cells = [c for key in columns for c in _cells(row, key)]
            yield [row.name, *cells, _status(row), on.isoformat()]

    return ExportTable(headers=headers, rows=rows(), total=len(screening.rows))


def _may_export(actor: Any) -> bool:
    return getattr(actor, "role", None) in (Role.OFFICER, Role.LEADER)


register(
    ListExport(
        name="selection_candidates",
        title="符合任职资格的干部",
        target_type="cadres.cadre",
        build=build_candidates,
        may_export=_may_export,
    )
)
