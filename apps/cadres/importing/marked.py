"""The upload given back with its problems marked: problem cells filled red with a comment
naming the reason, and a last column "问题说明" listing every problem of the row.

The workbook is rebuilt from the values read (write-only openpyxl, constant memory), so .xls
and .csv uploads come back as .xlsx too. Every row of the upload is kept, in its line, so the
user can fix the file and upload it again.
"""

from collections import defaultdict
from datetime import date, datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from .readers import Table
from .validation import Problem

RED = PatternFill("solid", fgColor="FFC7CE")
RED_FONT = Font(color="9C0006")
BOLD = Font(bold=True)
NOTE_HEADER = "问题说明"


def _cell(sheet: Any, value: Any) -> WriteOnlyCell:
    if value is None or value == "":
        return WriteOnlyCell(sheet, None)
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"  # a formula typed in a CSV stays text: never evaluated
    if isinstance(value, datetime | date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def marked_workbook(table: Table, problems: list[Problem], *, title: str) -> bytes:
    """The table with problem cells in red (comment = reasons) and a 问题说明 column."""
    by_cell: dict[tuple[int, int], list[str]] = defaultdict(list)
    by_line: dict[int, list[str]] = defaultdict(list)
    for p in problems:
        if p.column >= 0:
            by_cell[(p.line, p.column)].append(p.reason)
        by_line[p.line].append(f"{p.header}：{p.reason}" if p.header else p.reason)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    width = max([len(table.header), *(len(cells) for _, cells in table.rows)])
    header = [_cell(sheet, v) for v in table.header] + [None] * (width - len(table.header))
    note = WriteOnlyCell(sheet, NOTE_HEADER)
    note.font = BOLD
    sheet.append([*header, note])
    next_line = 2
    for line, cells in table.rows:
        while next_line < line:  # keep blank lines, so line numbers match the upload
            sheet.append([])
            next_line += 1
        out = []
        for column in range(width):
            cell = _cell(sheet, cells[column] if column < len(cells) else None)
            reasons = by_cell.get((line, column))
            if reasons:
                cell.fill = RED
                cell.comment = Comment("；".join(reasons), "担当系统", width=240, height=80)
            out.append(cell)
        reasons_text = "；".join(by_line.get(line, []))
        summary = WriteOnlyCell(sheet, reasons_text or None)
        if reasons_text:
            summary.font = RED_FONT
        sheet.append([*out, summary])
        next_line = line + 1
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
