"""Values of LRMX elements, both ways: dates, 入党时间, codes, 学历学位 and 简历 lines.

Pure functions (no ORM, no clock). Import accepts every variant lrmx.md lists; export writes the
canonical form. Problems are raised as ValueError with a Chinese message.
"""

import re
from dataclasses import dataclass
from datetime import date

from apps.cadres.constants import (
    ETHNICITIES,
    Degree,
    EducationLevel,
    Gender,
    PoliticalStatus,
)

# Chinese input methods type full-width digits and punctuation; read them as what they mean.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－／～　", "0123456789.-/~ ")
_DATE = re.compile(
    r"(?P<y>\d{4})(?:年|[.\-/])?(?:(?P<m>\d{1,2})(?:月|[.\-/])?(?:(?P<d>\d{1,2})日?)?)?"
)
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def _clean(raw: str) -> str:
    return raw.translate(_FULL_WIDTH).strip()


def parse_date(raw: str) -> date | None:
    """A date as files write it: 198005, 1980.05, 1980-05, 1980/5, 1980年5月, 19800517,
    1980.05.17, or a bare year (1980 → January). Blank → None; anything else → ValueError.

    LRMX carries months, so a month-only date is the first of the month.
    """
    text = _clean(raw).replace(" ", "")
    if not text:
        return None
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"日期“{raw.strip()}”格式无法识别（应为如 198005 或 1980.05）")
    year = int(match["y"])
    month = int(match["m"] or 1)
    day = int(match["d"] or 1)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"日期“{raw.strip()}”的年份不合理")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{raw.strip()}”不存在") from None


def month_code(value: date | None) -> str:
    """The canonical element format: 198005 ("" when unknown)."""
    return "" if value is None else f"{value.year:04d}{value.month:02d}"


def day_code(value: date) -> str:
    """The 8-digit form (计算年龄时间): 20261125."""
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def dotted(value: date | None) -> str:
    """The 简历 form of a month: 1998.09 ("" when open)."""
    return "" if value is None else f"{value.year:04d}.{value.month:02d}"


# --- codes ---------------------------------------------------------------------------------

_GENDERS = {"男": Gender.MALE, "男性": Gender.MALE, "1": Gender.MALE}
_GENDERS |= {"女": Gender.FEMALE, "女性": Gender.FEMALE, "2": Gender.FEMALE}


def parse_gender(raw: str) -> str:
    """男/女 (or the GB/T 2261.1 codes 1/2) → Gender."""
    value = _GENDERS.get(_clean(raw))
    if value is None:
        raise ValueError(f"性别“{raw.strip()}”无法识别（应为“男”或“女”）")
    return value


def gender_label(value: str) -> str:
    return Gender(value).label if value in Gender.values else ""


def parse_ethnicity(raw: str) -> str:
    """民族 by name (汉族, or 汉) or by its GB 3304 code (01–56)."""
    text = _clean(raw)
    if text in ETHNICITIES:
        return text
    if text + "族" in ETHNICITIES:
        return text + "族"
    if text.isdigit() and 1 <= int(text) <= len(ETHNICITIES):
        return ETHNICITIES[int(text) - 1]
    raise ValueError(f"民族“{raw.strip()}”无法识别（应为如“汉族”的民族名称）")


DEMOCRATIC_PARTIES = (
    "民革",
    "民盟",
    "民建",
    "民进",
    "农工党",
    "致公党",
    "九三学社",
    "台盟",
    "国民党革命委员会",
    "民主同盟",
    "民主建国会",
    "民主促进会",
    "农工民主党",
    "民主自治同盟",
    "民主党派",
)
_STATUS_WORDS: dict[str, str] = {
    "中共党员": PoliticalStatus.CPC,
    "中国共产党党员": PoliticalStatus.CPC,
    "共产党员": PoliticalStatus.CPC,
    "党员": PoliticalStatus.CPC,
    "中共": PoliticalStatus.CPC,
    "中共预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "共青团员": PoliticalStatus.CYL,
    "团员": PoliticalStatus.CYL,
    "中国共产主义青年团团员": PoliticalStatus.CYL,
    "群众": PoliticalStatus.NONE,
    "无": PoliticalStatus.NONE,
    "无党派": PoliticalStatus.NONE,
    "无党派人士": PoliticalStatus.NONE,
    "无党派民主人士": PoliticalStatus.NONE,
}
# GB/T 4762 codes: 01 中共党员, 02 预备党员, 03 共青团员, 04–11 民主党派, 12 无党派, 13 群众.
_STATUS_CODES = {
    1: PoliticalStatus.CPC,
    2: PoliticalStatus.CPC_PROBATIONARY,
    3: PoliticalStatus.CYL,
}


def parse_political_status(raw: str) -> str:
    """政治面貌 text (or GB/T 4762 code) → PoliticalStatus; "" when blank; ValueError if unknown."""
    text = _clean(raw).replace(" ", "")
    if not text:
        return ""
    if text in _STATUS_WORDS:
        return _STATUS_WORDS[text]
    if text.isdigit() and 1 <= int(text) <= 13:
        code = int(text)
        if code in _STATUS_CODES:
            return _STATUS_CODES[code]
        return PoliticalStatus.DEMOCRATIC_PARTY if code <= 11 else PoliticalStatus.NONE
    if any(p in text for p in DEMOCRATIC_PARTIES):
        return PoliticalStatus.DEMOCRATIC_PARTY
    raise ValueError(f"政治面貌“{raw.strip()}”无法识别")


def political_label(value: str) -> str:
    return PoliticalStatus(value).label if value in PoliticalStatus.values else ""


@dataclass(frozen=True)
class Party:
    """What 入党时间 says: the status, the date joining the CPC, another party named beside it."""

    status: str  # PoliticalStatus, or "" when the element is blank (nothing stated)
    join_date: date | None = None
    other: str = ""  # e.g. 民盟 in "199806；民盟"


_LEADING_DATE = re.compile(r"\d{4}[\d.\-/年月日]*")
_SEPARATORS = " ；;，,、。（）()"


def parse_party(raw: str) -> Party:
    """入党时间 is free text (lrmx.md): "199806", "1998.06", "199806；民盟", "民盟", "中共党员".

    A date means a CPC member (预备党员 if the text says so); a democratic party beside the date
    is reported in `other` (the record holds one 政治面貌); a name alone gives the status.
    """
    text = _clean(raw)
    if not text:
        return Party("")
    match = _LEADING_DATE.match(text)
    if match is None:
        return Party(parse_political_status(text.strip(_SEPARATORS)))
    joined = parse_date(match.group().rstrip(".-/"))
    rest = text[match.end() :].strip(_SEPARATORS)
    status = PoliticalStatus.CPC_PROBATIONARY if "预备" in rest else PoliticalStatus.CPC
    other = rest
    for word in ("中共预备党员", "中共党员", "预备党员", "预备", "入党"):
        other = other.replace(word, "")
    return Party(status, joined, other.strip(_SEPARATORS))


def party_text(status: str, join_date: date | None) -> str:
    """入党时间 as written on export: 200106 for a member ("200106（预备党员）" for a probationary
    one, so that it reads back the same); "民主党派" for a democratic party member (the record
    does not name which); blank otherwise (填表说明)."""
    if status in (PoliticalStatus.CPC, PoliticalStatus.CPC_PROBATIONARY):
        if not join_date:
            return political_label(status)
        probationary = status == PoliticalStatus.CPC_PROBATIONARY
        return month_code(join_date) + ("（预备党员）" if probationary else "")
    if status == PoliticalStatus.DEMOCRATIC_PARTY:
        return "民主党派"
    return ""


# --- 学历学位 -------------------------------------------------------------------------------

_LEVEL_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("博士",), EducationLevel.DOCTORATE),
    (("硕士", "研究生"), EducationLevel.MASTER),
    (("中专", "中技", "中等专业", "中等专科", "中师", "技校", "职高"), EducationLevel.SECONDARY),
    (("专科", "大专", "高职"), EducationLevel.ASSOCIATE),
    (("本科", "大学"), EducationLevel.BACHELOR),
    (("高中", "初中", "小学", "中学", "以下"), EducationLevel.HIGH_SCHOOL),
)


def parse_level(raw: str, degree: str = "") -> str:
    """学历 text → EducationLevel: 大学本科, 大学, 研究生 (博士 if the degree says so), 大专…"""
    text = _clean(raw).replace(" ", "")
    for words, level in _LEVEL_WORDS:
        if any(w in text for w in words):
            if level == EducationLevel.MASTER and "硕士" not in text and degree == Degree.DOCTOR:
                return EducationLevel.DOCTORATE
            return level
    names = "、".join(EducationLevel.labels)
    raise ValueError(f"学历“{raw.strip()}”无法识别（可用：{names}）")


def parse_degree(raw: str) -> str:
    """学位 text → Degree: 学士学位, 经济学学士, 硕士, 博士; blank or 无 → none."""
    text = _clean(raw).replace(" ", "")
    if text in ("", "无"):
        return Degree.NONE
    for word, degree in (
        ("博士", Degree.DOCTOR),
        ("硕士", Degree.MASTER),
        ("学士", Degree.BACHELOR),
    ):
        if word in text:
            return degree
    raise ValueError(f"学位“{raw.strip()}”无法识别（应为学士、硕士或博士学位）")


def degree_text(value: str) -> str:
    """学位 as written on export: 学士学位 ("" when none)."""
    if not value or value == Degree.NONE:
        return ""
    return f"{Degree(value).label}学位"


_SCHOOL_ENDS = ("大学", "学院", "党校", "学校", "研究生院", "研究院", "科学院", "分校", "电大")


def school_major_text(school: str, major: str) -> str:
    """毕业院校系及专业: 云南大学经济学专业 (as the printed form writes it)."""
    major = major.strip()
    if major and not major.endswith("专业"):
        major += "专业"
    return f"{school.strip()}{major}"


def split_school_major(raw: str) -> tuple[str, str]:
    """Undo `school_major_text`: the school ends at its last 大学/学院/党校…, the rest is the
    major without "专业". A space, when present, separates them. Unsplittable text is the school."""
    text = _clean(raw)
    if not text:
        return "", ""
    head, _, tail = text.partition(" ")
    if tail.strip():
        school, major = head, tail.strip()
    else:
        cut = max((text.rfind(end) + len(end) for end in _SCHOOL_ENDS if end in text), default=0)
        school, major = (text[:cut], text[cut:]) if cut else (text, "")
    major = major.strip()
    if major.endswith("专业"):
        major = major[:-2]
    return school.strip(), major


# --- 简历 -----------------------------------------------------------------------------------

_PERIOD = re.compile(
    r"(?P<start>\d{4}(?:[.\-/年]\d{1,2}月?|\d{2})?)\s*"
    r"(?:-{1,2}|—{1,2}|－{1,2}|~|～|至)"  # no space before the end: "2016.12--  2017年起…"
    r"(?P<end>\d{4}(?:[.\-/年]\d{1,2}月?|\d{2})?|至今|今)?"
    r"\s*(?P<text>.*)"
)
RESUME_SEPARATOR = "--"
RESUME_INDENT = " " * 18  # continuation lines hang under the text of their entry


@dataclass(frozen=True)
class ResumeLine:
    start: date
    end: date | None
    text: str


def parse_resume(raw: str) -> list[ResumeLine]:
    """简历 text → lines "1998.09--2002.07  经历". A line without a leading period continues
    the entry above (wrapped text, 其间 notes). ValueError names the first bad line."""
    lines: list[ResumeLine] = []
    breaks = r"\r\n|\r|\n|<br\s*/?>"  # some files break lines with <br> (escaped as text)
    for number, physical in enumerate(re.split(breaks, raw, flags=re.IGNORECASE), start=1):
        text = physical.translate(_FULL_WIDTH).strip()
        if not text:
            continue
        match = _PERIOD.fullmatch(text)
        if match is None:
            if not lines:
                raise ValueError(
                    f"简历第{number}行“{text[:20]}”缺少起止时间（应为如 1998.09--2002.07 经历）"
                )
            last = lines[-1]
            lines[-1] = ResumeLine(last.start, last.end, f"{last.text}\n{text}")
            continue
        start = parse_date(match["start"])
        end_raw = match["end"] or ""
        end = None if end_raw in ("", "至今", "今") else parse_date(end_raw)
        assert start is not None  # the pattern requires the start
        lines.append(ResumeLine(start, end, match["text"].strip()))
    return lines


def resume_text(lines: list[ResumeLine]) -> str:
    """The canonical 简历 block: one entry a line, CRLF, continuation lines indented."""
    out = []
    for line in lines:
        period = f"{dotted(line.start)}{RESUME_SEPARATOR}{dotted(line.end)}"
        first, *more = line.text.split("\n")
        out.append(f"{period}  {first}".rstrip())
        out.extend(RESUME_INDENT + m.strip() for m in more if m.strip())
    return "\r\n".join(out)
