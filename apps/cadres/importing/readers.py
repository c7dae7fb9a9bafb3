"""Read an uploaded spreadsheet into rows of cell values, refusing what is not one.

Formats are told by their bytes, not by the file name: .xlsx/.ods are zip files whose members
name the format, .xls is an OLE2 compound file, anything else must be CSV text (UTF-8 with or
without BOM, UTF-16 with BOM, GBK/GB18030). Zip files are inspected before any member is
inflated (declared sizes, then the real size while streaming), so a zip bomb is refused cheaply.
Values are read with python-calamine (cached values, never formulas); formula cells are located
in the worksheet XML and reported as problems.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from charset_normalizer import from_bytes
from defusedxml import ElementTree  # type: ignore[import-untyped]
from python_calamine import CalamineError, CalamineWorkbook

from apps.core.exceptions import DomainError

MAX_UNZIPPED = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 5_000
_RATIO_FLOOR = 1024 * 1024  # files this small cannot be bombs; tiny members compress oddly
_CHUNK = 1024 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z0-9_]+:)?f[\s>/]")  # xlsx: <f>…</f> in a cell
_ODS_FORMULA = re.compile(rb"table:formula=")
# Substrings without which a pattern cannot match (b"" for a pattern not listed: always search).
_MARKERS = {_FORMULA_TAG.pattern: (b"<f", b":f"), _ODS_FORMULA.pattern: (b"table:formula=",)}
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FORMULA_MESSAGE = "不支持公式，请粘贴为数值"


class FileRefused(DomainError):
    """The file as a whole cannot be imported (not a spreadsheet, bomb, bad header, …)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="import_file_refused")


@dataclass
class Table:
    """A sheet read into memory: header cells and data rows with their 1-based line numbers."""

    kind: str  # xlsx | xls | ods | csv
    sheet: str
    header: list[Any]
    rows: list[tuple[int, list[Any]]]  # non-blank data rows only
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (line, 0-based column)
    merged: list[str] = field(default_factory=list)  # "A1:C1"
    encoding: str = ""


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + ord(ch) - 64
    return value - 1


def _zip_kind(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100]
        if mimetype == b"application/vnd.oasis.opendocument.spreadsheet":
            return "ods"
        raise FileRefused("这是OpenDocument文字或演示文档，不是电子表格，请上传Excel工作簿")
    if any(n.startswith("word/") for n in names):
        raise FileRefused(
            "这是Word文档（.docx），不是电子表格；请下载导入模板，在Excel中填写后上传"
        )
    if any(n.startswith("ppt/") for n in names):
        raise FileRefused("这是PowerPoint演示文稿，不是电子表格，请上传Excel工作簿")
    raise FileRefused("这是一个压缩包，不是Excel工作簿，请解压后上传其中的.xlsx文件")


def sniff(data: bytes, filename: str) -> str:
    """The format of an upload from its bytes; FileRefused with a Chinese reason otherwise."""
    if not data.strip():
        raise FileRefused("文件为空，请选择填写好的导入文件")
    head = data[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return _zip_kind(archive)
        except zipfile.BadZipFile:
            raise FileRefused("文件已损坏，无法作为Excel工作簿打开") from None
    if head == OLE2:
        if b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in data[:65536]:
            raise FileRefused("这是Word文档（.doc），不是电子表格，请上传Excel工作簿")
        return "xls"
    if head.startswith(b"%PDF"):
        raise FileRefused("这是PDF文件，不能导入，请上传Excel工作簿或CSV文件")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise FileRefused("这是图片文件，不能导入，请上传Excel工作簿或CSV文件")
    lowered = data[:2048].lower()
    if b"<html" in lowered or b"<table" in lowered:
        raise FileRefused(
            "该文件实为网页（HTML）格式，只是扩展名为表格；请用Excel打开后“另存为”.xlsx再上传"
        )
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("无法识别的文件格式，请上传Excel工作簿（.xlsx/.xls）或CSV文件")
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix not in ("csv", "txt"):
        raise FileRefused(
            f"文件扩展名为.{suffix or '（无）'}，但内容不是Excel工作簿（可能改过扩展名），"
            "请上传.xlsx、.xls或.csv文件"
        )
    return "csv"


def guard_zip(data: bytes) -> zipfile.ZipFile:
    """Open a zip after checking the declared sizes (total and compression ratio)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    declared = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    too_big = declared > MAX_UNZIPPED
    too_dense = declared > _RATIO_FLOOR and declared > MAX_RATIO * max(packed, 1)
    if len(infos) > MAX_MEMBERS or too_big or too_dense:
        archive.close()
        raise FileRefused(
            f"文件解压后过大（约{declared // (1024 * 1024)}MB，压缩比异常），疑似压缩炸弹，已拒绝"
        )
    return archive


def _inflate_checked(
    archive: zipfile.ZipFile, formula_member: str | None, pattern: re.Pattern[bytes] = _FORMULA_TAG
) -> bool:
    """Inflate every member once, counting real bytes (declared sizes can lie); return whether
    the worksheet member contains a formula-like tag (a quick scan; `_formula_cells` is exact)."""
    total = 0
    seen_formula = False
    markers = _MARKERS.get(pattern.pattern, (b"",))
    for info in archive.infolist():
        scan = info.filename == formula_member
        tail = b""
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > MAX_UNZIPPED:
                    raise FileRefused("文件解压后超过200MB，疑似压缩炸弹，已拒绝")
                if scan and not seen_formula:
                    window = tail + chunk
                    # A match needs one of the marker's bytes (b"<f" or b":f" for the xlsx
                    # tag): the substring test is far cheaper than the search.
                    if any(m in window for m in markers):
                        seen_formula = bool(pattern.search(window))
                    tail = chunk[-16:]
    return seen_formula


def _xlsx_sheets(archive: zipfile.ZipFile) -> list[tuple[str, str, bool]]:
    """(name, worksheet XML member, visible) of each sheet, from xl/workbook.xml and its rels."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        raise FileRefused("文件已损坏，无法作为Excel工作簿打开") from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    sheets = []
    for node in book.iter():
        if node.tag.endswith("}sheet"):
            target = targets.get(node.get(f"{{{_REL_NS}}}id"), "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            visible = node.get("state", "visible") == "visible"
            sheets.append((node.get("name", ""), member, visible))
    if not sheets:
        raise FileRefused("工作簿中没有工作表")
    return sheets


def _choose(names: list[tuple[str, bool]], preferred: str) -> str:
    """The sheet named like the template's data sheet, else the first visible one."""
    for name, _ in names:
        if name == preferred:
            return name
    visible = [name for name, shown in names if shown]
    return (visible or [names[0][0]])[0]


def _formula_cells(archive: zipfile.ZipFile, member: str) -> set[tuple[int, int]]:
    """(line, column) of every cell holding a formula in a worksheet XML (streamed)."""
    found: set[tuple[int, int]] = set()
    with archive.open(member) as stream:
        for _, node in ElementTree.iterparse(stream, events=("end",)):
            tag = node.tag.rsplit("}", 1)[-1]
            if tag == "c":
                if any(child.tag.rsplit("}", 1)[-1] == "f" for child in node):
                    match = _CELL_REF.match(node.get("r", ""))
                    if match:
                        found.add((int(match.group(2)), column_index(match.group(1))))
                node.clear()
            elif tag == "row":
                node.clear()
    return found


def _merged(ranges: Any) -> list[str]:
    result = []
    for (r0, c0), (r1, c1) in ranges or []:
        result.append(f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}")
    return result


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _split(lines: list[list[Any]]) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    if not lines or _blank(lines[0]):
        raise FileRefused("第1行为空：第1行应为表头（与导入模板一致），数据从第2行开始")
    rows = [(i + 1, cells) for i, cells in enumerate(lines[1:], start=1) if not _blank(cells)]
    return lines[0], rows


def _scan_zip(data: bytes, kind: str, preferred: str) -> tuple[str | None, set[tuple[int, int]]]:
    """Guard an .xlsx/.ods against bombs before calamine touches it; return the sheet to read
    (xlsx) and its formula cells. An .ods with formulas is refused as a whole."""
    with guard_zip(data) as archive:
        if kind == "ods":
            if _inflate_checked(archive, "content.xml", _ODS_FORMULA):
                raise FileRefused(f"工作表含公式单元格：{FORMULA_MESSAGE}后重新上传")
            return None, set()
        sheets = _xlsx_sheets(archive)
        name = _choose([(n, shown) for n, _, shown in sheets], preferred)
        member = next(m for n, m, _ in sheets if n == name)
        has_formula = _inflate_checked(archive, member)
        return name, _formula_cells(archive, member) if has_formula else set()


def read_workbook(data: bytes, kind: str, preferred_sheet: str) -> Table:
    """An .xlsx/.xls/.ods upload: the preferred sheet (by name) or the first visible one."""
    name: str | None = None
    formulas: set[tuple[int, int]] = set()
    if kind in ("xlsx", "ods"):
        name, formulas = _scan_zip(data, kind, preferred_sheet)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if name is None:
            shown = [(m.name, str(m.visible).endswith(".Visible")) for m in book.sheets_metadata]
            name = _choose(shown, preferred_sheet)
        sheet = book.get_sheet_by_name(name)
        lines = sheet.to_python(skip_empty_area=False)
        merged = _merged(sheet.merged_cell_ranges)
    except (CalamineError, ValueError, OSError):
        raise FileRefused(
            "无法读取该工作簿：文件可能已损坏或设置了打开密码，请另存为不加密的.xlsx后重新上传"
        ) from None
    header, rows = _split(lines)
    return Table(kind, name, header, rows, formulas=formulas, merged=merged)


def decode_text(data: bytes) -> tuple[str, str]:
    """CSV bytes -> (text, encoding): BOMs first, then strict UTF-8, then GB18030 (a superset
    of GBK and GB2312, what Chinese Excel writes for "CSV (逗号分隔)")."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    for encoding, label in (("utf-8", "UTF-8"), ("gb18030", "GBK/GB18030")):
        try:
            return data.decode(encoding, errors="strict"), label
        except UnicodeDecodeError:
            continue
    guess = from_bytes(data[:65536]).best()
    named = f"（检测到的编码为{guess.encoding}）" if guess else ""
    raise FileRefused(f"无法识别CSV文件的编码{named}，请另存为UTF-8或GBK编码的CSV后重新上传")


def read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        lines: list[list[Any]] = list(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        )
    except csv.Error as exc:
        raise FileRefused(f"CSV文件格式错误：{exc}") from None
    header, rows = _split(lines)
    formulas = {
        (line, col)
        for line, cells in rows
        for col, value in enumerate(cells)
        if isinstance(value, str) and value.startswith("=")
    }
    return Table("csv", "CSV", header, rows, formulas=formulas, encoding=encoding)


def read_upload(data: bytes, filename: str, *, preferred_sheet: str) -> Table:
    """Sniff and read an upload; FileRefused says in Chinese why it cannot be imported."""
    kind = sniff(data, filename)
    if kind == "csv":
        return read_csv(data)
    try:
        return read_workbook(data, kind, preferred_sheet)
    except zipfile.BadZipFile:
        raise FileRefused("文件已损坏，无法作为Excel工作簿打开") from None
