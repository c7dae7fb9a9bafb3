"""Code lists of the cadre record (任免审批表) — GB/T 3304 ethnicities, education, 职级."""

from django.db import models


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


ETHNICITIES = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]
ETHNICITY_CHOICES = [(e, e) for e in ETHNICITIES]


class PoliticalStatus(models.TextChoices):
    CPC = "cpc", "中共党员"
    CPC_PROBATIONARY = "cpc_probationary", "中共预备党员"
    CYL = "cyl", "共青团员"
    DEMOCRATIC_PARTY = "democratic_party", "民主党派"
    NONE = "none", "群众"


PARTY_MEMBER_STATUSES = (PoliticalStatus.CPC, PoliticalStatus.CPC_PROBATIONARY)


class EducationMode(models.TextChoices):
    FULL_TIME = "full_time", "全日制教育"
    IN_SERVICE = "in_service", "在职教育"


class EducationLevel(models.TextChoices):
    """学历, highest first; EDUCATION_ORDER ranks them (0 = highest)."""

    DOCTORATE = "doctorate", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    ASSOCIATE = "associate", "大学专科"
    SECONDARY = "secondary", "中专"
    HIGH_SCHOOL = "high_school", "高中及以下"


EDUCATION_ORDER: dict[str, int] = {v: i for i, v in enumerate(EducationLevel.values)}


class Degree(models.TextChoices):
    DOCTOR = "doctor", "博士"
    MASTER = "master", "硕士"
    BACHELOR = "bachelor", "学士"
    NONE = "none", "无"


class RankGrade(models.TextChoices):
    """职级 of the comprehensive-management track, highest first (RANK-7-1, 并行规定 第七条)."""

    INSPECTOR_1 = "inspector_1", "一级巡视员"
    INSPECTOR_2 = "inspector_2", "二级巡视员"
    RESEARCHER_1 = "researcher_1", "一级调研员"
    RESEARCHER_2 = "researcher_2", "二级调研员"
    RESEARCHER_3 = "researcher_3", "三级调研员"
    RESEARCHER_4 = "researcher_4", "四级调研员"
    PRINCIPAL_STAFF_1 = "principal_staff_1", "一级主任科员"
    PRINCIPAL_STAFF_2 = "principal_staff_2", "二级主任科员"
    PRINCIPAL_STAFF_3 = "principal_staff_3", "三级主任科员"
    PRINCIPAL_STAFF_4 = "principal_staff_4", "四级主任科员"
    STAFF_1 = "staff_1", "一级科员"
    STAFF_2 = "staff_2", "二级科员"


RANK_ORDER: dict[str, int] = {v: i for i, v in enumerate(RankGrade.values)}
