"""Input and output schemas of the cadre API. Titles are the Chinese labels that error messages
use to name a field ("出生年月：日期格式无效")."""

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from apps.accounts.models import ManagedBy
from apps.units.constants import Tier

from .constants import ETHNICITIES, EducationLevel, Gender, PoliticalStatus, RankGrade
from .filters import SORTS

MAX_ID = 2**63 - 1  # largest primary key both databases store; larger ids cannot exist
MAX_PAGE_SIZE = 100


def _plain_text(value: str) -> str:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("不能包含控制字符")
    return value


def _date_string(value: Any) -> Any:
    """Dates come as "YYYY-MM-DD" strings; numbers (Unix timestamps to pydantic) are refused."""
    if value is not None and not isinstance(value, str | date):
        raise PydanticCustomError("date_type", "日期格式无效")
    return value


def _ethnicity(value: str) -> str:
    if value not in ETHNICITIES:
        raise ValueError("取值无效，请填写民族全称（如“汉族”“彝族”）")
    return value


Text = Annotated[str, AfterValidator(_plain_text)]
DateValue = Annotated[date, BeforeValidator(_date_string)]
Ethnicity = Annotated[str, AfterValidator(_ethnicity)]
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]


class InputSchema(BaseModel):
    """Strict-ish input: unknown fields are errors, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CadreIn(InputSchema):
    """新增干部 (POST) and full replacement (PUT, with `version`)."""

    name: Text = Field(title="姓名", min_length=1, max_length=50)
    gender: Gender = Field(title="性别")
    ethnicity: Ethnicity = Field("汉族", title="民族")
    birth_date: DateValue = Field(title="出生年月")
    native_place: Text = Field("", title="籍贯", max_length=50)
    birthplace: Text = Field("", title="出生地", max_length=50)
    id_number: Text | None = Field(
        None, title="公民身份号码", max_length=30, description="18位；省略则不修改"
    )
    political_status: PoliticalStatus = Field(PoliticalStatus.CPC, title="政治面貌")
    party_join_date: DateValue | None = Field(None, title="入党时间")
    work_start_date: DateValue = Field(title="参加工作时间")
    health: Text = Field("健康", title="健康状况", max_length=50)
    professional_title: Text = Field("", title="专业技术职务", max_length=100)
    expertise: Text = Field("", title="熟悉专业有何专长", max_length=200)
    unit: ObjectId = Field(title="工作单位", description="单位编号")
    managed_by: ManagedBy = Field(title="干部管理权限")
    proposed_post: Text = Field("", title="拟任职务", max_length=200)
    proposed_removal: Text = Field("", title="拟免职务", max_length=200)


class CadreUpdateIn(CadreIn):
    """PUT: the whole record plus the version it was based on."""

    version: int = Field(title="版本", ge=1, le=MAX_ID)


# PATCH: omitting a field keeps it; null is accepted only where the record allows it.
NOT_NULL = tuple(name for name in CadreIn.model_fields if name != "party_join_date")


class CadrePatchIn(InputSchema):
    """PATCH: only the fields sent are changed; `version` is required. null clears a date."""

    version: int = Field(title="版本", ge=1, le=MAX_ID)
    name: Text | None = Field(None, title="姓名", min_length=1, max_length=50)
    gender: Gender | None = Field(None, title="性别")
    ethnicity: Ethnicity | None = Field(None, title="民族")
    birth_date: DateValue | None = Field(None, title="出生年月")
    native_place: Text | None = Field(None, title="籍贯", max_length=50)
    birthplace: Text | None = Field(None, title="出生地", max_length=50)
    id_number: Text | None = Field(None, title="公民身份号码", max_length=30)
    political_status: PoliticalStatus | None = Field(None, title="政治面貌")
    party_join_date: DateValue | None = Field(None, title="入党时间")
    work_start_date: DateValue | None = Field(None, title="参加工作时间")
    health: Text | None = Field(None, title="健康状况", max_length=50)
    professional_title: Text | None = Field(None, title="专业技术职务", max_length=100)
    expertise: Text | None = Field(None, title="熟悉专业有何专长", max_length=200)
    unit: ObjectId | None = Field(None, title="工作单位", description="单位编号")
    managed_by: ManagedBy | None = Field(None, title="干部管理权限")
    proposed_post: Text | None = Field(None, title="拟任职务", max_length=200)
    proposed_removal: Text | None = Field(None, title="拟免职务", max_length=200)

    @field_validator(*NOT_NULL, mode="after")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("不能为空")
        return value

    def changes(self) -> dict[str, Any]:
        """The fields the client sent, without `version`."""
        return self.model_dump(exclude_unset=True, exclude={"version"})


class CadreListParams(Schema):
    """The list's filters (those of the pages' CadreFilter), sort and page."""

    model_config = ConfigDict(str_strip_whitespace=True)

    q: Text | None = Field(None, title="姓名/拼音/身份证号", max_length=50)
    unit: ObjectId | None = Field(None, title="单位（含下级）")
    tier: list[Tier] = Field(default_factory=list, title="职务层次")
    rank_grade: list[RankGrade] = Field(default_factory=list, title="职级")
    gender: Gender | None = Field(None, title="性别")
    ethnicity: Ethnicity | None = Field(None, title="民族")
    managed_by: ManagedBy | None = Field(None, title="干部管理权限")
    education: EducationLevel | None = Field(None, title="学历（及以上）")
    party_member: bool | None = Field(None, title="中共党员")
    age_min: int | None = Field(None, title="年龄≥", ge=0, le=150)
    age_max: int | None = Field(None, title="年龄≤", ge=0, le=150)
    deleted: bool = Field(False, title="回收站", description="true：只列出已删除的干部（仅管理员）")
    sort: str = Field("unit", title="排序", description="、".join(SORTS))
    page: int = Field(1, title="页码", ge=1, le=100_000)
    page_size: int = Field(20, title="每页条数", ge=1, le=MAX_PAGE_SIZE)

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, value: str) -> str:
        if value not in SORTS:
            raise ValueError("取值无效，可选值：" + "、".join(SORTS))
        return value

    def filter_params(self) -> dict[str, list[str]]:
        """The values CadreFilter reads, as query-string lists ("true"/"false" for booleans)."""
        params: dict[str, list[str]] = {}
        values = self.model_dump(exclude={"page", "page_size", "deleted"}, exclude_none=True)
        for key, value in values.items():
            if isinstance(value, bool):
                value = "true" if value else "false"
            items = value if isinstance(value, list) else [value]
            if items:
                params[key] = [str(item) for item in items]
        return params


class UnitRefOut(Schema):
    id: int
    name: str = Field(title="单位名称")


class CadreItemOut(Schema):
    """One row of the list. The 公民身份号码 is masked here for everyone."""

    id: int
    name: str = Field(title="姓名")
    gender: str = Field(title="性别")
    gender_display: str
    birth_date: date = Field(title="出生年月")
    ethnicity: str = Field(title="民族")
    political_status: str = Field(title="政治面貌")
    unit: UnitRefOut = Field(title="工作单位")
    managed_by: str = Field(title="干部管理权限")
    managed_by_display: str
    current_post_title: str = Field(title="现任职务")
    tier: str = Field(title="职务层次")
    tier_display: str
    rank_grade: str = Field(title="职级")
    rank_grade_display: str
    highest_education: str = Field(title="最高学历")
    id_number_masked: str = Field(title="公民身份号码（脱敏）")
    version: int = Field(title="版本")
    deleted_at: datetime | None = Field(None, title="删除时间")

    @staticmethod
    def resolve_gender_display(obj: Any) -> str:
        return str(obj.get_gender_display())

    @staticmethod
    def resolve_managed_by_display(obj: Any) -> str:
        return str(obj.get_managed_by_display())

    @staticmethod
    def resolve_tier_display(obj: Any) -> str:
        return str(obj.get_tier_display()) if obj.tier else ""

    @staticmethod
    def resolve_rank_grade_display(obj: Any) -> str:
        return str(obj.get_rank_grade_display()) if obj.rank_grade else ""


class CadreListOut(Schema):
    count: int = Field(title="总数")
    page: int
    page_size: int
    items: list[CadreItemOut]


class EducationOut(Schema):
    id: int
    mode: str = Field(title="教育类别")
    level: str = Field(title="学历")
    degree: str = Field(title="学位")
    school: str = Field(title="毕业院校")
    major: str = Field(title="系及专业")
    start_date: date | None = Field(None, title="入学时间")
    end_date: date | None = Field(None, title="毕业时间")


class AppointmentOut(Schema):
    id: int
    post_id: int
    post_title: str = Field(title="职务名称")
    unit_name: str = Field(title="单位")
    tier: str = Field(title="职务层次")
    start_date: date = Field(title="任职时间")
    end_date: date | None = Field(None, title="免职时间")
    appoint_doc_no: str = Field(title="任职文号")
    removal_doc_no: str = Field(title="免职文号")

    @staticmethod
    def resolve_post_title(obj: Any) -> str:
        return str(obj.post.title)

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.post.unit.name)

    @staticmethod
    def resolve_tier(obj: Any) -> str:
        return str(obj.post.tier)


class RankRecordOut(Schema):
    id: int
    rank_grade: str = Field(title="职级")
    start_date: date = Field(title="任职级时间")
    end_date: date | None = Field(None, title="终止时间")
    doc_no: str = Field(title="文号")


class ResumeEntryOut(Schema):
    id: int
    start_date: date = Field(title="起始时间")
    end_date: date | None = Field(None, title="截止时间")
    text: str = Field(title="单位及职务")


class FamilyMemberOut(Schema):
    id: int
    relation: str = Field(title="称谓")
    name: str = Field(title="姓名")
    birth_date: date | None = Field(None, title="出生年月")
    political_status: str = Field(title="政治面貌")
    work_unit_and_post: str = Field(title="工作单位及职务")


class CadreRecordOut(CadreItemOut):
    """The scalar part of the detail."""

    native_place: str = Field(title="籍贯")
    birthplace: str = Field(title="出生地")
    party_join_date: date | None = Field(None, title="入党时间")
    work_start_date: date = Field(title="参加工作时间")
    health: str = Field(title="健康状况")
    professional_title: str = Field(title="专业技术职务")
    expertise: str = Field(title="熟悉专业有何专长")
    proposed_post: str = Field(title="拟任职务")
    proposed_removal: str = Field(title="拟免职务")
    created_at: datetime
    updated_at: datetime


class CadreDetailOut(CadreRecordOut):
    """The record with its parts. `id_number` is the full number for officers, else null."""

    id_number: str | None = Field(None, title="公民身份号码")
    educations: list[EducationOut]
    appointments: list[AppointmentOut]
    rank_records: list[RankRecordOut]
    resume_entries: list[ResumeEntryOut]
    family_members: list[FamilyMemberOut]
