"""The form of the page 节假日安排: a year, its source, and one line per special day
(`2027-01-01 休 元旦` / `2027-02-07 班 春节调休上班`), checked line by line."""

import re
import unicodedata
from datetime import date
from typing import Any

from django import forms

from .forms import StyledFormMixin
from .workdays import FIRST_YEAR, LAST_YEAR, SpecialDay

LINE_RE = re.compile(r"^(\S+)\s+(\S+)(?:\s+(.*))?$")
KINDS = {"休": False, "休息": False, "放假": False, "班": True, "上班": True}
MAX_NAME = 50
WEEKDAYS = "一二三四五六日"
EXAMPLE = "2027-01-01 休 元旦\n2027-02-07 班 春节调休上班"


def parse_line(text: str, year: int | None) -> SpecialDay:
    """One line as a special day; ValueError with a Chinese reason otherwise."""
    match = LINE_RE.match(text)
    if match is None:
        raise ValueError("格式应为“日期 休/班 说明”，如 2027-01-01 休 元旦")
    raw_day, raw_kind, name = match.group(1), match.group(2), (match.group(3) or "").strip()
    try:
        day = date.fromisoformat(raw_day)
    except ValueError:
        raise ValueError(f"日期“{raw_day}”无效，格式为 2027-01-01") from None
    if year is not None and day.year != year:
        raise ValueError(f"日期 {day:%Y-%m-%d} 不在{year}年内")
    if raw_kind not in KINDS:
        raise ValueError(f"“{raw_kind}”无法识别，请填写“休”或“班”")
    workday = KINDS[raw_kind]
    weekday = f"星期{WEEKDAYS[day.weekday()]}"
    if workday and day.weekday() < 5:
        raise ValueError(f"{day:%Y-%m-%d} 是{weekday}，本来就上班，只需录入周末调休上班的日子")
    if not workday and day.weekday() >= 5:
        raise ValueError(f"{day:%Y-%m-%d} 是{weekday}，本来就休息，只需录入工作日放假的日子")
    if not name:
        raise ValueError("请填写说明（节日名称或“某节调休上班”）")
    if len(name) > MAX_NAME:
        raise ValueError(f"说明不能超过{MAX_NAME}个字")
    return SpecialDay(day, workday, name)


def parse_lines(text: str, year: int | None) -> tuple[list[SpecialDay], list[str]]:
    """Every non-empty line parsed; errors name the line ("第3行：…")."""
    days: list[SpecialDay] = []
    errors: list[str] = []
    seen: dict[date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line or line.startswith("#"):
            continue
        try:
            day = parse_line(line, year)
        except ValueError as exc:
            errors.append(f"第{number}行（{line}）：{exc}")
            continue
        if day.day in seen:
            errors.append(f"第{number}行：{day.day:%Y-%m-%d} 与第{seen[day.day]}行重复")
            continue
        seen[day.day] = number
        days.append(day)
    if not days and not errors:
        errors.append("请至少录入一行（该年的节假日和调休上班日）")
    return sorted(days, key=lambda d: d.day), errors


class CalendarYearForm(StyledFormMixin, forms.Form):
    """Add a year (year editable) or replace one (year fixed by the page)."""

    year = forms.IntegerField(label="年份", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    source = forms.CharField(
        label="依据",
        max_length=300,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）",
    )
    lines = forms.CharField(
        label="节假日与调休上班日",
        error_messages={"required": "请至少录入一行（该年的节假日和调休上班日）"},
        widget=forms.Textarea(attrs={"rows": 14, "placeholder": EXAMPLE}),
        help_text="每行一天：日期、“休”或“班”、说明，以空格分隔。只录入工作日放假和周末调休上班的日子。",
    )

    def __init__(self, *args: Any, fixed_year: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_year = fixed_year
        if fixed_year is not None:
            self.fields["year"].required = False
            self.fields["year"].widget = forms.HiddenInput()
        self.days: list[SpecialDay] = []

    def clean_year(self) -> int | None:
        return self.fixed_year if self.fixed_year is not None else self.cleaned_data.get("year")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "lines" in data:
            self.days, errors = parse_lines(data["lines"], data.get("year"))
            for error in errors:
                self.add_error("lines", error)
        return data
