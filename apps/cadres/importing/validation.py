"""Validate every row of a table against a record type (no writes) and keep the outcome.

The outcome (`Result`) is what the preview shows and the job stores as JSON: counts of new /
updated / unchanged / invalid rows and each problem as (row, column, value, reason). Values of
公民身份号码 are stored masked: the stored result must not become a copy of the upload.
"""

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from string import ascii_uppercase
from typing import Any

from apps.cadres.rules import mask_id_number

from .readers import FORMULA_MESSAGE, FileRefused, Table, column_letter
from .spec import Field, Kind, ParsedRow, Parser, RecordType, Status
from .values import CellError, cell_text

MAX_ROWS = 100_000
MAX_PROBLEMS = 100_000  # stored and shown; counts stay exact beyond it
_HEADER_NOISE = re.compile(r"[\s\u3000*＊]|[（(]必填[)）]")


@dataclass(frozen=True)
class Problem:
    """One problem: sheet line, 0-based column (-1 for the whole row), header, value, reason."""

    line: int
    column: int
    header: str
    value: str
    reason: str

    @property
    def cell(self) -> str:
        return f"{column_letter(self.column)}{self.line}" if self.column >= 0 else ""


@dataclass
class Result:
    """The validation outcome of one upload."""

    record_type: str
    file_errors: list[str] = field(default_factory=list)
    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Status})
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False
    sheet: str = ""
    encoding: str = ""

    @property
    def committable(self) -> bool:
        return not self.file_errors and self.total > 0 and self.counts[Status.INVALID] == 0

    def to_json(self) -> bytes:
        data = asdict(self)
        data["problems"] = [[p.line, p.column, p.header, p.value, p.reason] for p in self.problems]
        return json.dumps({"version": 1, **data}, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "Result":
        data = json.loads(raw)
        data.pop("version", None)
        data["problems"] = [Problem(*p) for p in data.get("problems", [])]
        return cls(**data)


def normalise_header(text: Any) -> str:
    return _HEADER_NOISE.sub("", cell_text(text))


@dataclass
class Columns:
    """Which sheet column holds which field."""

    fields: list[tuple[int, Field]]
    headers: dict[str, str]  # field name -> header as written in the file
    ignored: list[int]  # blank-header columns


def map_columns(record_type: RecordType, header: list[Any]) -> Columns:
    """Match the header row to the record type's fields; FileRefused names what is wrong."""
    known: dict[str, Field] = {}
    for spec in record_type.fields:
        for name in (spec.header, *spec.header_aliases):
            known[normalise_header(name)] = spec
    found: list[tuple[int, Field]] = []
    headers: dict[str, str] = {}
    unknown: list[str] = []
    ignored: list[int] = []
    errors: list[str] = []
    for index, cell in enumerate(header):
        text = normalise_header(cell)
        if not text:
            ignored.append(index)
            continue
        spec_or_none = known.get(text)
        if spec_or_none is None:
            unknown.append(f"“{cell_text(cell)}”（{column_letter(index)}列）")
        elif spec_or_none.name in headers:
            errors.append(f"列“{spec_or_none.header}”重复出现")
        else:
            found.append((index, spec_or_none))
            headers[spec_or_none.name] = cell_text(cell)
    if not found:
        raise FileRefused(
            "第1行不是导入模板的表头（如“"
            + "”“".join(f.header for f in record_type.fields[:3])
            + "”），请使用下载的导入模板"
        )
    if unknown:
        errors.append(f"以下列不是模板中的列：{'、'.join(unknown)}，请删除或改回模板列名")
    errors += record_type.header_errors(set(headers))
    if errors:
        raise FileRefused("表头与导入模板不一致：" + "；".join(errors))
    return Columns(found, headers, ignored)


def _shown(spec: Field | None, raw: Any) -> str:
    text = cell_text(raw)
    if spec is not None and spec.kind is Kind.ID_NUMBER and text:
        return mask_id_number(text)
    return text if len(text) <= 60 else text[:60] + "…"


def _cell(cells: list[Any], index: int) -> Any:
    return cells[index] if 0 <= index < len(cells) else None


def _refuse_merged(table: Table) -> None:
    if table.merged:
        on_header = any(r.split(":")[0].lstrip(ascii_uppercase) == "1" for r in table.merged)
        raise FileRefused(
            f"{'表头' if on_header else '工作表'}含合并单元格（{'、'.join(table.merged[:5])}），"
            "请取消合并：表头只占第1行，每条记录一行，然后重新上传"
        )


def _refuse_row_count(table: Table, max_rows: int) -> None:
    if not table.rows:
        raise FileRefused("文件中没有数据行：表头在第1行，数据从第2行开始填写")
    if len(table.rows) > max_rows:
        raise FileRefused(
            f"数据行数为{len(table.rows):,}行，超过单次导入上限{max_rows:,}行，请拆分后分批导入"
        )


def parse_rows(
    record_type: RecordType,
    table: Table,
    columns: Columns,
    *,
    today: date,
    report: Callable[[int], None] | None = None,
) -> list[ParsedRow]:
    """Read every cell of every row with its field's parser (formula cells are problems)."""
    parsers = [
        (index, spec.name, spec.kind is Kind.DATE, Parser(spec, today=today))
        for index, spec in columns.fields
    ]
    formulas = table.formulas
    rows: list[ParsedRow] = []
    for done, (line, cells) in enumerate(table.rows, start=1):
        row = ParsedRow(line, cells=cells)
        values = row.values
        width = len(cells)
        for index, name, is_date, parse in parsers:
            if formulas and (line, index) in formulas:
                row.add(name, FORMULA_MESSAGE)
                continue
            try:
                value = parse(cells[index] if index < width else None)
            except CellError as exc:
                row.add(name, str(exc))
                continue
            if is_date and value is not None:
                if value.month_only:
                    row.month_only.add(name)
                value = value.value
            values[name] = value
        for index in columns.ignored:
            if index < width and cell_text(cells[index]):
                row.add("", f"{column_letter(index)}列没有列名却填有内容，请补上模板列名或删除")
        rows.append(row)
        if report and done % 5000 == 0:
            report(done * 3 // 4)  # parsing is about three quarters of the work
    return rows


def mark_duplicates(record_type: RecordType, rows: list[ParsedRow]) -> None:
    """Rows sharing the upsert key inside the file: both rows get a problem naming the other."""
    first: dict[str, ParsedRow] = {}
    header = record_type.field(record_type.key_field).header
    for row in rows:
        key = record_type.key_of(row)
        if key is None:
            continue
        if key in first:
            other = first[key]
            row.add(record_type.key_field, f"与第{other.line}行的{header}重复")
            other.add(record_type.key_field, f"与第{row.line}行的{header}重复")
        else:
            first[key] = row


def validate(
    record_type: RecordType,
    table: Table,
    *,
    actor: Any,
    today: date,
    lock: bool = False,
    max_rows: int = MAX_ROWS,
    report: Callable[[int], None] | None = None,
) -> tuple[Result, Any]:
    """Check every row; return the outcome and the record type's plan (None if refused)."""
    result = Result(record_type.key, sheet=table.sheet, encoding=table.encoding)
    try:
        _refuse_merged(table)
        columns = map_columns(record_type, table.header)
        _refuse_row_count(table, max_rows)
    except FileRefused as exc:
        result.file_errors.append(exc.message)
        result.total = len(table.rows)
        return result, None
    rows = parse_rows(record_type, table, columns, today=today, report=report)
    mark_duplicates(record_type, rows)
    plan = record_type.check_rows(rows, actor=actor, today=today, lock=lock)
    result.total = len(rows)
    index_of = {spec.name: index for index, spec in columns.fields}
    specs = {spec.name: spec for spec in record_type.fields}
    for row in rows:
        status = row.status if row.ok else Status.INVALID
        result.counts[status] += 1
        for name, reason in row.problems:
            if len(result.problems) >= MAX_PROBLEMS:
                result.truncated = True
                break
            spec = specs.get(name)
            result.problems.append(
                Problem(
                    row.line,
                    index_of.get(name, -1),
                    columns.headers.get(name, spec.header if spec else ""),
                    _shown(spec, _cell(row.cells, index_of.get(name, -1))) if name else "",
                    reason,
                )
            )
    if report:
        report(len(rows))
    return result, plan
