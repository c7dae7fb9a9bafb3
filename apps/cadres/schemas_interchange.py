"""Output schemas of the interchange API: Excel/CSV import jobs and the LRMX import report."""

from ninja import Schema
from pydantic import Field

from .schemas import MAX_PAGE_SIZE


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
