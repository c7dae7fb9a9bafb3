"""ELG-24-1 / ELG-24-2: the negative list — facts that keep a cadre from being considered
(annual grades, influence periods, recorded flags) — and TOL-5, the tolerated mistakes that must
not count against them. Pure functions, chained by engine.py like rules.py's."""

from datetime import date, timedelta

from apps.assessment.constants import AnnualGrade
from apps.selection.constants import Outcome
from apps.selection.facts import CadreFacts
from apps.selection.rules import (
    BAD_GRADES,
    FLAG_LABELS,
    GRADE_LABELS,
    Check,
    iso,
    not_applicable,
)

ART_24 = "《党政领导干部选拔任用工作条例》第二十四条"


def last_year_grades(facts: CadreFacts, on: date, years: int) -> Check:
    """ELG-24-1(3) — 条例 第二十四条第(三)项: 上一年年度考核结果为基本称职以下等次的，不得列为
    考察对象 (localities may look further back: `years`)."""
    wanted = list(range(on.year - years, on.year))
    missing = [y for y in wanted if y not in facts.grades]
    bad = [y for y in wanted if facts.grades.get(y) in BAD_GRADES]
    ungraded = [y for y in wanted if facts.grades.get(y) == AnnualGrade.NOT_GRADED]
    shown = "、".join(f"{y}年{GRADE_LABELS[facts.grades[y]]}" for y in wanted if y in facts.grades)
    threshold = "上一年度称职以上" if years == 1 else f"近{years}年称职以上"
    if bad:
        return Check("ELG-24-1", f"{ART_24}第（三）项", "年度考核", shown, threshold, Outcome.FAIL)
    if ungraded:
        return Check(
            "ELG-24-1",
            f"{ART_24}第（三）项",
            "年度考核",
            shown,
            threshold,
            Outcome.WARN,
            note="不定等次：请核实原因",
        )
    if missing:
        return Check(
            "ELG-24-1",
            f"{ART_24}第（三）项",
            "年度考核",
            shown or "、".join(f"{y}年无结果" for y in missing),
            threshold,
            Outcome.UNKNOWN,
            note="年度考核结果尚未提交，请核实",
        )
    return Check("ELG-24-1", f"{ART_24}第（三）项", "年度考核", shown, threshold, Outcome.PASS)


def influence(facts: CadreFacts, on: date, rule: str = "ELG-24-1", item: str = "（六）") -> Check:
    """ELG-24-1(6) — 条例 第二十四条第(六)项 (and ELG-24-2(2), 并行规定 第二十一条): 受到诫勉、
    组织处理或者党纪政务处分等影响期未满的，不得列为考察对象 / 不得晋升职级. The period comes
    from the tolerance pillar (DIS-CALC-1); the kind of sanction is not shown here."""
    article = (
        f"{ART_24}第{item}项" if rule == "ELG-24-1" else "《公务员职务与职级并行规定》第二十一条"
    )
    if not facts.influence:
        return Check(rule, article, "处分/诫勉影响期", "不在影响期内", "不在影响期内", Outcome.PASS)
    until = facts.influence_until
    fact = f"影响期至{iso(until)}" if until else "影响期内（无固定期满日）"
    return Check(
        rule,
        article,
        "处分/诫勉影响期",
        fact,
        "不在影响期内",
        Outcome.FAIL,
        passes_on=until + timedelta(days=1) if until else None,
    )


def flags(
    facts: CadreFacts, on: date, kinds: frozenset[str], rule: str, article: str
) -> list[Check]:
    """Recorded negative facts in force on `on` (ELG-24-1 items (1)(2)(4)(5)(7); ELG-24-2(3)).
    A flag ending on a known day passes the day after."""
    checks = []
    for flag in facts.flags:
        if flag.kind not in kinds or flag.start > on or (flag.end and flag.end < on):
            continue
        label = FLAG_LABELS.get(flag.kind, flag.kind)
        if flag.exempt:
            checks.append(
                Check(
                    rule,
                    article,
                    label,
                    "特殊岗位需要",
                    "无此情形",
                    Outcome.WARN,
                    note="按特殊岗位需要不作限制",
                )
            )
            continue
        checks.append(
            Check(
                rule,
                article,
                label,
                f"自{iso(flag.start)}起",
                "无此情形",
                Outcome.FAIL,
                passes_on=flag.end + timedelta(days=1) if flag.end else None,
            )
        )
    return checks


def tolerated(facts: CadreFacts) -> Check:
    """TOL-5 (激励意见; 各地容错纠错办法): a mistake found tolerable is not held against the cadre
    in promotion. Shown so that nobody mistakes it for a blocker."""
    if not facts.tolerated:
        return not_applicable("TOL-5", "容错纠错办法（TOL-5）", "容错免责事项", "无")
    return Check(
        "TOL-5",
        "容错纠错办法（TOL-5）",
        "容错免责事项",
        f"{facts.tolerated}项",
        "不作为影响提拔的依据",
        Outcome.PASS,
    )
