"""Columns of the cadre list export: (list column key, header, cell).

The key is the list page's column (views/lists.COLUMN_CHOICES) the export column shows: a column
the user hid with 显示列 is left out of the file too (issue 7: a list exports what it shows).
Columns with no key (name, and the roster facts the list has no column for) are always written.
"""

from collections.abc import Callable
from typing import Any

COLUMNS: tuple[tuple[str | None, str, Callable[[Any], str]], ...] = (
    (None, "姓名", lambda c: c.name),
    ("gender", "性别", lambda c: c.get_gender_display()),
    ("ethnicity", "民族", lambda c: c.ethnicity),
    ("birth_date", "出生年月", lambda c: c.birth_date.strftime("%Y.%m")),
    (None, "籍贯", lambda c: c.native_place),
    (None, "政治面貌", lambda c: c.get_political_status_display()),
    ("work_start_date", "参加工作时间", lambda c: c.work_start_date.strftime("%Y.%m")),
    ("unit", "工作单位", lambda c: c.unit.name),
    ("post", "现任职务", lambda c: c.current_post_title),
    ("tier", "职务层次", lambda c: c.get_tier_display()),
    ("rank", "职级", lambda c: c.get_rank_grade_display()),
    ("education", "最高学历", lambda c: c.get_highest_education_display()),
    ("managed_by", "管理权限", lambda c: c.get_managed_by_display()),
    (None, "公民身份号码（脱敏）", lambda c: c.id_number_masked),
)
HIDEABLE = frozenset(key for key, _, _ in COLUMNS if key)


def shown_columns(hidden: list[str]) -> list[tuple[str, Callable[[Any], str]]]:
    """(header, cell) of the columns to write, given the list columns the user hid."""
    return [(header, cell) for key, header, cell in COLUMNS if key not in hidden]
