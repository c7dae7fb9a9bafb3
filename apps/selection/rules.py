"""Eligibility rules for a leadership post (提拔任用资格), each a pure function of the cadre's
facts, the target, the day judged and the parameters in force; each cites its rules.md id and
article. The engine (engine.py) chains them; rules_rank.py holds the 职级 ladder.

Conventions (rules.md): "N年以上" is counted in whole months from the start date (apps.core.dates:
a period of N months beginning on S is complete on add_months(S, N)); cumulative periods are
merged first, so an overlap is never counted twice.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from apps.assessment.constants import AnnualGrade
from apps.cadres.constants import (
    EDUCATION_ORDER,
    PARTY_MEMBER_STATUSES,
    EducationLevel,
    PoliticalStatus,
)
from apps.cadres.rules import age_on
from apps.core.dates import add_months
from apps.selection.constants import NegativeFlagKind, Outcome
from apps.selection.facts import GRASSROOTS_LEVELS, CadreFacts, Period
from apps.selection.periods import month_floor_reached, served_months
from apps.units.constants import TIER_ORDER, Tier, tier_is_principal


@dataclass(slots=True)
class Check:
    """One link of a verdict's chain: the rule, its article, the cadre's fact, the threshold,
    the outcome and — for a failure that time will cure — the day the cadre would pass.
    Not frozen: a frozen dataclass is five times slower to build, and a screening builds
    hundreds of thousands; treat it as read-only (change with dataclasses.replace)."""

    rule: str
    article: str
    title: str
    fact: str
    threshold: str
    outcome: str
    passes_on: date | None = None
    waivable: bool = False
    note: str = ""


# 职级 treated as the equivalent leadership tier where a rule needs "the current tier" of a cadre
# who holds a 职级 only (RANK-18-1 pairs 乡科级副职 with 三级/四级主任科员 and so on; derived).
RANK_TIER = {
    "inspector_1": Tier.BUREAU_DEPUTY,
    "inspector_2": Tier.BUREAU_DEPUTY,
    "researcher_1": Tier.DIVISION_PRINCIPAL,
    "researcher_2": Tier.DIVISION_PRINCIPAL,
    "researcher_3": Tier.DIVISION_DEPUTY,
    "researcher_4": Tier.DIVISION_DEPUTY,
    "principal_staff_1": Tier.SECTION_PRINCIPAL,
    "principal_staff_2": Tier.SECTION_PRINCIPAL,
    "principal_staff_3": Tier.SECTION_DEPUTY,
    "principal_staff_4": Tier.SECTION_DEPUTY,
}
# Django computes `.values`/`.choices` lists on every access: the hot paths use these constants.
TIERS: tuple[str, ...] = tuple(Tier.values)
TIER_LABELS: dict[str, str] = dict(Tier.choices)
GRADE_LABELS: dict[str, str] = dict(AnnualGrade.choices)
EDUCATION_LABELS: dict[str, str] = dict(EducationLevel.choices)
FLAG_LABELS: dict[str, str] = dict(NegativeFlagKind.choices)
BACHELOR: str = EducationLevel.BACHELOR.value
ASSOCIATE: str = EducationLevel.ASSOCIATE.value
DIVISION_AND_ABOVE = frozenset(t for t in TIERS if TIER_ORDER[t] <= TIER_ORDER["division_deputy"])
BUREAU_AND_ABOVE = frozenset(t for t in TIERS if TIER_ORDER[t] <= TIER_ORDER["bureau_deputy"])
BAD_GRADES = frozenset({AnnualGrade.BASICALLY_COMPETENT, AnnualGrade.INCOMPETENT})
FIT_HEALTH = frozenset({"健康", "良好", "一般", "较好"})
TENURE_RULE = "ELG-8-3"
# The qualifications a 破格 record may waive (ELG-9-2); never ELG-8-6 (党龄 …) nor the negative
# list (ELG-9-3: 不得突破第八条第(六)(七)项; ELG-24-1 is not a qualification).
WAIVABLE_RULES = frozenset({"ELG-8-1", "ELG-8-2", "ELG-8-3", "ELG-8-4", "ELG-9-1"})
PROBATIONARY_MONTHS = 12  # 党章 第七条: 预备期为一年
# Every recorded flag blocks a leadership promotion: 涉嫌违纪违法正在接受审查调查 is named by
# ELG-24-2(3) for 职级 and falls under ELG-24-1(7) (其他原因不宜提拔) for a post (derived).
BLOCKING_FLAGS = frozenset(NegativeFlagKind.values)
RANK_BLOCKING_FLAGS = frozenset({NegativeFlagKind.UNDER_INVESTIGATION.value})


def iso(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def _tier_label(tier: str) -> str:
    return TIER_LABELS.get(tier, "无领导职务")


def level_of(tier: str) -> int:
    """0 = 省部级 … 3 = 乡科级."""
    return TIER_ORDER[tier] // 2


def effective_tier(facts: CadreFacts) -> str:
    """The cadre's current leadership tier, else the tier equivalent to their 职级, else ""."""
    return facts.tier or RANK_TIER.get(facts.rank, "")


def _duration_check(
    *,
    rule: str,
    article: str,
    title: str,
    periods: tuple[Period, ...],
    on: date,
    years: int,
    waivable: bool = True,
) -> Check:
    need = years * 12
    have = served_months(periods, on)
    ok = have >= need
    fact = f"{have // 12}年{have % 12}个月"
    return Check(
        rule=rule,
        article=article,
        title=title,
        fact=fact,
        threshold=f"{years}年以上",
        outcome=Outcome.PASS if ok else Outcome.FAIL,
        passes_on=None if ok else month_floor_reached(periods, on, need),
        waivable=waivable,
    )


# --- ELG-8: basic qualifications ---------------------------------------------------------------

ART_8 = "《党政领导干部选拔任用工作条例》第八条"


def work_years(facts: CadreFacts, target: str, on: date, years: int) -> Check:
    """ELG-8-1 — 条例 第八条第(一)项: 提任县处级领导职务的，应当具有5年以上工龄."""
    if target not in DIVISION_AND_ABOVE:
        return not_applicable("ELG-8-1", f"{ART_8}第（一）项", "工龄", "提任乡科级领导职务不作要求")
    if facts.work_start_date is None:
        return Check(
            "ELG-8-1",
            f"{ART_8}第（一）项",
            "工龄",
            "参加工作时间未录入",
            f"{years}年以上",
            Outcome.UNKNOWN,
        )
    periods = (Period(facts.work_start_date, None),)
    return _duration_check(
        rule="ELG-8-1",
        article=f"{ART_8}第（一）项",
        title="工龄",
        periods=periods,
        on=on,
        years=years,
    )


def grassroots_years(facts: CadreFacts, target: str, on: date, years: int) -> Check:
    """ELG-8-1 — 条例 第八条第(一)项: 提任县处级领导职务的，应当具有2年以上基层工作经历.
    Counted: posts in county and township units, and frontline service the organization
    department counts as grassroots (FRONT-4)."""
    if target not in DIVISION_AND_ABOVE:
        return not_applicable(
            "ELG-8-1", f"{ART_8}第（一）项", "基层工作经历", "提任乡科级领导职务不作要求"
        )
    periods = tuple(p for p in facts.posts if p.unit_level in GRASSROOTS_LEVELS)
    return _duration_check(
        rule="ELG-8-1",
        article=f"{ART_8}第（一）项",
        title="基层工作经历",
        periods=periods + facts.grassroots,
        on=on,
        years=years,
    )


def lower_posts(facts: CadreFacts, target: str, on: date, minimum: int) -> Check:
    """ELG-8-2 — 条例 第八条第(二)项: 提任县处级以上领导职务的，一般应当具有在下一级两个以上
    职位任职的经历. "一般": a shortfall is a warning, not a failure."""
    title = "下一级两个以上职位任职经历"
    article = f"{ART_8}第（二）项"
    if target not in DIVISION_AND_ABOVE:
        return not_applicable("ELG-8-2", article, title, "提任乡科级领导职务不作要求")
    lower = level_of(target) + 1
    held = {p.post_id for p in facts.posts if p.start <= on and level_of(p.tier) == lower}
    ok = len(held) >= minimum
    return Check(
        "ELG-8-2",
        article,
        title,
        f"{len(held)}个",
        f"{minimum}个以上",
        Outcome.PASS if ok else Outcome.WARN,
        waivable=True,
        note="" if ok else "“一般应当”：不足时须说明理由",
    )


def tenure(facts: CadreFacts, target: str, on: date, deputy_years: int, lower_years: int) -> Check:
    """ELG-8-3 — 条例 第八条第(三)项: 由副职提任正职的，应当在副职岗位工作2年以上；由下级
    正职提任上级副职的，应当在下级正职岗位工作3年以上 (县处级以上)."""
    article = f"{ART_8}第（三）项"
    if target not in DIVISION_AND_ABOVE:
        return not_applicable("ELG-8-3", article, "任职年限", "提任乡科级领导职务不作要求")
    # The tier just below the target: the same level's deputy, or the lower level's principal.
    source = TIERS[TIER_ORDER[target] + 1]
    years = deputy_years if tier_is_principal(target) else lower_years
    periods: tuple[Period, ...] = tuple(p for p in facts.posts if p.tier == source)
    periods += tuple(r for r in facts.ranks if RANK_TIER.get(r.rank) == source)
    return _duration_check(
        rule="ELG-8-3",
        article=article,
        title=f"任{_tier_label(source)}年限",
        periods=periods,
        on=on,
        years=years,
    )


def education(facts: CadreFacts, target: str) -> Check:
    """ELG-8-4 — 条例 第八条第(四)项: 一般应当具有大学专科以上文化程度，其中厅局级以上领导干部
    一般应当具有大学本科以上文化程度."""
    need = BACHELOR if target in BUREAU_AND_ABOVE else ASSOCIATE
    threshold = f"{EDUCATION_LABELS[need]}以上"
    have = facts.highest_education
    if not have:
        return Check(
            "ELG-8-4",
            f"{ART_8}第（四）项",
            "学历",
            "学历未录入",
            threshold,
            Outcome.UNKNOWN,
            waivable=True,
        )
    ok = EDUCATION_ORDER[have] <= EDUCATION_ORDER[need]
    return Check(
        "ELG-8-4",
        f"{ART_8}第（四）项",
        "学历",
        EDUCATION_LABELS.get(have, have),
        threshold,
        Outcome.PASS if ok else Outcome.FAIL,
        waivable=True,
    )


def training(facts: CadreFacts, target: str, hours_senior: int, hours_junior: int) -> Check:
    """ELG-8-5 — 条例 第八条第(五)项 and 培训条例(2023) 第十四条 (TRN-14-1/2): the training hours
    of the last 5 years (县处级以上, 550) or year (乡科级, 90); a shortfall may be made up within a
    year after the promotion (TRN-14-3), so it is a warning, never a block."""
    article = f"{ART_8}第（五）项；《干部教育培训工作条例》第十四条"
    need = hours_senior if target in DIVISION_AND_ABOVE else hours_junior
    window = "近5年" if target in DIVISION_AND_ABOVE else "本年度"
    if facts.training_hours is None:
        return Check(
            "ELG-8-5",
            article,
            "教育培训学时",
            "尚无培训学时记录",
            f"{window}{need}学时",
            Outcome.UNKNOWN,
            note="未达到的应当在提任后1年内完成",
        )
    ok = facts.training_hours >= need
    return Check(
        "ELG-8-5",
        article,
        "教育培训学时",
        f"{facts.training_hours:.1f}学时",
        f"{window}{need}学时",
        Outcome.PASS if ok else Outcome.WARN,
        note="" if ok else "未达到的应当在提任后1年内完成",
    )


def health(facts: CadreFacts) -> Check:
    """ELG-8-6 — 条例 第八条第(六)项: 具有正常履行职责的身体条件. A recorded condition other
    than the usual wording is for the officers to review, not a block."""
    text = facts.health.strip()
    ok = text in FIT_HEALTH
    return Check(
        "ELG-8-6",
        f"{ART_8}第（六）项",
        "身体条件",
        text or "未录入",
        "能够正常履行职责",
        Outcome.PASS if ok else Outcome.WARN,
        note="" if ok else "请核实身体条件",
    )


def party_age(facts: CadreFacts, target: str, on: date, years: int, party_post: bool) -> Check:
    """ELG-8-6 — 条例 第八条第(七)项: 提任党的领导职务的，还应当符合党章等规定的党龄要求
    (years per tier UNVERIFIED: a parameter). 党章 第七条: 党员的党龄，从预备期满转为正式党员之日
    算起; `party_join_date` is the 入党时间 of the 任免审批表 (admission as a probationary member),
    so the standing counts from its first anniversary (an extended probation is for the officers
    to check). ELG-9-3: 破格 never waives it."""
    article = f"{ART_8}第（七）项；《中国共产党章程》第七条"
    title = "党龄"
    if not party_post or years == 0:
        return not_applicable(
            "ELG-8-6", article, title, "非党的领导职务" if not party_post else "未设要求"
        )
    need = f"{years}年以上党龄"
    if facts.political_status not in PARTY_MEMBER_STATUSES:
        return Check("ELG-8-6", article, title, "非中共党员", need, Outcome.FAIL)
    if facts.political_status == PoliticalStatus.CPC_PROBATIONARY:
        return Check(
            "ELG-8-6",
            article,
            title,
            "中共预备党员（尚无党龄）",
            need,
            Outcome.FAIL,
            note="党龄自转为正式党员之日起算",
        )
    if facts.party_join_date is None:
        return Check("ELG-8-6", article, title, "入党时间未录入", need, Outcome.UNKNOWN)
    full_member = add_months(facts.party_join_date, PROBATIONARY_MONTHS)
    check = _duration_check(
        rule="ELG-8-6",
        article=article,
        title=title,
        periods=(Period(full_member, None),),
        on=on,
        years=years,
        waivable=False,
    )
    return replace(
        check, note=f"自{full_member.isoformat()}（入党满1年转正）起算；预备期延长的请核实"
    )


def age_limit(facts: CadreFacts, target: str, on: date, max_age: int) -> Check:
    """Local age limits for a tier (configured; 0 = none). Time never cures it."""
    if max_age == 0:
        return not_applicable("AGE-LOCAL", "本地规定", "年龄", "未设年龄上限")
    age = age_on(facts.birth_date, on)
    ok = age <= max_age
    return Check(
        "AGE-LOCAL",
        "本地规定",
        "年龄",
        f"{age}周岁",
        f"不超过{max_age}周岁",
        Outcome.PASS if ok else Outcome.FAIL,
    )


# --- ELG-9: step by step, exceptional promotion ------------------------------------------------


def step(facts: CadreFacts, target: str) -> Check:
    """ELG-9-1 — 条例 第九条: 应当逐级提拔; 越级提拔 (one tier skipped at most) only as an
    exceptional promotion (waivable by a 破格 record naming ELG-9-1); ELG-9-3: 不得越两级提拔.
    A cadre with neither a leadership tier nor a 职级 of 主任科员 or above stands one step below
    乡科级副职."""
    article = "《党政领导干部选拔任用工作条例》第九条"
    current = effective_tier(facts)
    gap = TIER_ORDER.get(current, len(TIERS)) - TIER_ORDER[target]
    fact = _tier_label(current)
    if gap <= 0:
        return Check(
            "ELG-9-1",
            article,
            "逐级提拔",
            fact,
            f"低于{_tier_label(target)}",
            Outcome.NOT_APPLICABLE,
            note="拟任职务不高于现任职务（平职交流或进一步使用）",
        )
    if gap == 1:
        return Check("ELG-9-1", article, "逐级提拔", fact, "逐级", Outcome.PASS)
    if gap == 2:
        return Check(
            "ELG-9-1",
            article,
            "逐级提拔",
            fact,
            "逐级",
            Outcome.FAIL,
            waivable=True,
            note="越级提拔须作为破格提拔研究决定",
        )
    return Check(
        "ELG-9-1", article, "逐级提拔", fact, "逐级", Outcome.FAIL, note="不得越两级提拔（ELG-9-3）"
    )


def exceptional_limits(
    facts: CadreFacts,
    target: str,
    on: date,
    months_since_promotion: int,
    waived: frozenset[str] = frozenset(),
) -> list[Check]:
    """ELG-9-3 — 条例 第十一条 (2014: 第九条第四款): 任职试用期未满或者提拔任职不满1年的，不得
    破格提拔；不得在任职年限上连续破格 (the rules `waived` now against those waived at the last
    promotion); no skipping two levels (see `step`). Only judged when a waiver is used."""
    article = "《党政领导干部选拔任用工作条例》第十一条"
    checks = []
    in_probation = facts.probation_until is not None and facts.probation_until >= on
    checks.append(
        Check(
            "ELG-9-3",
            article,
            "破格：试用期",
            "试用期未满" if in_probation else "不在试用期",
            "试用期满",
            Outcome.FAIL if in_probation else Outcome.PASS,
            passes_on=facts.probation_until + timedelta(days=1)
            if in_probation and facts.probation_until
            else None,
        )
    )
    if TENURE_RULE in waived and TENURE_RULE in facts.last_promotion_waived:
        checks.append(
            Check(
                "ELG-9-3",
                article,
                "破格：任职年限不得连续破格",
                "上次提拔已在任职年限上破格",
                "不得连续破格",
                Outcome.FAIL,
            )
        )
    if facts.last_promotion is not None:
        ready = add_months(facts.last_promotion, months_since_promotion)
        ok = ready <= on
        checks.append(
            Check(
                "ELG-9-3",
                article,
                "破格：提拔任职满1年",
                f"上次提拔 {iso(facts.last_promotion)}",
                f"满{months_since_promotion}个月",
                Outcome.PASS if ok else Outcome.FAIL,
                passes_on=None if ok else ready,
            )
        )
    return checks


def not_applicable(rule: str, article: str, title: str, note: str) -> Check:
    return Check(rule, article, title, "—", "—", Outcome.NOT_APPLICABLE, note=note)
