"""Columns of the cadre list export: (list column key, header, field, cell).

The key is the list page's column (views/lists.COLUMN_CHOICES) the export column shows: a column
the user hid with 显示列 is left out of the file too (issue 7: a list exports what it shows).
Columns with no key (name, and the roster facts the list has no column for) are always written.

Rows are read with `values_list()` of the shown columns' fields, not as model instances: the
cell turns the field's value into the text the list shows (a choice's label, a date as 1975.03),
exactly as `get_FOO_display()` and the instance would have.
"""

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from django.db.models import Field, Model, QuerySet

from .models import Cadre


def labels(model: type[Model], field: str) -> Callable[[Any], Any]:
    """value -> the label `get_FOO_display()` shows: the choice's label, or the value itself
    when it is not a choice (as Django does). Built once, not per call."""
    model_field = model._meta.get_field(field)
    assert isinstance(model_field, Field), field
    choices = {value: str(label) for value, label in model_field.flatchoices}
    return lambda value: choices.get(value, value)


def month(value: date | None) -> str:
    """A date as the 任免审批表 writes it: 1975.03 ("" for none)."""
    return f"{value.year}.{value.month:02d}" if value else ""  # strftime costs 5 times as much


def _same(value: Any) -> Any:
    return value


COLUMNS: tuple[tuple[str | None, str, str, Callable[[Any], Any]], ...] = (
    (None, "姓名", "name", _same),
    ("gender", "性别", "gender", labels(Cadre, "gender")),
    ("ethnicity", "民族", "ethnicity", _same),
    ("birth_date", "出生年月", "birth_date", month),
    (None, "籍贯", "native_place", _same),
    (None, "政治面貌", "political_status", labels(Cadre, "political_status")),
    ("work_start_date", "参加工作时间", "work_start_date", month),
    ("unit", "工作单位", "unit__name", _same),
    ("post", "现任职务", "current_post_title", _same),
    ("tier", "职务层次", "tier", labels(Cadre, "tier")),
    ("rank", "职级", "rank_grade", labels(Cadre, "rank_grade")),
    ("education", "最高学历", "highest_education", labels(Cadre, "highest_education")),
    ("managed_by", "管理权限", "managed_by", labels(Cadre, "managed_by")),
    (None, "公民身份号码（脱敏）", "id_number_masked", _same),
)
HIDEABLE = frozenset(key for key, _, _, _ in COLUMNS if key)


def shown_columns(hidden: list[str]) -> list[tuple[str, str, Callable[[Any], Any]]]:
    """(header, field, cell) of the columns to write, given the list columns the user hid."""
    return [(header, field, cell) for key, header, field, cell in COLUMNS if key not in hidden]


def export_rows(
    queryset: QuerySet[Cadre], columns: list[tuple[str, str, Callable[[Any], Any]]]
) -> Iterator[list[Any]]:
    """The cells of `columns` for the cadres of `queryset`, in its order, read in chunks."""
    cells = [cell for _, _, cell in columns]
    values = queryset.values_list(*(field for _, field, _ in columns))
    for row in values.iterator(chunk_size=2000):
        yield [cell(value) or "" for cell, value in zip(cells, row, strict=True)]
