"""Schemas of the interchange API: Excel/CSV import jobs, the LRMX import report, the batch
exports (任免审批表, LRMX) and the 三龄两历 check."""

from datetime import date
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, Field

from .checks import Code
from .lrmx.schema import MAX_BATCH
from .schemas import MAX_ID, MAX_PAGE_SIZE, DateValue, ObjectId

FORM_EARLIEST, FORM_LATEST = date(1950, 1, 1), date(2100, 12, 31)  # as the pages' form_date


class ImportProblemOut(Schema):
    row: int = Field(title="行号")
    cell: str = Field(title="单元格", description="如 G2；整行的问题为空")
    column: str = Field(title="列名")
    value: str = Field(title="内容", description="公民身份号码已脱敏")
    reason: str = Field(title="原因")


class ImportProblemsOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[ImportProblemOut]


class ImportCommitOut(Schema):
    job_id: int
    status: str = Field(description="queued / running / done / failed")
    progress: int
    total: int
    percent: int
    error: str
    counts: dict[str, int] = Field(description="created / updated / unchanged（完成后）")


class ImportJobOut(Schema):
    job_id: int
    type: str = Field(description="cadres / appointments / educations / family")
    type_label: str
    file_name: str
    status: str = Field(description="校验任务：queued / running / done / failed")
    progress: int
    total: int
    percent: int
    error: str
    file_errors: list[str] = Field(description="整个文件不能导入的原因（如表头不符）")
    counts: dict[str, int] | None = Field(
        description="校验完成后：new / updated / unchanged / invalid"
    )
    committable: bool = Field(description="校验完成且没有问题行：可以确认导入")
    truncated: bool = Field(description="问题超过100,000条时只保存前100,000条")
    problems: ImportProblemsOut
    commit: ImportCommitOut | None


class ProblemsQuery(Schema):
    page: int = Field(1, title="页码", ge=1)
    page_size: int = Field(50, title="每页条数", ge=1, le=MAX_PAGE_SIZE)


class LrmxFileOut(Schema):
    file: str = Field(title="文件名")
    status: str = Field(description="created / updated / refused / skipped")
    message: str
    person: str = Field(description="文件中的姓名")
    cadre_id: int | None = Field(description="导入后的干部编号（dry_run 时为空）")
    changed: list[str] = Field(description="更新时变化的项目")


class LrmxReportOut(Schema):
    dry_run: bool
    counts: dict[str, int]
    files: list[LrmxFileOut]


# Batch exports (任免审批表, LRMX) and the 三龄两历 check.


def _ids(value: list[int]) -> list[int]:
    """Selected cadre ids without repeats (in the order given), 1 to MAX_BATCH of them."""
    ids = list(dict.fromkeys(value))
    if not ids:
        raise ValueError("请至少选择一名干部")
    if len(ids) > MAX_BATCH:
        raise ValueError(f"一次最多{MAX_BATCH}人，当前选择了{len(ids)}人，请分批处理")
    return ids


def _form_day(value: date | None) -> date | None:
    if value is not None and not FORM_EARLIEST <= value <= FORM_LATEST:
        raise ValueError(f"应在{FORM_EARLIEST:%Y-%m-%d}至{FORM_LATEST:%Y-%m-%d}之间")
    return value


CadreIds = Annotated[list[ObjectId], AfterValidator(_ids)]


class AppointmentFormsBatchIn(Schema):
    ids: CadreIds = Field(title="干部编号", description=f"所选干部的编号（1–{MAX_BATCH}个）")
    format: Literal["pdf", "zip", "docx"] = Field(
        "pdf",
        title="格式",
        description="pdf：合并为一个 PDF；zip（或 docx）：每人一个 .docx 的压缩包",
    )
    on: Annotated[DateValue | None, AfterValidator(_form_day)] = Field(
        None, title="填表日期", description="年龄计算到该日；默认今天"
    )


class CadreExportIn(Schema):
    query: str | dict[str, str | int | list[str | int]] = Field(
        "",
        title="筛选条件",
        description="干部名册页面的查询参数（筛选、排序、所选列 cols），与页面地址 ? 之后的部分"
        "相同：查询字符串或对象；page、page_size 不起作用",
    )
    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list,
        title="所选干部",
        description="只导出这些干部（“导出所选”，最多1000个；仍限于数据范围）；给出时忽略筛选条件",
        max_length=1000,
    )
    hidden_columns: list[
        Literal[
            "gender",
            "birth_date",
            "ethnicity",
            "work_start_date",
            "unit",
            "post",
            "tier",
            "rank",
            "education",
            "managed_by",
        ]
    ] = Field(default_factory=list, title="不导出的列", description="页面“显示列”中隐藏的列")


class LrmxBatchIn(Schema):
    ids: CadreIds = Field(title="干部编号", description=f"所选干部的编号（1–{MAX_BATCH}个）")


class CheckIssueOut(Schema):
    code: str = Field(description="核查项代码，如 party_age、resume_gap")
    label: str = Field(description="核查项，如 入党时未满18周岁")
    message: str = Field(description="问题说明（含涉及的日期）")
    fields: list[str] = Field(
        description="涉及的字段：birth_date、work_start_date、party_join_date、highest_education"
        "，或子集 education、resume、appointment"
    )
    field_labels: list[str] = Field(description="涉及字段的中文名")


class CadreChecksOut(Schema):
    cadre_id: int
    name: str
    count: int = Field(description="问题条数")
    issues: list[CheckIssueOut]


class ChecksReportQuery(Schema):
    unit: int | None = Field(
        None, title="单位", ge=1, le=MAX_ID, description="只核查该单位及下级单位的干部"
    )
    code: Code | None = Field(None, title="核查项", description="只列出该核查项的问题")
    sort: Literal["unit", "name", "-name", "-count"] = Field(
        "unit", title="排序", description="unit：按单位；name/-name：按姓名；-count：问题多的在前"
    )
    page: int = Field(1, title="页码", ge=1)
    page_size: int = Field(50, title="每页条数", ge=1, le=MAX_PAGE_SIZE)


class CheckedCadreOut(Schema):
    cadre_id: int
    name: str
    unit_name: str
    birth_date: date
    work_start_date: date | None
    party_join_date: date | None
    issues: list[CheckIssueOut]


class CheckCountOut(Schema):
    code: str
    label: str
    cadres: int = Field(description="有该问题的干部人数")
    issues: int = Field(description="该问题的条数")


class ChecksReportOut(Schema):
    checked: int = Field(description="核查的干部人数（数据范围内，按单位筛选后）")
    count: int = Field(description="有问题的干部人数（按核查项筛选后）；分页按此计数")
    issue_total: int = Field(description="问题总条数（按核查项筛选后）")
    counts: list[CheckCountOut] = Field(description="各核查项的人数和条数（不受核查项筛选影响）")
    page: int
    page_size: int
    items: list[CheckedCadreOut]
