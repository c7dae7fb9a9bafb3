"""Schemas of the frontline API (/api/v1/frontline/). Titles are the Chinese labels error messages
use to name a field."""

from datetime import date
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from apps.cadres.schemas import DateValue, InputSchema, ObjectId, Text
from apps.frontline.constants import DispatchKind, Hardship, TaskKind, TermGrade

MAX_PAGE_SIZE = 100


class PageParams(Schema):
    page: int = Field(1, ge=1, le=100_000, title="页码")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, title="每页条数")


class UnitRef(Schema):
    id: int
    name: str


class CadreRef(Schema):
    id: int
    name: str


class TaskRef(Schema):
    id: int
    name: str
    kind: str


class TaskOut(Schema):
    id: int
    name: str = Field(title="任务名称")
    kind: str = Field(title="任务类别")
    kind_label: str
    lead_unit: UnitRef
    participating_units: list[UnitRef]
    start_date: date
    end_date: date | None
    description: str
    participants: int = Field(title="参与干部人数（限数据范围）")
    version: int


class TaskListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[TaskOut]


class TaskListParams(PageParams):
    kind: TaskKind | None = Field(None, title="任务类别")
    status: str = Field("", pattern="^(|ongoing|ended)$", title="状态")
    q: str = Field("", max_length=50, title="任务名称")


class TaskIn(InputSchema):
    name: Text = Field(title="任务名称", min_length=1, max_length=100)
    kind: TaskKind = Field(title="任务类别")
    lead_unit: ObjectId = Field(title="牵头单位", description="单位编号")
    participating_units: list[ObjectId] = Field(default_factory=list, title="参与单位")
    start_date: DateValue = Field(title="开始日期")
    end_date: DateValue | None = Field(None, title="结束日期")
    description: Text = Field("", title="任务说明", max_length=5000)


class TaskUpdateIn(TaskIn):
    version: int = Field(title="版本", ge=1)


class ServiceOut(Schema):
    id: int
    cadre: CadreRef
    cadre_unit: UnitRef
    task: TaskRef | None
    kind: str = Field(title="一线类别")
    place: str = Field(title="工作地点")
    role: str = Field(title="担任角色")
    start_date: date
    end_date: date | None
    hardships: list[str] = Field(title="艰苦边远情形")
    counts_as_grassroots: bool
    from_dispatch: int | None = Field(title="来源选派编号")


class ServiceListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[ServiceOut]


class ServiceListParams(PageParams):
    task: ObjectId | None = Field(None, title="中心任务")
    kind: TaskKind | None = Field(None, title="一线类别")
    hardship: Hardship | None = Field(None, title="艰苦边远情形")
    unit: ObjectId | None = Field(None, title="单位（含下级）")
    serving: bool = Field(False, title="仍在一线")
    q: str = Field("", max_length=50, title="姓名或拼音")


class ServiceIn(InputSchema):
    task: ObjectId | None = Field(None, title="中心任务")
    kind: TaskKind | None = Field(None, title="一线类别", description="省略则取任务类别")
    place: Text = Field(title="工作地点", min_length=1, max_length=100)
    role: Text = Field(title="担任角色", min_length=1, max_length=100)
    start_date: DateValue = Field(title="开始日期")
    end_date: DateValue | None = Field(None, title="结束日期")
    high_altitude: bool = Field(False, title="高海拔地区")
    border: bool = Field(False, title="边境地区")
    remote: bool = Field(False, title="艰苦边远地区")
    poverty_county: bool = Field(False, title="重点帮扶县/原贫困县")
    counts_as_grassroots: bool = Field(False, title="计入基层工作经历")
    performance_notes: Text = Field("", title="表现情况", max_length=5000)


class CreditOut(Schema):
    cadre_id: int
    on: date
    total_days: int
    total_months: Decimal = Field(title="一线累计月数")
    by_kind: dict[str, Decimal]
    hardship_months: Decimal
    grassroots_months: Decimal
    threshold_months: int = Field(title="认定一线工作经历所需月数")
    qualifies: bool
    qualifies_on: date | None


class DispatchOut(Schema):
    id: int
    cadre: CadreRef
    kind: str = Field(title="选派类型")
    kind_label: str
    state: str = Field(title="状态")
    state_label: str
    task: TaskRef | None
    sending_unit: UnitRef
    target_unit: UnitRef
    target_post: str
    village: str
    full_time: bool
    counts_as_grassroots: bool
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None
    document_number: str
    term_grade: str
    version: int


class DispatchListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[DispatchOut]


class DispatchListParams(PageParams):
    state: str = Field("", max_length=16, title="状态", description="状态代码，或 serving（在岗）")
    kind: DispatchKind | None = Field(None, title="选派类型")
    county: ObjectId | None = Field(None, title="接收县（市、区）")
    task: ObjectId | None = Field(None, title="中心任务")
    ending: bool = Field(False, title="即将期满")
    q: str = Field("", max_length=50, title="姓名或拼音")


class DispatchIn(InputSchema):
    cadre: ObjectId = Field(title="干部")
    kind: DispatchKind = Field(title="选派类型")
    target_unit: ObjectId = Field(title="接收单位")
    target_post: Text = Field(title="拟任职务", min_length=1, max_length=100)
    village: Text = Field("", title="驻村名称", max_length=100)
    task: ObjectId | None = Field(None, title="中心任务")
    planned_start: DateValue = Field(title="计划开始日期")
    planned_end: DateValue = Field(title="任期届满日期")
    full_time: bool = Field(True, title="脱产（全职）")
    counts_as_grassroots: bool = Field(False, title="计入基层工作经历")
    reason: Text = Field("", title="选派理由", max_length=5000)


class VersionIn(InputSchema):
    version: int = Field(title="版本", ge=1)


class ApproveIn(VersionIn):
    document_number: Text = Field(title="批准文号", min_length=1, max_length=100)


class StartIn(VersionIn):
    actual_start: DateValue = Field(title="实际到岗日期")


class ExtendIn(VersionIn):
    new_planned_end: DateValue = Field(title="延期后届满日期")
    reason: Text = Field(title="延期理由", min_length=1, max_length=5000)


class ReturnIn(VersionIn):
    actual_end: DateValue = Field(title="实际离岗日期")
    note: Text = Field("", title="离岗说明", max_length=5000)


class RecallIn(VersionIn):
    actual_end: DateValue = Field(title="实际离岗日期")
    reason: Text = Field(title="召回理由", min_length=1, max_length=5000)


class CancelIn(VersionIn):
    reason: Text = Field(title="撤销理由", min_length=1, max_length=5000)


class AssessIn(VersionIn):
    grade: TermGrade = Field(title="期满考核等次")
    comment: Text = Field("", title="期满考核评语", max_length=5000)
    assessed_on: DateValue = Field(title="期满考核日期")
