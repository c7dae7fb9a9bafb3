"""The LRMX layout (docs: shared/docs/lrmx.md): element order, labels, limits, the error type."""

from apps.core.exceptions import DomainError

VERSION = "3.2.1.6"  # the canonical template's version (OWIP rm.xml)
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ZIP_BYTES = 100 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 200 * 1024 * 1024  # uncompressed, all files together (zip bombs)
MAX_BATCH = 500
MAX_PHOTO_BYTES = 2 * 1024 * 1024  # as the cadre form (forms.MAX_PHOTO_BYTES)

FAMILY = "JiaTingChengYuan"

# Top-level elements in the canonical order, with their labels on the form.
ELEMENTS: tuple[tuple[str, str], ...] = (
    ("XingMing", "姓名"),
    ("XingBie", "性别"),
    ("ChuShengNianYue", "出生年月"),
    ("MinZu", "民族"),
    ("JiGuan", "籍贯"),
    ("ChuShengDi", "出生地"),
    ("RuDangShiJian", "入党时间"),
    ("CanJiaGongZuoShiJian", "参加工作时间"),
    ("JianKangZhuangKuang", "健康状况"),
    ("ZhuanYeJiShuZhiWu", "专业技术职务"),
    ("ShuXiZhuanYeYouHeZhuanChang", "熟悉专业有何专长"),
    ("QuanRiZhiJiaoYu_XueLi", "全日制教育学历"),
    ("QuanRiZhiJiaoYu_XueWei", "全日制教育学位"),
    ("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "全日制教育学历毕业院校系及专业"),
    ("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "全日制教育学位毕业院校系及专业"),
    ("ZaiZhiJiaoYu_XueLi", "在职教育学历"),
    ("ZaiZhiJiaoYu_XueWei", "在职教育学位"),
    ("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "在职教育学历毕业院校系及专业"),
    ("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "在职教育学位毕业院校系及专业"),
    ("XianRenZhiWu", "现任职务"),
    ("NiRenZhiWu", "拟任职务"),
    ("NiMianZhiWu", "拟免职务"),
    ("JianLi", "简历"),
    ("JiangChengQingKuang", "奖惩情况"),
    ("NianDuKaoHeJieGuo", "年度考核结果"),
    ("RenMianLiYou", "任免理由"),
    (FAMILY, "家庭主要成员及重要社会关系"),
    ("ChengBaoDanWei", "呈报单位"),
    ("JiSuanNianLingShiJian", "计算年龄时间"),
    ("TianBiaoShiJian", "填表时间"),
    ("TianBiaoRen", "填表人"),
    ("ShenFenZheng", "身份证号"),
    ("ZhaoPian", "照片"),
    ("Version", "版本"),
)
LABELS = dict(ELEMENTS)
KNOWN = frozenset(LABELS)

FAMILY_ELEMENTS: tuple[tuple[str, str], ...] = (
    ("ChengWei", "称谓"),
    ("XingMing", "姓名"),
    ("ChuShengRiQi", "出生日期"),
    ("ZhengZhiMianMao", "政治面貌"),
    ("GongZuoDanWeiJiZhiWu", "工作单位及职务"),
)

# Elements the cadre record does not hold: shown in the preview, not stored on import.
NOT_STORED = (
    "JiangChengQingKuang",
    "NianDuKaoHeJieGuo",
    "RenMianLiYou",
    "ChengBaoDanWei",
    "JiSuanNianLingShiJian",
    "TianBiaoShiJian",
    "TianBiaoRen",
)

# Known extras of other tools (lrmx.md "Variants"): named in the preview, otherwise ignored.
EXTRA_LABELS = {"DaoLingNianYue": "到龄年月", "Age": "年龄"}


class LrmxError(DomainError):
    """The file cannot be read as a cadre: `problems` lists every reason, in Chinese."""

    def __init__(self, problems: list[str] | str, *, code: str = "lrmx_invalid") -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("；".join(self.problems), code=code)
