"""Columns of the cadre list export (header, cell)."""

from collections.abc import Callable
from typing import Any

COLUMNS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    ("姓名", lambda c: c.name),
    ("性别", lambda c: c.get_gender_display()),
    ("民族", lambda c: c.ethnicity),
    ("出生年月", lambda c: c.birth_date.strftime("%Y.%m")),
    ("籍贯", lambda c: c.native_place),
    ("政治面貌", lambda c: c.get_political_status_display()),
    ("参加工作时间", lambda c: c.work_start_date.strftime("%Y.%m")),
    ("工作单位", lambda c: c.unit.name),
    ("现任职务", lambda c: c.current_post_title),
    ("职务层次", lambda c: c.get_tier_display()),
    ("职级", lambda c: c.get_rank_grade_display()),
    ("最高学历", lambda c: c.get_highest_education_display()),
    ("管理权限", lambda c: c.get_managed_by_display()),
    ("公民身份号码（脱敏）", lambda c: c.id_number_masked),
)
