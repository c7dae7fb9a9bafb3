"""Choices of the frontline pillar (glossary: Pillar 1 — central tasks and the frontline)."""

from django.db import models


class TaskKind(models.TextChoices):
    """Kinds of 中心任务 the seed names."""

    POVERTY = "poverty", "脱贫攻坚/乡村振兴"
    EPIDEMIC = "epidemic", "疫情防控"
    DISASTER = "disaster", "抗洪救灾/抢险救灾"
    KEY_PROJECT = "key_project", "重点项目建设"
    STABILITY = "stability", "维护稳定"
    BORDER = "border", "固边强边"


class Hardship(models.TextChoices):
    """艰苦边远 flags of a FrontlineService (each a boolean field of the same name)."""

    HIGH_ALTITUDE = "high_altitude", "高海拔地区"
    BORDER = "border", "边境地区"
    REMOTE = "remote", "艰苦边远地区"
    POVERTY_COUNTY = "poverty_county", "重点帮扶县/原贫困县"


class DispatchKind(models.TextChoices):
    """点将 target posts (glossary: Dispatch.kind)."""

    SECONDMENT = "secondment", "挂职"
    APPOINTMENT = "appointment", "任职"
    FIRST_SECRETARY = "first_secretary", "驻村第一书记"
    WORK_TEAM = "work_team", "驻村工作队员"


class DispatchState(models.TextChoices):
    PLANNED = "planned", "拟选派"
    APPROVED = "approved", "已批准"
    IN_POST = "in_post", "在岗"
    EXTENDED = "extended", "已延期（在岗）"
    RETURNED = "returned", "期满返回"
    RECALLED = "recalled", "召回"
    CANCELLED = "cancelled", "已撤销"


# States in which the cadre holds (or is about to hold) the dispatched post.
ACTIVE_STATES = (
    DispatchState.PLANNED,
    DispatchState.APPROVED,
    DispatchState.IN_POST,
    DispatchState.EXTENDED,
)
SERVING_STATES = (DispatchState.IN_POST, DispatchState.EXTENDED)
ENDED_STATES = (DispatchState.RETURNED, DispatchState.RECALLED)


class TermGrade(models.TextChoices):
    """Term-end assessment of a dispatch (期满考核), graded like the annual assessment."""

    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASICALLY_COMPETENT = "basically_competent", "基本称职"
    INCOMPETENT = "incompetent", "不称职"


class IncentiveCategory(models.TextChoices):
    """甘肃's three categories of frontline incentives."""

    POLITICAL = "political", "政治激励"
    LIVELIHOOD = "livelihood", "生活保障"
    EMOTIONAL = "emotional", "情感关怀"
