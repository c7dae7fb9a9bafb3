"""A streaming .xlsx writer for list exports: one sheet, a bold header row, then the rows.

The sheet XML is written straight into a deflated zip member as the rows come, a few hundred
rows at a time, so memory holds the compressed file and one block of rows, never the rows
themselves (openpyxl's write-only mode spent about 8 µs per cell; this about 0.5 µs). The
package holds the parts a SpreadsheetML workbook needs (content types, relationships, the
workbook, a style sheet with a bold header style, the sheet), laid out as Excel writes them;
the tests read it back with openpyxl and calamine.

Cells:
- text is an inline string (`t="inlineStr"`, so no shared-string table is kept in memory), with
  XML escaped and the characters XML 1.0 forbids (control characters, lone surrogates,
  U+FFFE/U+FFFF) removed. Text is never written as a formula: "=HYPERLINK(…)", "-1+2" or "@x"
  stay text in the file (CSV/formula injection), whatever they start with;
- int, float and Decimal are numbers; bool is a boolean cell;
- dates and times are written as ISO text (the exports format their dates as text themselves);
- None and "" leave the cell empty; anything else is written as its text.
"""

import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from math import isfinite
from typing import Any

MAX_TITLE = 31  # Excel's limit on a sheet name
MAX_TEXT = 32_767  # Excel's limit on the characters of a cell
MAX_ROWS = 1_048_576  # rows in a sheet, the header included
BLOCK = 500  # rows encoded and compressed together

# Characters XML 1.0 does not allow (tab, LF and CR are allowed), and the three to escape.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_PRESERVE = ' xml:space="preserve"'

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0: the default; style 1: bold (the header row).
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)  # fmt: skip
_SHEET_START = _HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetData>'
_SHEET_END = "</sheetData></worksheet>"


def _escape(text: str) -> str:
    """Text as the content of an XML element: illegal characters removed, cut at MAX_TEXT, & < >
    escaped."""
    text = _ILLEGAL.sub("", text)[:MAX_TEXT]
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sheet_title(title: str) -> str:
    """A valid sheet name: Excel forbids []:*?/\\ and more than 31 characters."""
    cleaned = _TITLE_FORBIDDEN.sub("_", _ILLEGAL.sub("", title)).strip("'")[:MAX_TITLE]
    return cleaned or "Sheet1"


def _workbook(title: str) -> str:
    return (
        _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        "<bookViews><workbookView/></bookViews><sheets>"
        f'<sheet name="{_escape(title).replace(chr(34), "&quot;")}" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )


def _column(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _widen(columns: list[str], width: int) -> None:
    """Column letters up to `width` columns."""
    columns.extend(_column(i) for i in range(len(columns), width))


def _other_cell(ref: str, value: Any, style: str) -> str:
    """A cell of a value that is neither str nor int nor float (nor None): bool, Decimal, a
    subclass of int or float (an enum), a date, anything else as its text."""
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{style}><v>{int(value)}</v></c>'
    if isinstance(value, float) and isfinite(value):
        return f'<c r="{ref}"{style}><v>{float(value)!r}</v></c>'
    if isinstance(value, Decimal) and value.is_finite():
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, date | time):
        text = value.isoformat()
    else:
        text = str(value)
    return _text_cell(ref, text, style) if text else ""


def _text_cell(ref: str, text: str, style: str) -> str:
    if len(text) > MAX_TEXT or _SPECIAL.search(text):
        text = _escape(text)
    space = _PRESERVE if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _row(number: int, values: Sequence[Any], columns: list[str], style: str = "") -> str:
    """One <row> of the sheet XML; None and "" write no cell. This runs for every cell of the
    file, so the common cases (text, int) are inlined, and the row's text is searched once for
    characters to escape or remove before any cell is."""
    parts = [f'<row r="{number}">']
    add = parts.append
    joined = "\t".join([v for v in values if type(v) is str])
    clean = len(joined) <= MAX_TEXT and not _SPECIAL.search(joined)
    for index, value in enumerate(values):
        kind = type(value)
        if kind is str:
            if not value:
                continue
            if clean or (len(value) <= MAX_TEXT and not _SPECIAL.search(value)):
                text = value
            else:
                text = _escape(value)
            space = _PRESERVE if text != text.strip() else ""  # leading or trailing spaces
            add(
                f'<c r="{columns[index]}{number}"{style} t="inlineStr">'
                f"<is><t{space}>{text}</t></is></c>"
            )
        elif value is None:
            continue
        elif kind is int or (kind is float and isfinite(value)):
            add(f'<c r="{columns[index]}{number}"{style}><v>{value!r}</v></c>')
        else:
            add(_other_cell(f"{columns[index]}{number}", value, style))
    add("</row>")
    return "".join(parts)


def write_workbook(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    report: Callable[[int], None] | None = None,
    every: int = 200,
) -> tuple[bytes, int]:
    """The .xlsx file of one sheet `title` (headers in bold, then `rows`) and the number of
    rows written. `rows` is consumed once, as it comes; `report(done)` is called every `every`
    rows (progress of a job)."""
    columns: list[str] = []
    _widen(columns, len(headers))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _workbook(sheet_title(title)))
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_START.encode())
            block = [_row(1, [str(h) for h in headers], columns, ' s="1"')]
            count = 0
            for values in rows:
                if len(values) > len(columns):
                    _widen(columns, len(values))
                count += 1
                if count >= MAX_ROWS:
                    raise ValueError(f"超过 Excel 的行数上限（{MAX_ROWS - 1} 行），请缩小筛选范围")
                block.append(_row(count + 1, values, columns))
                if report is not None and count % every == 0:
                    report(count)
                if len(block) >= BLOCK:
                    sheet.write("".join(block).encode())
                    block.clear()
            block.append(_SHEET_END)
            sheet.write("".join(block).encode())
    return buffer.getvalue(), count
