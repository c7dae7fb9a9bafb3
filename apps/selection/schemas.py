"""Schemas of the selection API (/api/v1/selection/): eligibility verdicts and the rule parameters
in force. Titles are the Chinese labels error messages use to name a field."""

from datetime import date
from typing import Any

from ninja import Schema
from pydantic import Field

from apps.cadres.constants import RankGrade
from apps.cadres.schemas import DateValue, InputSchema
from apps.units.constants import Tier


class TargetIn(InputSchema):
    tier: Tier | None = Field(None, title="拟任职务层次")
    rank: RankGrade | None = Field(None, title="拟晋升职级")
    party_post: bool = Field(False, title="是否党的领导职务")


class EligibilityParams(Schema):
    tier: Tier | None = Field(None, title="拟任职务层次")
    rank: RankGrade | None = Field(None, title="拟晋升职级")
    party_post: bool = Field(False, title="是否党的领导职务")
    on: DateValue | None = Field(None, title="审查日期", description="默认今天")


class EvaluateIn(InputSchema):
    facts: dict[str, Any] = Field(
        title="干部情况", description="与 docs/user/selection_rules.md 中示例相同的 JSON 对象"
    )
    target: TargetIn = Field(title="拟任职务或职级")
    on: DateValue = Field(title="审查日期")


class TargetOut(Schema):
    tier: str
    rank: str
    party_post: bool
    label: str


class CheckOut(Schema):
    rule: str = Field(title="规则编号（rules.md）")
    article: str = Field(title="依据条款")
    title: str = Field(title="审查事项")
    fact: str = Field(title="干部情况")
    threshold: str = Field(title="要求")
    outcome: str = Field(title="结果", description="pass/fail/warn/unknown/waived/na")
    outcome_label: str
    passes_on: date | None = Field(title="届时符合的日期")
    waivable: bool = Field(title="可破格突破")
    note: str


class ExceptionalOut(Schema):
    id: int
    ground: str
    ground_label: str
    explanation: str
    waived_rules: list[str]
    approved_on: date


class VerdictOut(Schema):
    cadre_id: int
    target: TargetOut
    on: date
    eligible: bool = Field(title="是否符合资格")
    passes_on: date | None = Field(title="全部不符合项届时均可满足的日期")
    exceptional: ExceptionalOut | None = Field(title="破格提拔依据")
    checks: list[CheckOut]
    params: dict[str, Any] = Field(title="所用规则参数")


class ParamOut(Schema):
    key: str
    label: str
    rule: str = Field(title="规则编号（rules.md）")
    status: str = Field(title="核实状态")
    unit: str
    value: Any = Field(title="生效值")
    default: Any = Field(title="国家（默认）值")
    local: bool = Field(title="是否本地设置")
    effective_from: date | None = Field(title="本地值生效日期")


class RulesOut(Schema):
    on: date
    params: list[ParamOut]
