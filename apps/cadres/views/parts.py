"""The record's parts as tabs: column definitions and their add forms."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from apps.cadres.forms import AppointmentForm, EducationForm, FamilyForm, RankForm, ResumeForm


def _d(value: date | None, fmt: str = "%Y.%m") -> str:
    return value.strftime(fmt) if value else "至今"


@dataclass(frozen=True)
class PartSpec:
    """A tab: its label, table columns (header, cell function) and add form."""

    label: str
    columns: tuple[tuple[str, Callable[[Any], str]], ...]
    form: type[forms.BaseForm]


PARTS: dict[str, PartSpec] = {
    "education": PartSpec(
        "学历学位",
        (
            ("类别", lambda e: e.get_mode_display()),
            ("学历", lambda e: e.get_level_display()),
            ("学位", lambda e: e.get_degree_display()),
            ("毕业院校系及专业", lambda e: f"{e.school}{e.major}"),
            ("起止时间", lambda e: f"{_d(e.start_date)}—{_d(e.end_date)}"),
        ),
        EducationForm,
    ),
    "appointment": PartSpec(
        "任职经历",
        (
            ("单位及职务", lambda a: f"{a.post.unit.name}{a.post.title}"),
            ("职务层次", lambda a: a.post.get_tier_display()),
            ("任职时间", lambda a: _d(a.start_date, "%Y-%m-%d")),
            ("免职时间", lambda a: _d(a.end_date, "%Y-%m-%d") if a.end_date else "—"),
            ("任职文号", lambda a: a.appoint_doc_no or "—"),
            ("免职文号", lambda a: a.removal_doc_no or "—"),
        ),
        AppointmentForm,
    ),
    "rank": PartSpec(
        "职级",
        (
            ("职级", lambda r: r.get_rank_grade_display()),
            ("起始时间", lambda r: _d(r.start_date, "%Y-%m-%d")),
            ("终止时间", lambda r: _d(r.end_date, "%Y-%m-%d") if r.end_date else "—"),
            ("文号", lambda r: r.doc_no or "—"),
        ),
        RankForm,
    ),
    "resume": PartSpec(
        "简历",
        (
            ("起止时间", lambda r: f"{_d(r.start_date)}—{_d(r.end_date)}"),
            ("单位及职务", lambda r: r.text),
        ),
        ResumeForm,
    ),
    "family": PartSpec(
        "家庭成员",
        (
            ("称谓", lambda f: f.relation),
            ("姓名", lambda f: f.name),
            ("出生年月", lambda f: f.birth_date.strftime("%Y.%m") if f.birth_date else "—"),
            ("政治面貌", lambda f: f.get_political_status_display() or "—"),
            ("工作单位及职务", lambda f: f.work_unit_and_post or "—"),
        ),
        FamilyForm,
    ),
}


def table(part: str, rows: Iterable[Any]) -> dict[str, Any]:
    """Headers and rendered cells for a part's tab."""
    spec = PARTS[part]
    return {
        "key": part,
        "label": spec.label,
        "headers": [h for h, _ in spec.columns],
        "rows": [[cell(row) for _, cell in spec.columns] for row in rows],
    }
