"""Rule parameters of the frontline pillar (rules.md section F and local policy), overridable
per locality from a date on (apps/core/rulesets.py; page: 规则参数)."""

from apps.core.rulesets import ParamSpec, declare

QUALIFYING_MONTHS = declare(
    ParamSpec(
        key="frontline.qualifying_months",
        label="认定“一线工作经历”的累计月数",
        default=12,
        rule="LOCAL",
        status="LOCAL",
        unit="个月",
        minimum=1,
        maximum=120,
    )
)
FIRST_SECRETARY_TERM_MONTHS = declare(
    ParamSpec(
        key="frontline.first_secretary_term_months",
        label="驻村第一书记、工作队员最短任期",
        default=24,
        rule="FRONT-2",
        status="UNVERIFIED",
        unit="个月",
        minimum=12,
        maximum=36,
    )
)
TERM_REMINDER_DAYS = declare(
    ParamSpec(
        key="frontline.term_reminder_days",
        label="任期届满提醒提前天数",
        default=90,
        rule="LOCAL",
        status="LOCAL",
        unit="天",
        minimum=7,
        maximum=365,
    )
)
CARE_VISIT_INTERVAL_DAYS = declare(
    ParamSpec(
        key="frontline.care_visit_interval_days",
        label="牺牲干部家属走访间隔（默认）",
        default=90,
        rule="LOCAL",
        status="LOCAL",
        unit="天",
        minimum=7,
        maximum=730,
    )
)
