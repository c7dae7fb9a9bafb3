"""Choices of Pillar 4 — 容错纠错 and the follow-up of disciplined cadres (glossary: Pillar 4)."""

from django.db import models


class CaseStage(models.TextChoices):
    """ToleranceCase workflow: 申请 → 受理 → 核实 → 认定 → 结论 (with 纠错) → 办结."""

    APPLIED = "applied", "已申请"
    ACCEPTED = "accepted", "已受理（核实中）"
    VERIFIED = "verified", "已核实"
    DETERMINED = "determined", "已认定"
    CONCLUDED = "concluded", "已作结论（纠错中）"
    CLOSED = "closed", "已办结"
    NOT_ACCEPTED = "not_accepted", "不予受理"


class Applicant(models.TextChoices):
    CADRE = "cadre", "干部本人"
    UNIT = "unit", "所在单位"


class Outcome(models.TextChoices):
    """结论 (TOL-3: 免责 → 容错; 从轻/减轻 → 部分容错)."""

    TOLERATED = "tolerated", "容错（免责）"
    PARTLY = "partly", "部分容错（从轻减轻）"
    NOT_TOLERATED = "not_tolerated", "不予容错"


class Area(models.TextChoices):
    """Areas of cases (桂林's collection: key projects, poverty alleviation, urban management)."""

    KEY_PROJECT = "key_project", "重点项目建设"
    POVERTY = "poverty", "脱贫攻坚/乡村振兴"
    URBAN = "urban", "城市管理"
    REFORM = "reform", "改革创新"
    INVESTMENT = "investment", "招商引资"
    EMERGENCY = "emergency", "应急处置"
    OTHER = "other", "其他"


class Distinction(models.TextChoices):
    """TOL-1 "三个区分开来" (three_distinctions): which one a case illustrates."""

    INEXPERIENCE = "inexperience", "缺乏经验、先行先试的失误 ≠ 明知故犯"
    EXPLORATION = "exploration", "无明确限制的探索性试验 ≠ 明令禁止后我行我素"
    NO_GAIN = "no_gain", "推动发展的无意过失 ≠ 谋取私利"


class ListKind(models.TextChoices):
    POSITIVE = "positive", "正面清单（可以容错）"
    NEGATIVE = "negative", "负面清单（不予容错）"


class CaseStatus(models.TextChoices):
    """TypicalCase publication."""

    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class SanctionKind(models.TextChoices):
    PARTY = "party", "党纪处分"
    ADMINISTRATIVE = "administrative", "政务处分"
    ORGANIZATIONAL = "organizational", "组织处理"


class SanctionType(models.TextChoices):
    """Types per kind: DIS-DJ-8 (党纪), DIS-ZW-7 (政务), DIS-JM-1 (组织处理)."""

    PARTY_WARNING = "party_warning", "警告（党纪）"
    PARTY_SERIOUS_WARNING = "party_serious_warning", "严重警告"
    PARTY_REMOVAL = "party_removal", "撤销党内职务"
    PARTY_PROBATION = "party_probation", "留党察看"
    PARTY_EXPULSION = "party_expulsion", "开除党籍"
    ADMIN_WARNING = "admin_warning", "警告（政务）"
    ADMIN_DEMERIT = "admin_demerit", "记过"
    ADMIN_MAJOR_DEMERIT = "admin_major_demerit", "记大过"
    ADMIN_DEMOTION = "admin_demotion", "降级"
    ADMIN_DISMISSAL = "admin_dismissal", "撤职"
    ADMIN_EXPULSION = "admin_expulsion", "开除"
    ORG_ADMONITION = "org_admonition", "诫勉"
    ORG_TRANSFER = "org_transfer", "调离岗位"
    ORG_RANK_CHANGE = "org_rank_change", "改任职级"
    ORG_RESIGNATION = "org_resignation", "责令辞职"
    ORG_REMOVAL = "org_removal", "免职"
    ORG_DEMOTION = "org_demotion", "降职"


TYPE_KIND: dict[str, str] = {
    t.value: (
        SanctionKind.PARTY
        if t.value.startswith("party_")
        else SanctionKind.ADMINISTRATIVE
        if t.value.startswith("admin_")
        else SanctionKind.ORGANIZATIONAL
    )
    for t in SanctionType
}


class ReuseRecommendation(models.TextChoices):
    REUSE = "reuse", "重新使用"
    OBSERVE = "observe", "继续观察"
    NOT_SUITABLE = "not_suitable", "不宜使用"


class PublicationScope(models.TextChoices):
    """Where a 澄清正名 is made known."""

    PERSON = "person", "向本人反馈"
    UNIT = "unit", "在所在单位内澄清"
    SYSTEM = "system", "在本系统内通报"
    PUBLIC = "public", "公开澄清"
