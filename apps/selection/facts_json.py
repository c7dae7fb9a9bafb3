"""Cadre facts as JSON and back (issue 8 item 8): auditors and other systems give the facts of a
cadre by hand — no cadre data is read — and get the engine's verdict chain for them.

The JSON mirrors `CadreFacts` (docs/user/selection_rules.md shows an example). Dates are
"YYYY-MM-DD"; code values are those of the system (tier "division_deputy", grade "competent"…).
Periods: posts and ranks end on their 免职/终止 day (`end`, not served; null = still held); the
frontline periods counted as grassroots end on their last day served, as the frontline records do.
Every refusal is a DomainError whose message names the field in Chinese ("posts[0].start（任职时间）
…"); `fields` maps the field path to that message.
"""

from collections.abc import Callable, Mapping
from dataclasses import fields, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from apps.assessment.constants import AnnualGrade
from apps.cadres.constants import EducationLevel, PoliticalStatus, RankGrade
from apps.core.exceptions import DomainError
from apps.selection.constants import MeritGround, NegativeFlagKind
from apps.selection.facts import (
    CadreFacts,
    FlagFact,
    Period,
    PostPeriod,
    RankPeriod,
    Waiver,
)
from apps.selection.rules import WAIVABLE_RULES
from apps.units.constants import Tier, UnitLevel

LABELS = {
    "cadre_id": "干部编号",
    "name": "姓名",
    "birth_date": "出生日期",
    "work_start_date": "参加工作时间",
    "party_join_date": "入党时间",
    "political_status": "政治面貌",
    "health": "健康状况",
    "highest_education": "最高学历",
    "tier": "现职务层次",
    "rank": "现职级",
    "posts": "任职经历",
    "ranks": "职级经历",
    "grassroots": "计入基层工作经历的一线经历",
    "frontline_months": "一线经历（月）",
    "frontline_qualifies": "一线经历是否达到要求",
    "grades": "年度考核结果",
    "influence": "是否在处分/诫勉影响期内",
    "influence_until": "影响期截止日期",
    "flags": "负面情形",
    "tolerated": "容错免责事项数",
    "training_hours": "培训学时",
    "last_promotion": "上次提拔日期",
    "last_promotion_waived": "上次提拔破格突破的资格条件",
    "probation_until": "试用期满日期",
    "waivers": "破格提拔依据",
    "start": "起始日期",
    "end": "截止日期",
    "unit_level": "单位层级",
    "post_id": "职务编号",
    "kind": "情形",
    "exempt": "特殊岗位需要",
    "id": "编号",
    "target_tier": "拟任职务层次",
    "rules": "突破的资格条件",
    "ground": "破格情形",
    "explanation": "具体情形和理由",
    "approved_on": "研究决定日期",
}
KNOWN = frozenset(f.name for f in fields(CadreFacts))
POST_KEYS = frozenset({"start", "end", "tier", "unit_level", "post_id"})
RANK_KEYS = frozenset({"start", "end", "rank"})
PERIOD_KEYS = frozenset({"start", "end"})
FLAG_KEYS = frozenset({"kind", "start", "end", "exempt"})
WAIVER_KEYS = frozenset({"id", "target_tier", "rules", "ground", "explanation", "approved_on"})
MAX_ITEMS = 200


def _label(path: str) -> str:
    """The Chinese label of the innermost named part: posts[0].start → 起始日期,
    grades.2025 → 年度考核结果."""
    for part in reversed(path.split(".")):
        label = LABELS.get(part.split("[", 1)[0])
        if label:
            return label
    return ""


def _fail(path: str, problem: str) -> DomainError:
    label = _label(path)
    message = f"{path}（{label}）：{problem}" if label else f"{path}：{problem}"
    return DomainError(message, code="invalid_facts", fields={path: message})


def _date(value: Any, path: str, *, required: bool = False) -> date | None:
    if value is None or value == "":
        if required:
            raise _fail(path, "不能为空")
        return None
    if not isinstance(value, str):
        raise _fail(path, "应为 YYYY-MM-DD 格式的日期")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(path, "日期格式无效（应为 YYYY-MM-DD 格式的有效日期）") from None


def _required_date(value: Any, path: str) -> date:
    day = _date(value, path, required=True)
    assert day is not None
    return day


def _choice(value: Any, path: str, choices: Mapping[str, str], *, blank: bool = True) -> str:
    if value is None or value == "":
        if blank:
            return ""
        raise _fail(path, "不能为空")
    if not isinstance(value, str) or value not in choices:
        options = "、".join(f"{label}（{code}）" for code, label in choices.items())
        raise _fail(path, f"取值无效，可选：{options}")
    return value


def _bool(value: Any, path: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _fail(path, "应为 true 或 false")
    return value


def _int(value: Any, path: str, *, minimum: int = 0) -> int:
    if value is None:
        return minimum
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, "应为整数")
    if value < minimum:
        raise _fail(path, f"不能小于{minimum}")
    return value


def _decimal(value: Any, path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _fail(path, "应为数字")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _fail(path, "应为数字") from None
    if not number.is_finite() or number < 0:
        raise _fail(path, "应为不小于0的数字")
    return number


def _text(value: Any, path: str, default: str = "", max_length: int = 500) -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        raise _fail(path, "应为文本")
    if len(value) > max_length:
        raise _fail(path, f"长度不能超过{max_length}个字符")
    return value


def _object(value: Any, path: str, keys: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, "应为 JSON 对象")
    extra = sorted(set(value) - keys)
    if extra:
        raise _fail(f"{path}.{extra[0]}", "不支持的字段")
    return value


def _items[T](data: dict[str, Any], key: str, parse: Callable[[Any, str], T]) -> tuple[T, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _fail(key, "应为列表")
    if len(value) > MAX_ITEMS:
        raise _fail(key, f"最多{MAX_ITEMS}项")
    return tuple(parse(item, f"{key}[{i}]") for i, item in enumerate(value))


def _span(item: dict[str, Any], path: str) -> tuple[date, date | None]:
    start = _required_date(item.get("start"), f"{path}.start")
    end = _date(item.get("end"), f"{path}.end")
    if end is not None and end < start:
        raise _fail(f"{path}.end", "不能早于起始日期")
    return start, end


TIERS = dict(Tier.choices)
RANKS = dict(RankGrade.choices)
LEVELS = dict(UnitLevel.choices)
GRADES = dict(AnnualGrade.choices)
STATUSES = dict(PoliticalStatus.choices)
EDUCATIONS = dict(EducationLevel.choices)
FLAG_KINDS = dict(NegativeFlagKind.choices)
GROUNDS = dict(MeritGround.choices)


def _post(value: Any, path: str) -> PostPeriod:
    item = _object(value, path, POST_KEYS)
    start, end = _span(item, path)
    tier = _choice(item.get("tier"), f"{path}.tier", TIERS, blank=False)
    level = _choice(item.get("unit_level"), f"{path}.unit_level", LEVELS)
    return PostPeriod(start, end, tier, _int(item.get("post_id"), f"{path}.post_id"), level)


def _rank(value: Any, path: str) -> RankPeriod:
    item = _object(value, path, RANK_KEYS)
    start, end = _span(item, path)
    return RankPeriod(start, end, _choice(item.get("rank"), f"{path}.rank", RANKS, blank=False))


def _grassroots(value: Any, path: str) -> Period:
    item = _object(value, path, PERIOD_KEYS)
    start, last = _span(item, path)  # the last day served, as the frontline records
    return Period(start, None if last is None else last + timedelta(days=1))


def _flag(value: Any, path: str) -> FlagFact:
    item = _object(value, path, FLAG_KEYS)
    start, end = _span(item, path)
    kind = _choice(item.get("kind"), f"{path}.kind", FLAG_KINDS, blank=False)
    return FlagFact(kind, start, end, _bool(item.get("exempt"), f"{path}.exempt"))


def _rules(value: Any, path: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
        raise _fail(path, "应为规则编号的列表")
    unknown = sorted(set(value) - WAIVABLE_RULES)
    if unknown:
        allowed = "、".join(sorted(WAIVABLE_RULES))
        raise _fail(path, f"“{unknown[0]}”不能破格突破，可选：{allowed}")
    return frozenset(value)


def _waiver(value: Any, path: str) -> Waiver:
    item = _object(value, path, WAIVER_KEYS)
    return Waiver(
        id=_int(item.get("id"), f"{path}.id"),
        target_tier=_choice(item.get("target_tier"), f"{path}.target_tier", TIERS, blank=False),
        rules=_rules(item.get("rules"), f"{path}.rules"),
        ground=_choice(item.get("ground"), f"{path}.ground", GROUNDS, blank=False),
        explanation=_text(item.get("explanation"), f"{path}.explanation", max_length=2000),
        approved_on=_required_date(item.get("approved_on"), f"{path}.approved_on"),
    )


def _grades(value: Any) -> dict[int, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail("grades", '应为 JSON 对象，如 {"2025": "competent"}')
    grades: dict[int, str] = {}
    for year, grade in value.items():
        path = f"grades.{year}"
        if not (isinstance(year, str) and year.isdigit() and 1950 <= int(year) <= 2100):
            raise _fail(path, "年度应为四位数字")
        grades[int(year)] = _choice(grade, path, GRADES, blank=False)
    return grades


def _numbered(posts: tuple[PostPeriod, ...]) -> tuple[PostPeriod, ...]:
    """Posts given without an id are distinct posts (ELG-8-2 counts posts): -1, -2, …"""
    return tuple(p if p.post_id else replace(p, post_id=-i) for i, p in enumerate(posts, 1))


def facts_from_json(data: Any) -> CadreFacts:
    """The facts given as JSON (a dict), validated; raises DomainError naming the field."""
    if not isinstance(data, dict):
        raise DomainError("干部情况应为 JSON 对象", code="invalid_facts")
    extra = sorted(set(data) - KNOWN)
    if extra:
        raise _fail(extra[0], "不支持的字段")
    influence_until = _date(data.get("influence_until"), "influence_until")
    training = data.get("training_hours")
    return CadreFacts(
        cadre_id=_int(data.get("cadre_id"), "cadre_id"),
        name=_text(data.get("name"), "name", max_length=50),
        birth_date=_required_date(data.get("birth_date"), "birth_date"),
        work_start_date=_date(data.get("work_start_date"), "work_start_date"),
        party_join_date=_date(data.get("party_join_date"), "party_join_date"),
        political_status=_choice(data.get("political_status"), "political_status", STATUSES)
        or PoliticalStatus.NONE,
        health=_text(data.get("health"), "health", default="健康", max_length=50),
        highest_education=_choice(data.get("highest_education"), "highest_education", EDUCATIONS),
        tier=_choice(data.get("tier"), "tier", TIERS),
        rank=_choice(data.get("rank"), "rank", RANKS),
        posts=_numbered(_items(data, "posts", _post)),
        ranks=_items(data, "ranks", _rank),
        grassroots=_items(data, "grassroots", _grassroots),
        frontline_months=_decimal(data.get("frontline_months") or 0, "frontline_months"),
        frontline_qualifies=_bool(data.get("frontline_qualifies"), "frontline_qualifies"),
        grades=_grades(data.get("grades")),
        influence=_bool(data.get("influence"), "influence") or influence_until is not None,
        influence_until=influence_until,
        flags=_items(data, "flags", _flag),
        tolerated=_int(data.get("tolerated"), "tolerated"),
        training_hours=None if training is None else _decimal(training, "training_hours"),
        last_promotion=_date(data.get("last_promotion"), "last_promotion"),
        probation_until=_date(data.get("probation_until"), "probation_until"),
        waivers=_items(data, "waivers", _waiver),
        last_promotion_waived=_rules(data.get("last_promotion_waived"), "last_promotion_waived"),
    )


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def facts_to_json(facts: CadreFacts) -> dict[str, Any]:
    """The JSON `facts_from_json` reads back to equal facts (post ids kept)."""
    return {
        "cadre_id": facts.cadre_id,
        "name": facts.name,
        "birth_date": facts.birth_date.isoformat(),
        "work_start_date": _iso(facts.work_start_date),
        "party_join_date": _iso(facts.party_join_date),
        "political_status": facts.political_status,
        "health": facts.health,
        "highest_education": facts.highest_education,
        "tier": facts.tier,
        "rank": facts.rank,
        "posts": [
            {
                "start": p.start.isoformat(),
                "end": _iso(p.end),
                "tier": p.tier,
                "unit_level": p.unit_level or "",
                "post_id": p.post_id,
            }
            for p in facts.posts
        ],
        "ranks": [
            {"start": r.start.isoformat(), "end": _iso(r.end), "rank": r.rank} for r in facts.ranks
        ],
        "grassroots": [
            {
                "start": g.start.isoformat(),
                "end": _iso(None if g.end is None else g.end - timedelta(days=1)),
            }
            for g in facts.grassroots
        ],
        "frontline_months": str(facts.frontline_months),
        "frontline_qualifies": facts.frontline_qualifies,
        "grades": {str(y): g for y, g in sorted(facts.grades.items())},
        "influence": facts.influence,
        "influence_until": _iso(facts.influence_until),
        "flags": [
            {"kind": f.kind, "start": f.start.isoformat(), "end": _iso(f.end), "exempt": f.exempt}
            for f in facts.flags
        ],
        "tolerated": facts.tolerated,
        "training_hours": None if facts.training_hours is None else str(facts.training_hours),
        "last_promotion": _iso(facts.last_promotion),
        "last_promotion_waived": sorted(facts.last_promotion_waived),
        "probation_until": _iso(facts.probation_until),
        "waivers": [
            {
                "id": w.id,
                "target_tier": w.target_tier,
                "rules": sorted(w.rules),
                "ground": w.ground,
                "explanation": w.explanation,
                "approved_on": w.approved_on.isoformat(),
            }
            for w in facts.waivers
        ],
    }
