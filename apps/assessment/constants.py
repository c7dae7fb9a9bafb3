"""Choices of the assessment pillar (glossary: 平时考核 · 年度考核 · 专项考核, 知事识人)."""

from django.db import models


class RoutineGrade(models.TextChoices):
    """ASM-PS-1 平时考核等次 (好/较好/一般/较差)."""

    GOOD = "good", "好"
    FAIR_GOOD = "fair_good", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "较差"


class AnnualGrade(models.TextChoices):
    """ASM-38-1 年度考核等次; NOT_GRADED (不定等次) where ASM-DIS-1 or probation allows."""

    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASICALLY_COMPETENT = "basically_competent", "基本称职"
    INCOMPETENT = "incompetent", "不称职"
    NOT_GRADED = "not_graded", "不定等次"


class SheetStatus(models.TextChoices):
    """A unit's annual-assessment sheet for a year."""

    DRAFT = "draft", "填报中"
    SUBMITTED = "submitted", "已提交"


class TeamRating(models.TextChoices):
    """运行情况 of a leadership team on each aspect."""

    GOOD = "good", "好"
    FAIR_GOOD = "fair_good", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "较差"


class ObservationKind(models.TextChoices):
    STRENGTH = "strength", "优点长处"
    WEAKNESS = "weakness", "不足短板"
    STANDOUT = "standout", "突出表现"


class TaskRating(models.TextChoices):
    """谋事 / 干事 / 成事 ratings of a TaskRecord."""

    EXCELLENT = "excellent", "优"
    GOOD = "good", "良"
    FAIR = "fair", "中"
    POOR = "poor", "差"


class AwardKind(models.TextChoices):
    """ASM-19-1: awards that follow from annual grades (proposed, then confirmed)."""

    COMMENDATION = "commendation", "嘉奖"
    MERIT_THIRD = "merit_third", "记三等功"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "待确认"
    CONFIRMED = "confirmed", "已确认"
    DECLINED = "declined", "不予奖励"


class InactionAdjustment(models.TextChoices):
    """能上能下: adjustments for a cadre found 不适宜担任现职 (REUSE-NSX-5, DIS-JM-1)."""

    NONE = "none", "暂不调整（提醒、诫勉）"
    TRANSFER = "transfer", "调离岗位"
    RANK_CHANGE = "rank_change", "改任职级"
    REMOVAL = "removal", "免职"
    DEMOTION = "demotion", "降职"


class InactionSource(models.TextChoices):
    ANNUAL = "annual", "年度考核"
    ROUTINE = "routine", "平时考核"
    SPECIAL = "special", "专项考核"
    RESEARCH = "research", "调研"
    OTHER = "other", "其他"
