"""Rule parameters of the assessment pillar (rules.md section D); UNVERIFIED values stay
configurable per locality (apps/core/rulesets.py, page 规则参数)."""

from apps.core.rulesets import ParamSpec, declare

ROUTINE_PERIODS_PER_YEAR = declare(
    ParamSpec(
        key="assessment.routine_periods_per_year",
        label="平时考核每年期数（4为按季度，12为按月）",
        default=4,
        rule="ASM-PS-1",
        status="UNVERIFIED",
        unit="期",
        minimum=1,
        maximum=12,
    )
)
EXCELLENT_PERCENT = declare(
    ParamSpec(
        key="assessment.excellent_percent",
        label="年度考核优秀等次比例（一般掌握）",
        default=20,
        rule="ASM-QUOTA-1",
        status="UNVERIFIED",
        unit="%",
        minimum=5,
        maximum=50,
    )
)
EXCELLENT_MAX_PERCENT = declare(
    ParamSpec(
        key="assessment.excellent_max_percent",
        label="年度考核优秀等次比例（最多不超过）",
        default=25,
        rule="ASM-QUOTA-1",
        status="UNVERIFIED",
        unit="%",
        minimum=5,
        maximum=50,
    )
)
SMALL_UNIT_EXCELLENT = declare(
    ParamSpec(
        key="assessment.small_unit_excellent",
        label="按比例不足1名的小单位可确定优秀人数",
        default=0,
        rule="LOCAL",
        status="LOCAL",
        unit="名",
        minimum=0,
        maximum=1,
    )
)
