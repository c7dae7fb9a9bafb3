"""Cell values as people type them: text, dates in every common notation, coded values.

Pure functions (no ORM, no clock: `today` is passed in). Each parser returns the clean value or
raises CellError with a Chinese reason that the preview shows next to the cell.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

# Excel's day 0 (the 1900 leap-year bug is absorbed by starting on 1899-12-30).
EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers read as dates: 1927-05-18 .. 2119-01-10, far from 4-digit years and yyyymm.
SERIAL_MIN, SERIAL_MAX = 10_000, 80_000
YEAR_MIN = 1900
_SPACES = re.compile(r"[\s\u3000]+")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－／：（）", "0123456789.-/:()")
_DATE_PATTERNS = (
    # 1975.03 / 1975.3 / 1975-03 / 1975/3 / 1975年3月 (month only)
    re.compile(r"^(\d{4})[.\-/年](\d{1,2})月?$"),
    # 1975.03.01 / 1975-03-01 / 1975/3/1 / 1975年3月1日
    re.compile(r"^(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?$"),
)
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


class CellError(ValueError):
    """A cell that cannot be read; the message is the Chinese reason shown to the user."""


@dataclass(frozen=True)
class DateValue:
    """A date read from a cell; `month_only` when the cell named a month (1975.03)."""

    value: date
    month_only: bool


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not _SPACES.sub("", raw))


def cell_text(raw: Any) -> str:
    """The text of a cell: numbers without a spurious ".0", dates as 1975-03-01, trimmed."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, datetime):
        has_time = raw.hour or raw.minute or raw.second
        return raw.strftime("%Y-%m-%d %H:%M:%S" if has_time else "%Y-%m-%d")
    if isinstance(raw, date):
        return raw.strftime("%Y-%m-%d")
    return str(raw).strip().replace("\u3000", " ").strip()


def compact(text: str) -> str:
    """Text with every space removed and full-width digits/punctuation made ASCII (for codes,
    dates and coded values, where spaces never carry meaning)."""
    return _SPACES.sub("", text).translate(_FULL_WIDTH)


def parse_text(raw: Any, *, max_length: int | None) -> str:
    text = cell_text(raw)
    if max_length is not None and len(text) > max_length:
        raise CellError(f"超过长度限制（最多{max_length}个字，实有{len(text)}个字）")
    return text


def _checked(day: date, *, today: date, month_only: bool) -> DateValue:
    if day.year < YEAR_MIN:
        raise CellError(f"日期早于{YEAR_MIN}年，请核对")
    if day > today:
        raise CellError(f"日期晚于今天（{today:%Y-%m-%d}），请核对")
    return DateValue(day, month_only)


def _from_parts(year: int, month: int, day: int | None, *, today: date, text: str) -> DateValue:
    try:
        value = date(year, month, day or 1)
    except ValueError:
        raise CellError(f"日期“{text}”不存在，请核对") from None
    return _checked(value, today=today, month_only=day is None)


def _from_number(number: float, *, today: date, text: str) -> DateValue:
    """A numeric cell: 1975.03 (year.month, typed into a number cell), 197503, 19750301, or
    an Excel serial day number. In a number cell Excel drops the trailing zero of 1975.10, so
    the fraction is read to two places: 1975.1 is October, 1975.01 January."""
    whole = int(number)
    if not number.is_integer():
        if YEAR_MIN <= whole <= today.year:
            month = round((number - whole) * 100)
            return _from_parts(whole, month, None, today=today, text=text)
        raise CellError(f"无法识别的日期“{text}”，请按 1975.03 或 1975-03-01 的格式填写")
    if SERIAL_MIN <= whole < SERIAL_MAX:
        return _checked(EXCEL_EPOCH + timedelta(days=whole), today=today, month_only=False)
    return _from_digits(str(whole), today=today, text=text)


def _from_digits(digits: str, *, today: date, text: str) -> DateValue:
    if len(digits) == 6:
        return _from_parts(int(digits[:4]), int(digits[4:]), None, today=today, text=text)
    if len(digits) == 8:
        year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
        return _from_parts(year, month, day, today=today, text=text)
    if len(digits) == 5 and SERIAL_MIN <= int(digits) < SERIAL_MAX:
        return _checked(EXCEL_EPOCH + timedelta(days=int(digits)), today=today, month_only=False)
    if len(digits) == 4:
        raise CellError(f"日期“{text}”只有年份，请填写到月份，如 {digits}.01")
    raise CellError(f"无法识别的日期“{text}”，请按 1975.03 或 1975-03-01 的格式填写")


def parse_date(raw: Any, *, today: date) -> DateValue:
    """A date as typed: 1975.03, 1975.3, 1975-03-01, 1975/3/1, 1975年3月(1日), 197503, 19750301,
    an Excel date cell or serial number. Dates after `today` or before 1900 are refused."""
    if isinstance(raw, datetime):
        return _checked(raw.date(), today=today, month_only=False)
    if isinstance(raw, date):
        return _checked(raw, today=today, month_only=False)
    if isinstance(raw, bool):
        raise CellError("不是日期")
    if isinstance(raw, int | float):
        return _from_number(float(raw), today=today, text=cell_text(raw))
    text = compact(cell_text(raw))
    if text.isdigit():
        return _from_digits(text, today=today, text=text)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = [int(p) for p in match.groups()]
            day = parts[2] if len(parts) == 3 else None
            return _from_parts(parts[0], parts[1], day, today=today, text=text)
    # "1975-03-01 00:00:00" (a date cell exported as text)
    if re.match(r"^\d{4}-\d{2}-\d{2}\d{2}:\d{2}:\d{2}$", text):
        return _from_parts(int(text[:4]), int(text[5:7]), int(text[8:10]), today=today, text=text)
    raise CellError(f"无法识别的日期“{cell_text(raw)}”，请按 1975.03 或 1975-03-01 的格式填写")


def parse_choice(raw: Any, *, lookup: Mapping[str, str], label: str, options: list[str]) -> str:
    """A coded value typed as its Chinese label (or an accepted alias) -> the stored code."""
    text = compact(cell_text(raw))
    if text in lookup:
        return lookup[text]
    hint = "、".join(options) if len(options) <= 12 else "请从下拉列表中选择"
    raise CellError(f"“{cell_text(raw)}”不是有效的{label}（可选：{hint}）")


def id_number_text(raw: Any, *, plain: bool = False) -> str:
    """The text of a 公民身份号码 cell; a number cell has lost its last digits already.
    `plain`: the caller knows `raw` is a string of ASCII letters and digits only, which
    cell_text and compact leave as it is (the common case, read without them)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if float(raw) >= 1e15:
            raise CellError(
                "公民身份号码被Excel存成了数值，末几位已丢失；请将该列设为文本格式后重新录入"
            )
        return cell_text(raw)
    text = raw if plain else compact(cell_text(raw))
    if _SCIENTIFIC.match(text):
        raise CellError(
            "公民身份号码显示为科学计数法，末几位已丢失；请将该列设为文本格式后重新录入"
        )
    return text
