"""Rule parameters of the selection pillar (rules.md sections A–C), overridable per locality
from a date on (apps/core/rulesets.py; page: 规则参数). The engine stores the values it used
with each verdict."""

from apps.cadres.constants import RankGrade
from apps.core.rulesets import ParamSpec, declare
from apps.units.constants import Tier

MIN_WORK_YEARS = declare(
    ParamSpec(
        "selection.min_work_years",
        "提任县处级领导职务的最低工龄",
        5,
        "ELG-8-1",
        "VERIFIED-OLD",
        "年",
        0,
        20,
    )
)
MIN_GRASSROOTS_YEARS = declare(
    ParamSpec(
        "selection.min_grassroots_years",
        "提任县处级领导职务的最低基层工作经历",
        2,
        "ELG-8-1",
        "VERIFIED-OLD",
        "年",
        0,
        10,
    )
)
MIN_LOWER_POSTS = declare(
    ParamSpec(
        "selection.min_lower_posts",
        "下一级职位任职经历（个）",
        2,
        "ELG-8-2",
        "VERIFIED-OLD",
        "个",
        0,
        5,
    )
)
DEPUTY_TO_PRINCIPAL_YEARS = declare(
    ParamSpec(
        "selection.deputy_to_principal_years",
        "副职提任正职须在副职岗位工作",
        2,
        "ELG-8-3",
        "VERIFIED-OLD",
        "年",
        0,
        10,
    )
)
LOWER_PRINCIPAL_YEARS = declare(
    ParamSpec(
        "selection.lower_principal_to_upper_deputy_years",
        "下级正职提任上级副职须在下级正职岗位工作",
        3,
        "ELG-8-3",
        "VERIFIED-OLD",
        "年",
        0,
        10,
    )
)
RECENT_COMPETENT_YEARS = declare(
    ParamSpec(
        "selection.recent_competent_years",
        "须称职以上的最近年度考核（年数；国家规定为上一年）",
        1,
        "ELG-24-1",
        "VERIFIED",
        "年",
        1,
        5,
    )
)
POUGE_MONTHS_SINCE_PROMOTION = declare(
    ParamSpec(
        "selection.pouge_min_months_since_promotion",
        "提拔任职不满多少个月不得破格",
        12,
        "ELG-9-3",
        "VERIFIED-OLD",
        "个月",
        0,
        60,
    )
)
TRAINING_HOURS_SENIOR = declare(
    ParamSpec(
        "selection.training_hours_senior_5y",
        "县处级以上每5年脱产培训学时",
        550,
        "TRN-14-1",
        "VERIFIED",
        "学时",
        0,
        2000,
    )
)
TRAINING_HOURS_JUNIOR = declare(
    ParamSpec(
        "selection.training_hours_junior_year",
        "乡科级及以下每年集中培训学时",
        90,
        "TRN-14-2",
        "VERIFIED",
        "学时",
        0,
        500,
    )
)
PUBLICITY_DAYS = declare(
    ParamSpec(
        "selection.publicity_min_working_days",
        "任前公示期（工作日）",
        5,
        "SEL-42-1",
        "VERIFIED-OLD",
        "个工作日",
        5,
        30,
    )
)
RANK_PUBLICITY_DAYS = declare(
    ParamSpec(
        "selection.rank_publicity_min_working_days",
        "职级晋升公示期（工作日）",
        5,
        "SEL-20-1",
        "VERIFIED",
        "个工作日",
        5,
        30,
    )
)
PROBATION_MONTHS = declare(
    ParamSpec(
        "selection.probation_months", "任职试用期", 12, "SEL-43-1", "VERIFIED-OLD", "个月", 6, 24
    )
)
PROBATION_REMINDER_DAYS = declare(
    ParamSpec(
        "selection.probation_reminder_days",
        "试用期满提醒提前天数",
        30,
        "LOCAL",
        "LOCAL",
        "天",
        1,
        180,
    )
)
EXCELLENT_REDUCTION_MONTHS = declare(
    ParamSpec(
        "selection.rank_excellent_reduction_months",
        "每个优秀年度缩短职级任职年限",
        6,
        "RANK-19-1",
        "VERIFIED",
        "个月",
        0,
        12,
    )
)
EXCELLENT_BEFORE_RUNG = declare(
    ParamSpec(
        "selection.rank_excellent_before_rung",
        "进入现职级之前的优秀年度也缩短年限（1=是，0=否）",
        0,
        "RANK-19-1",
        "UNVERIFIED",
        "",
        0,
        1,
    )
)

# 党龄 for party posts (ELG-8-6): the numbers per tier are UNVERIFIED, hence parameters.
PARTY_AGE_YEARS = {
    tier: declare(
        ParamSpec(
            f"selection.party_age_years.{tier.value}",
            f"提任党的领导职务（{tier.label}）的最低党龄",
            default,
            "ELG-8-6",
            "UNVERIFIED",
            "年",
            0,
            20,
        )
    )
    for tier, default in (
        (Tier.BUREAU_PRINCIPAL, 5),
        (Tier.BUREAU_DEPUTY, 5),
        (Tier.DIVISION_PRINCIPAL, 5),
        (Tier.DIVISION_DEPUTY, 5),
        (Tier.SECTION_PRINCIPAL, 3),
        (Tier.SECTION_DEPUTY, 3),
    )
}

# Age limits "where configured" (local practice): 0 means no limit.
MAX_AGE = {
    tier: declare(
        ParamSpec(
            f"selection.max_age.{tier.value}",
            f"提任{tier.label}的年龄上限（0=不限）",
            0,
            "LOCAL",
            "LOCAL",
            "周岁",
            0,
            65,
        )
    )
    for tier in Tier
    if tier not in (Tier.PROVINCE_PRINCIPAL, Tier.PROVINCE_DEPUTY)
}

# RANK-18-1 (并行规定 第十八条): the lower rung or equivalent tier, and the minimum years.
RANK_STEPS: dict[str, tuple[tuple[str, ...], int]] = {
    RankGrade.INSPECTOR_1: ((Tier.BUREAU_DEPUTY, RankGrade.INSPECTOR_2), 4),
    RankGrade.INSPECTOR_2: ((RankGrade.RESEARCHER_1,), 4),
    RankGrade.RESEARCHER_1: ((Tier.DIVISION_PRINCIPAL, RankGrade.RESEARCHER_2), 3),
    RankGrade.RESEARCHER_2: ((RankGrade.RESEARCHER_3,), 2),
    RankGrade.RESEARCHER_3: ((Tier.DIVISION_DEPUTY, RankGrade.RESEARCHER_4), 2),
    RankGrade.RESEARCHER_4: ((RankGrade.PRINCIPAL_STAFF_1,), 2),
    RankGrade.PRINCIPAL_STAFF_1: ((Tier.SECTION_PRINCIPAL, RankGrade.PRINCIPAL_STAFF_2), 2),
    RankGrade.PRINCIPAL_STAFF_2: ((RankGrade.PRINCIPAL_STAFF_3,), 2),
    RankGrade.PRINCIPAL_STAFF_3: ((Tier.SECTION_DEPUTY, RankGrade.PRINCIPAL_STAFF_4), 2),
    RankGrade.PRINCIPAL_STAFF_4: ((RankGrade.STAFF_1,), 2),
    RankGrade.STAFF_1: ((RankGrade.STAFF_2,), 2),
}
RANK_MIN_YEARS = {
    rank: declare(
        ParamSpec(
            f"selection.rank_min_years.{rank}",
            f"晋升{RankGrade(rank).label}的最低任职年限",
            years,
            "RANK-18-1",
            "VERIFIED",
            "年",
            1,
            10,
        )
    )
    for rank, (_, years) in RANK_STEPS.items()
}
