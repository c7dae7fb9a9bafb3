"""Redaction of typical cases (典型案例脱敏): replace what identifies a cadre with neutral
placeholders, and list what still looks identifying before a reviewer publishes.

Pure functions (no ORM, no clock): the services and selectors gather the names to hide (the
cadre's, the other people a reviewer names, the units on the cadre's path) and pass them in.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PERSON_PLACEHOLDER = "某同志"
# The other people named in a case stay distinguishable from each other (甲/乙/丙 …).
OTHER_PERSON_PLACEHOLDERS = tuple(f"某{c}" for c in "甲乙丙丁戊己庚辛壬癸")
OTHERS = frozenset(OTHER_PERSON_PLACEHOLDERS)
HONORIFIC = "同志"
ID_NUMBER_PLACEHOLDER = "[身份证号码已隐去]"
PHONE_PLACEHOLDER = "[电话号码已隐去]"
UNIT_PLACEHOLDER = "某单位"
MIN_NAME_LENGTH = 2  # a single character is a common word, never a name to hide
# Full-width digits, X and dashes typed in Chinese input methods read as ASCII before matching.
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９Ｘｘ－", "0123456789Xx-")

# 18-digit 公民身份号码 (GB 11643): 17 digits and a digit or X check character.
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
# Mobile numbers (optionally +86, optionally split 3-4-4) and landlines with an area code.
MOBILE_RE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])")
LANDLINE_RE = re.compile(r"(?<![0-9])0\d{2,3}[- ]?\d{7,8}(?![0-9])")

# Longest suffixes first: the placeholder keeps the kind of unit ("某县", "某局") and drops the
# proper name ("甲县财政局" → "某局").
UNIT_SUFFIXES = (
    "街道办事处",
    "县人民政府",
    "市人民政府",
    "区人民政府",
    "镇人民政府",
    "乡人民政府",
    "人民政府",
    "委员会",
    "办公室",
    "街道",
    "社区",
    "市委",
    "县委",
    "区委",
    "镇委",
    "乡委",
    "党委",
    "党组",
    "中心",
    "公司",
    "医院",
    "学校",
    "政府",
    "局",
    "委",
    "办",
    "厅",
    "部",
    "院",
    "所",
    "站",
    "队",
    "镇",
    "乡",
    "村",
    "县",
    "市",
    "区",
    "州",
    "旗",
)


def unit_placeholder(name: str) -> str:
    """The neutral stand-in of a unit name: "甲县" → "某县", "甲县财政局" → "某局"."""
    name = name.strip()
    for suffix in UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return "某" + suffix
    return UNIT_PLACEHOLDER


def _clean(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        value = (value or "").strip()
        if len(value) >= MIN_NAME_LENGTH and value not in seen:
            seen.append(value)
    return seen


def replacements(names: Sequence[str] = (), units: Sequence[str] = ()) -> dict[str, str]:
    """Text to hide → its placeholder. The first name is the case's cadre (某同志); the others
    become 某甲, 某乙 … in the order given; units keep their kind (某县, 某局)."""
    mapping: dict[str, str] = {}
    for i, name in enumerate(_clean(names)):
        if i == 0:
            mapping[name] = PERSON_PLACEHOLDER
        else:
            others = OTHER_PERSON_PLACEHOLDERS
            mapping[name] = others[i - 1] if i - 1 < len(others) else PERSON_PLACEHOLDER
    for unit in _clean(units):
        mapping.setdefault(unit, unit_placeholder(unit))
    return mapping


def redact(text: str, names: Sequence[str] = (), units: Sequence[str] = ()) -> str:
    """`text` with the names, unit names, 18-digit id numbers and phone numbers replaced.

    One pass over one alternation (longest first), so "甲县财政局" becomes "某局" rather than
    "某县财政局", and a placeholder is never replaced again."""
    text = (text or "").translate(FULL_WIDTH_DIGITS)
    text = ID_NUMBER_RE.sub(ID_NUMBER_PLACEHOLDER, text)
    text = MOBILE_RE.sub(PHONE_PLACEHOLDER, text)
    text = LANDLINE_RE.sub(PHONE_PLACEHOLDER, text)
    mapping = replacements(names, units)
    if not mapping:
        return text
    people = {k for k, v in mapping.items() if v == PERSON_PLACEHOLDER or v in OTHERS}
    alternatives = [
        re.escape(k) + (f"(?:{HONORIFIC})?" if k in people else "")
        for k in sorted(mapping, key=len, reverse=True)
    ]

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        if found in mapping:
            return mapping[found]
        # "张伟同志" → "某同志", "李娜同志" → "某甲同志" (never "某同志同志").
        placeholder = mapping[found.removesuffix(HONORIFIC)]
        return placeholder if placeholder.endswith(HONORIFIC) else placeholder + HONORIFIC

    return re.compile("|".join(alternatives)).sub(replace, text)


@dataclass(frozen=True)
class Finding:
    """Something in a text to publish that still looks identifying."""

    kind: str  # "name" / "unit" / "id_number" / "phone"
    value: str
    message: str


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def identifying_findings(
    text: str, names: Iterable[str] = (), units: Iterable[str] = ()
) -> list[Finding]:
    """What in `text` still looks identifying: any of `names` (cadres of the case's unit), any
    of `units` (the unit names on the path), and id-number or phone patterns. Full-width digits
    count (NFKC), so "１３８…" is caught as well."""
    text = _normal(text)
    phones = dict.fromkeys(MOBILE_RE.findall(text) + LANDLINE_RE.findall(text))
    return [
        *(Finding("id_number", m, f"疑似身份证号码：{m}") for m in ID_NUMBER_RE.findall(text)),
        *(Finding("phone", m, f"疑似电话号码：{m}") for m in phones),
        *(Finding("name", n, f"疑似干部姓名：{n}") for n in _clean(names) if n in text),
        *(Finding("unit", u, f"含有单位名称：{u}") for u in _clean(units) if u in text),
    ]
