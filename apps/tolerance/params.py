"""Rule parameters of Pillar 4 (rules.md sections E, H, I; UNVERIFIED or local values stay
configurable per locality: apps/core/rulesets.py, page 规则参数)."""

from apps.core.rulesets import ParamSpec, declare

APPLICATION_DEADLINE_DAYS = declare(
    ParamSpec(
        key="tolerance.application_deadline_days",
        label="容错申请期限（自问责告知之日起）",
        default=30,
        rule="LOCAL",
        status="LOCAL",
        unit="天",
        minimum=5,
        maximum=365,
    )
)
FOLLOW_UP_INTERVAL_MONTHS = declare(
    ParamSpec(
        key="sanctions.follow_up_interval_months",
        label="受处分干部回访教育间隔",
        default=3,
        rule="REUSE-3",
        status="UNVERIFIED",
        unit="个月",
        minimum=1,
        maximum=12,
    )
)
# DIS-JM-1: organisational handling (组织处理) influence periods — UNVERIFIED, all configurable.
ORG_MONTHS = {
    "org_admonition": ("诫勉影响期", 6),
    "org_transfer": ("调离岗位影响期", 12),
    "org_rank_change": ("改任职级影响期", 12),
    "org_resignation": ("责令辞职影响期（不得提拔）", 24),
    "org_removal": ("免职影响期（不得提拔）", 24),
    "org_demotion": ("降职影响期", 24),
}
for _type, (_label, _months) in ORG_MONTHS.items():
    declare(
        ParamSpec(
            key=f"sanctions.{_type}_months",
            label=_label,
            default=_months,
            rule="DIS-JM-1",
            status="UNVERIFIED",
            unit="个月",
            minimum=1,
            maximum=60,
        )
    )
