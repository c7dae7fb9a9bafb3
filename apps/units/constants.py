"""Unit levels and kinds (glossary: 单位层级, 单位类别) and leadership tiers (职务层次)."""

from django.db import models


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"


class UnitKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", "党委"
    GOVERNMENT = "government", "政府"
    DEPARTMENT = "department", "部门"
    INSTITUTION = "institution", "事业单位"
    SOE = "soe", "国有企业"


class Tier(models.TextChoices):
    """职务层次 (Post.tier), highest first; `rank` orders them."""

    PROVINCE_PRINCIPAL = "province_principal", "省部级正职"
    PROVINCE_DEPUTY = "province_deputy", "省部级副职"
    BUREAU_PRINCIPAL = "bureau_principal", "厅局级正职"
    BUREAU_DEPUTY = "bureau_deputy", "厅局级副职"
    DIVISION_PRINCIPAL = "division_principal", "县处级正职"
    DIVISION_DEPUTY = "division_deputy", "县处级副职"
    SECTION_PRINCIPAL = "section_principal", "乡科级正职"
    SECTION_DEPUTY = "section_deputy", "乡科级副职"


TIER_ORDER: dict[str, int] = {value: i for i, value in enumerate(Tier.values)}


def tier_is_principal(tier: str) -> bool:
    """正职 rather than 副职."""
    return tier.endswith("_principal")


class UnitEventKind(models.TextChoices):
    CREATED = "created", "设立"
    RENAMED = "renamed", "更名"
    MOVED = "moved", "调整隶属关系"
    MERGED = "merged", "合并"
    QUOTA = "quota", "核定职数"
