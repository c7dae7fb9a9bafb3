"""`parse(data) -> ParsedPerson`: read an .lrmx (or legacy .lrm) file and check its values.

Every problem of the file is collected and refused at once as an LrmxError (nothing is written
by parsing). Doubtful but usable values become `warnings`, shown in the preview.
"""

from codecs import BOM_UTF8, BOM_UTF16_BE, BOM_UTF16_LE
from collections.abc import Callable
from datetime import date

from apps.cadres import rules
from apps.cadres.constants import Degree, EducationMode

from . import photo, values
from .legacy import read_lrm
from .person import ParsedEducation, ParsedFamilyMember, ParsedPerson, RawPerson
from .schema import FAMILY, LABELS, MAX_FILE_BYTES, NOT_STORED, LrmxError
from .xmlfile import read_lrmx

# Element → the record field it fills (`ParsedPerson.present`).
FIELD_OF = {
    "XingMing": "name",
    "XingBie": "gender",
    "ChuShengNianYue": "birth_date",
    "MinZu": "ethnicity",
    "JiGuan": "native_place",
    "ChuShengDi": "birthplace",
    "RuDangShiJian": "political_status",
    "CanJiaGongZuoShiJian": "work_start_date",
    "JianKangZhuangKuang": "health",
    "ZhuanYeJiShuZhiWu": "professional_title",
    "ShuXiZhuanYeYouHeZhuanChang": "expertise",
    "XianRenZhiWu": "current_post",
    "NiRenZhiWu": "proposed_post",
    "NiMianZhiWu": "proposed_removal",
    "JianLi": "resume",
    FAMILY: "family",
    "ShenFenZheng": "id_number",
    "ZhaoPian": "photo",
}
# Model max_length of the texts (the services do not run full_clean; PostgreSQL would refuse).
_LIMITS = {
    "XingMing": 50,
    "JiGuan": 50,
    "ChuShengDi": 50,
    "JianKangZhuangKuang": 50,
    "ZhuanYeJiShuZhiWu": 100,
    "ShuXiZhuanYeYouHeZhuanChang": 200,
    "XianRenZhiWu": 200,
    "NiRenZhiWu": 200,
    "NiMianZhiWu": 200,
}
_MODES = ((EducationMode.FULL_TIME, "QuanRiZhiJiaoYu"), (EducationMode.IN_SERVICE, "ZaiZhiJiaoYu"))


def parse(
    data: bytes, *, legacy: bool | None = None, photo_data: bytes | None = None
) -> ParsedPerson:
    """The person in an .lrmx file, or a legacy .lrm when `legacy` (sniffed when None: XML
    starts with "<"). `photo_data` is a .lrm's separate .pic photo. Raises LrmxError."""
    if len(data) > MAX_FILE_BYTES:
        raise LrmxError(
            f"文件超过{MAX_FILE_BYTES // 1024 // 1024}MB，不能导入", code="lrmx_too_large"
        )
    head = data.removeprefix(BOM_UTF8).lstrip()
    if not head:
        raise LrmxError("文件是空的", code="lrmx_empty")
    if legacy is None:
        legacy = not head.startswith((b"<", BOM_UTF16_LE, BOM_UTF16_BE))
    raw = read_lrm(data, photo_data) if legacy else read_lrmx(data)
    return interpret(raw)


class _Check:
    """Collects problems (refuse) and warnings (import, but say so)."""

    def __init__(self, raw: RawPerson) -> None:
        self.fields = raw.fields
        self.problems: list[str] = []
        self.warnings: list[str] = list(raw.warnings)

    def text(self, tag: str) -> str:
        value = self.fields.get(tag, "")
        limit = _LIMITS.get(tag)
        if limit and len(value) > limit:
            self.problems.append(f"{LABELS[tag]}超过{limit}字（现为{len(value)}字）")
        return value

    def required_date(self, tag: str) -> date | None:
        raw = self.fields.get(tag, "")
        if not raw:
            self.problems.append(f"缺少{LABELS[tag]}（{tag}）")
            return None
        try:
            return values.parse_date(raw)
        except ValueError as exc:
            self.problems.append(f"{LABELS[tag]}：{exc}")
            return None


def _code(check: _Check, tag: str, parser: Callable[[str], str], *, required: bool) -> str:
    raw = check.fields.get(tag, "")
    if not raw:
        if required:
            check.problems.append(f"缺少{LABELS[tag]}（{tag}）")
        return ""
    try:
        return parser(raw)
    except ValueError as exc:
        check.problems.append(str(exc))
        return ""


def _identity(check: _Check, birth: date | None) -> tuple[str, date | None]:
    """The id number, and the birth date made exact by it when the months agree."""
    raw = check.fields.get("ShenFenZheng", "")
    if not raw:
        return "", birth
    try:
        number, id_birth, _ = rules.parse_id_number(raw)
    except ValueError as exc:
        check.problems.append(f"身份证号：{exc}")
        return "", birth
    if birth and (birth.year, birth.month) == (id_birth.year, id_birth.month):
        birth = id_birth
    return number, birth


def _party(check: _Check) -> values.Party:
    try:
        party = values.parse_party(check.fields.get("RuDangShiJian", ""))
    except ValueError as exc:
        check.problems.append(f"入党时间：{exc}")
        return values.Party("")
    if party.other:
        check.warnings.append(
            f"入党时间另注“{party.other}”：本系统政治面貌只记一项，已按中共党员导入"
        )
    return party


def _educations(check: _Check) -> list[ParsedEducation]:
    found = []
    for mode, prefix in _MODES:
        label = EducationMode(mode).label
        level_text = check.fields.get(f"{prefix}_XueLi", "")
        degree_text = check.fields.get(f"{prefix}_XueWei", "")
        school_text = check.fields.get(f"{prefix}_XueLi_BiYeYuanXiaoXi", "") or check.fields.get(
            f"{prefix}_XueWei_BiYeYuanXiaoXi", ""
        )
        if not (level_text or degree_text or school_text):
            continue
        try:
            degree = values.parse_degree(degree_text)
        except ValueError as exc:
            check.warnings.append(f"{label}：{exc}，学位未导入")
            degree = Degree.NONE
        if not level_text:
            check.warnings.append(
                f"{label}只有学位“{degree_text}”、没有学历：本系统的学历学位须有学历，该项未导入"
            )
            continue
        try:
            level = values.parse_level(level_text, degree)
        except ValueError as exc:
            check.problems.append(f"{label}：{exc}")
            continue
        school, major = values.split_school_major(school_text)
        if len(school) > 100 or len(major) > 100:
            check.problems.append(f"{label}的毕业院校或专业超过100字")
        if not school:
            check.warnings.append(f"{label}未填写毕业院校")
        found.append(ParsedEducation(mode, level, degree, school, major))
    return found


def _resume(check: _Check) -> list[values.ResumeLine]:
    try:
        lines = values.parse_resume(check.fields.get("JianLi", ""))
    except ValueError as exc:
        check.problems.append(str(exc))
        return []
    for line in lines:
        if len(line.text) > 300:
            check.problems.append(f"简历“{values.dotted(line.start)}”一行超过300字")
    return lines


def _family(check: _Check, items: list[dict[str, str]]) -> list[ParsedFamilyMember]:
    members = []
    for number, item in enumerate(items, start=1):
        name = item.get("XingMing", "")
        if not any(item.values()):
            continue
        if not name:
            check.warnings.append(f"家庭成员第{number}项没有姓名，未导入")
            continue
        birth = None
        try:
            birth = values.parse_date(item.get("ChuShengRiQi", ""))
        except ValueError as exc:
            check.warnings.append(f"家庭成员{name}的出生日期：{exc}，未导入该日期")
        if birth is None and item.get("Age"):
            check.warnings.append(
                f"家庭成员{name}只有年龄（{item['Age']}）、没有出生年月，年龄未导入"
            )
        status = ""
        try:
            status = values.parse_political_status(item.get("ZhengZhiMianMao", ""))
        except ValueError as exc:
            check.warnings.append(f"家庭成员{name}的{exc}，未导入该项")
        relation, work = item.get("ChengWei", ""), item.get("GongZuoDanWeiJiZhiWu", "")
        if len(relation) > 20 or len(name) > 50 or len(work) > 200:
            check.problems.append(f"家庭成员{name}的称谓、姓名或工作单位及职务过长")
        members.append(ParsedFamilyMember(relation, name, birth, status, work))
    return members


def _photo(check: _Check, raw: RawPerson) -> tuple[bytes | None, str]:
    try:
        data = raw.photo
        if data is None and check.fields.get("ZhaoPian"):
            data = photo.decode_base64(check.fields["ZhaoPian"])
        return (data, photo.image_extension(data)) if data else (None, "")
    except ValueError as exc:
        check.problems.append(str(exc))
        return None, ""


def _present(raw: RawPerson) -> frozenset[str]:
    """Record fields the file states; a blank 民族 states nothing (the default is a guess)."""
    fields = {FIELD_OF[t] for t in raw.fields if t in FIELD_OF}
    if not raw.fields.get("MinZu"):
        fields.discard("ethnicity")
    return frozenset(fields | ({"photo"} if raw.photo else set()))


def interpret(raw: RawPerson) -> ParsedPerson:
    """Check and convert the elements; LrmxError lists every problem found."""
    check = _Check(raw)
    name = check.text("XingMing")
    if not name:
        check.problems.append("缺少姓名（XingMing）")
    gender = _code(check, "XingBie", values.parse_gender, required=True)
    birth = check.required_date("ChuShengNianYue")
    ethnicity = _code(check, "MinZu", values.parse_ethnicity, required=False)
    if not ethnicity and not check.fields.get("MinZu"):
        ethnicity = "汉族"
        check.warnings.append("文件未填写民族，已按“汉族”导入，请核对")
    work_start = check.required_date("CanJiaGongZuoShiJian")
    id_number, birth = _identity(check, birth)
    party = _party(check)
    person_texts = {tag: check.text(tag) for tag in _LIMITS if tag != "XingMing"}
    educations, resume = _educations(check), _resume(check)
    family = _family(check, raw.family)
    photo_bytes, photo_ext = _photo(check, raw)
    if check.problems or birth is None or work_start is None:
        raise LrmxError(check.problems or ["文件内容不完整"])
    return ParsedPerson(
        name=name,
        gender=gender,
        birth_date=birth,
        work_start_date=work_start,
        ethnicity=ethnicity,
        native_place=person_texts["JiGuan"],
        birthplace=person_texts["ChuShengDi"],
        political_status=party.status,
        party_join_date=party.join_date,
        other_party=party.other,
        health=person_texts["JianKangZhuangKuang"],
        professional_title=person_texts["ZhuanYeJiShuZhiWu"],
        expertise=person_texts["ShuXiZhuanYeYouHeZhuanChang"],
        current_post=person_texts["XianRenZhiWu"],
        proposed_post=person_texts["NiRenZhiWu"],
        proposed_removal=person_texts["NiMianZhiWu"],
        id_number=id_number,
        educations=educations,
        resume=resume,
        family=family,
        photo=photo_bytes,
        photo_ext=photo_ext,
        present=_present(raw),
        not_stored={LABELS[t]: raw.fields[t] for t in NOT_STORED if raw.fields.get(t)},
        extras=raw.extras,
        warnings=check.warnings,
        source=raw.source,
        version=raw.fields.get("Version", ""),
    )
