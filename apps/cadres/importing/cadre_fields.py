"""The columns of the cadre import (the basic fields of the 任免审批表) and their coded values."""

from apps.accounts.models import ManagedBy
from apps.cadres.constants import (
    ETHNICITIES,
    EducationLevel,
    Gender,
    PoliticalStatus,
    RankGrade,
)
from apps.cadres.models import Cadre
from apps.units.constants import Tier

from .spec import Field, Kind, choices_of

DATE_GUIDE = "填到月份即可，如 1975.03；也可写 1975-03-01、1975/3/1、1975年3月、197503"
DEMOCRATIC_PARTIES = (
    "民革党员", "民盟盟员", "民建会员", "民进会员", "农工党党员", "致公党党员",
    "九三学社社员", "台盟盟员",
)  # fmt: skip
TIER_ALIASES = {
    "正部级": Tier.PROVINCE_PRINCIPAL, "副部级": Tier.PROVINCE_DEPUTY,
    "正厅级": Tier.BUREAU_PRINCIPAL, "副厅级": Tier.BUREAU_DEPUTY,
    "正处级": Tier.DIVISION_PRINCIPAL, "副处级": Tier.DIVISION_DEPUTY,
    "正科级": Tier.SECTION_PRINCIPAL, "副科级": Tier.SECTION_DEPUTY,
    "正处": Tier.DIVISION_PRINCIPAL, "副处": Tier.DIVISION_DEPUTY,
    "正科": Tier.SECTION_PRINCIPAL, "副科": Tier.SECTION_DEPUTY,
}  # fmt: skip
EDUCATION_ALIASES = {
    "博士": EducationLevel.DOCTORATE, "硕士": EducationLevel.MASTER,
    "本科": EducationLevel.BACHELOR, "大学": EducationLevel.BACHELOR,
    "大专": EducationLevel.ASSOCIATE, "专科": EducationLevel.ASSOCIATE,
    "中技": EducationLevel.SECONDARY, "高中": EducationLevel.HIGH_SCHOOL,
    "初中": EducationLevel.HIGH_SCHOOL, "初中及以下": EducationLevel.HIGH_SCHOOL,
}  # fmt: skip


def _max(name: str) -> int:
    length = getattr(Cadre._meta.get_field(name), "max_length", None)
    assert isinstance(length, int)
    return length


CADRE_FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", required=True, max_length=_max("name"), example="张伟", width=10),
    Field(
        "gender", "性别", Kind.CHOICE, choices=choices_of(Gender.choices),
        value_aliases={"男性": Gender.MALE, "女性": Gender.FEMALE},
        guide="可不填，按公民身份号码确定；填写时须与号码一致", example="男", width=8,
    ),
    Field(
        "birth_date", "出生年月", Kind.DATE, header_aliases=("出生日期", "出生时间"),
        guide="可不填，按公民身份号码确定；填写时须与号码一致。" + DATE_GUIDE, example="1980.05",
    ),
    Field(
        "ethnicity", "民族", Kind.CHOICE, required=True,
        choices=tuple((e, e) for e in ETHNICITIES),
        value_aliases={e[:-1]: e for e in ETHNICITIES if e.endswith("族")},
        example="汉族", width=10,
    ),
    Field("native_place", "籍贯", max_length=_max("native_place"), example="云南昭通"),
    Field("birthplace", "出生地", max_length=_max("birthplace"), example="云南昭通"),
    Field(
        "id_number", "公民身份号码", Kind.ID_NUMBER, required=True,
        header_aliases=("身份证号", "身份证号码", "身份证", "公民身份证号码"),
        guide="18位，末位可为X；是干部的唯一标识：系统中已有该号码的干部将被更新，没有的将新增。"
        "请将该列设为文本格式，否则Excel会丢失末几位",
        example="530602198005170016", width=22,
    ),
    Field(
        "political_status", "政治面貌", Kind.CHOICE, required=True,
        choices=choices_of(PoliticalStatus.choices),
        value_aliases={
            "党员": PoliticalStatus.CPC, "中国共产党党员": PoliticalStatus.CPC,
            "预备党员": PoliticalStatus.CPC_PROBATIONARY, "团员": PoliticalStatus.CYL,
            **dict.fromkeys(DEMOCRATIC_PARTIES, PoliticalStatus.DEMOCRATIC_PARTY),
        },
        example="中共党员", width=14,
    ),
    Field("party_join_date", "入党时间", Kind.DATE, guide=DATE_GUIDE, example="2001.07"),
    Field(
        "work_start_date", "参加工作时间", Kind.DATE, required=True, guide=DATE_GUIDE,
        example="2002.07",
    ),
    Field("health", "健康状况", max_length=_max("health"), example="健康", width=10),
    Field(
        "professional_title", "专业技术职务", max_length=_max("professional_title"),
        example="经济师",
    ),
    Field(
        "unit_code", "单位代码", Kind.CODE, max_length=32,
        guide="“单位代码”与“单位名称”至少填一项；都填时须一致。单位须在您的数据范围内",
        example="530602001",
    ),
    Field(
        "unit_name", "单位名称", max_length=100, header_aliases=("工作单位", "所在单位"),
        guide="单位全称；同名单位较多时请填单位代码", example="甲县财政局", width=20,
    ),
    Field(
        "managed_by", "干部管理权限", Kind.CHOICE, required=True,
        choices=choices_of(ManagedBy.choices), header_aliases=("管理权限",),
        guide="须在您的授权范围内", example="县管",
    ),
    Field(
        "current_post_title", "现任职务", max_length=_max("current_post_title"),
        header_aliases=("职务",), example="甲县财政局副局长", width=24,
    ),
    Field(
        "tier", "职务层次", Kind.CHOICE, choices=choices_of(Tier.choices),
        value_aliases=TIER_ALIASES, example="乡科级副职",
    ),
    Field("rank_grade", "职级", Kind.CHOICE, choices=choices_of(RankGrade.choices), example=""),
    Field(
        "highest_education", "最高学历", Kind.CHOICE, choices=choices_of(EducationLevel.choices),
        value_aliases=EDUCATION_ALIASES, header_aliases=("学历",), example="大学本科",
    ),
)  # fmt: skip

# Columns compared and written (model fields); gender and birth date are always written, as
# they come from the 公民身份号码 when their columns are left out.
COMPARED = (
    "name", "gender", "ethnicity", "birth_date", "native_place", "birthplace",
    "political_status", "party_join_date", "work_start_date", "health", "professional_title",
    "unit_id", "managed_by", "current_post_title", "tier", "rank_grade", "highest_education",
)  # fmt: skip
