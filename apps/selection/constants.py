"""Code lists of the selection pillar (改进选拔任用): promotion kinds, rule outcomes, flags,
publicity and probation outcomes, reserve-pool sources and exits."""

from django.db import models


class PromotionKind(models.TextChoices):
    """Promotion.kind (glossary: 提拔 / 进一步使用 / 交流 / 职级晋升)."""

    PROMOTE = "promote", "提拔"
    FURTHER_USE = "further_use", "进一步使用"
    EXCHANGE = "exchange", "交流"
    RANK = "rank", "职级晋升"


class PromotionStatus(models.TextChoices):
    PLANNED = "planned", "拟任（待确认）"
    CONFIRMED = "confirmed", "已任职"
    WITHDRAWN = "withdrawn", "已撤回"


class Outcome(models.TextChoices):
    """The result of one rule in an eligibility chain."""

    PASS = "pass", "符合"
    FAIL = "fail", "不符合"
    WARN = "warn", "需注意"
    UNKNOWN = "unknown", "无法判断"
    WAIVED = "waived", "破格（已说明理由）"
    NOT_APPLICABLE = "na", "不适用"


class NegativeFlagKind(models.TextChoices):
    """Facts the organization department records by hand that block a promotion
    (ELG-24-1 items (1)(2)(4)(5)(7), ELG-24-2 item (3))."""

    POLITICAL_DISCIPLINE = "political_discipline", "违反政治纪律和政治规矩（ELG-24-1(1)）"
    LOW_RECOGNITION = "low_recognition", "群众公认度不高（ELG-24-1(2)）"
    CANVASSING = "canvassing", "跑官、拉票等非组织行为（ELG-24-1(4)）"
    NAKED_OFFICIAL = "naked_official", "配偶（或子女均）已移居国（境）外（ELG-24-1(5)）"
    UNDER_INVESTIGATION = "under_investigation", "涉嫌违纪违法正在接受审查调查（ELG-24-2(3)）"
    OTHER = "other", "其他不宜提拔或进一步使用的情形（ELG-24-1(7)）"


class MeritGround(models.TextChoices):
    """ELG-9-2 grounds of an exceptional promotion (破格提拔): three merit, three special-need."""

    CRISIS_PERFORMANCE = "crisis_performance", "关键时刻或急难险重任务中经受住考验、表现突出"
    HARDSHIP_AREA = "hardship_area", "在条件艰苦、环境复杂、基础差的地区或单位实绩突出"
    OUTSTANDING_RESULTS = "outstanding_results", "在其他岗位尽职尽责，实绩特别显著"
    TEAM_STRUCTURE = "team_structure", "班子结构需要或职位有特殊要求"
    SPECIALIST_URGENT = "specialist_urgent", "专业性较强岗位或重要专项工作急需"
    REMOTE_POOR_AREA = "remote_poor_area", "艰苦边远、贫困地区急需引进"


class QuotaEnforcement(models.TextChoices):
    WARN = "warn", "低于比例时提醒"
    BLOCK = "block", "低于比例时不允许确认"


class PublicityOutcome(models.TextChoices):
    PENDING = "pending", "公示中"
    NO_OBJECTION = "no_objection", "公示无异议"
    OBJECTION_DISMISSED = "objection_dismissed", "有反映，经核查不影响任职"
    OBJECTION_UPHELD = "objection_upheld", "有反映，经核查影响任职"


class ProbationOutcome(models.TextChoices):
    """SEL-43-1: confirm, or revert to the previous rank."""

    PENDING = "pending", "试用中"
    CONFIRMED = "confirmed", "胜任，正式任职"
    REVERTED = "reverted", "不胜任，免去试任职务"


class ReserveSource(models.TextChoices):
    RECOMMENDATION = "recommendation", "民主推荐"
    FRONTLINE = "frontline", "一线表现突出"
    RESEARCH_VISIT = "research_visit", "调研发现"
    OTHER = "other", "其他"


class ReserveExitReason(models.TextChoices):
    PROMOTED = "promoted", "已提拔使用"
    AGE = "age", "年龄超出"
    DISCIPLINE = "discipline", "受到处分或问责"
    ASSESSMENT = "assessment", "考核不理想"
    TRANSFERRED = "transferred", "调离"
    OTHER = "other", "其他"
