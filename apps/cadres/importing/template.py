"""The downloadable template of a record type: one header row, drop-downs for coded columns,
text-formatted cells (so 公民身份号码 and 1975.10 stay as typed), and a 填写说明 sheet."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .readers import column_letter
from .spec import Field, Kind, RecordType
from .validation import MAX_ROWS

GUIDE_TITLE = "填写说明"
CODES_TITLE = "代码表"
HEADER_FILL = PatternFill("solid", fgColor="DCE7F5")
REQUIRED_FONT = Font(bold=True, color="C00000")
OPTIONAL_FONT = Font(bold=True)
KIND_FORMATS = {
    Kind.TEXT: "文本",
    Kind.CODE: "文本（代码，空格会被忽略）",
    Kind.DATE: "日期",
    Kind.CHOICE: "从下拉列表选择",
    Kind.ID_NUMBER: "18位公民身份号码",
}


def _format_of(spec: Field) -> str:
    text = KIND_FORMATS[spec.kind]
    if spec.max_length and spec.kind in (Kind.TEXT, Kind.CODE):
        text += f"，最多{spec.max_length}个字"
    return text + (f"。{spec.guide}" if spec.guide else "")


def _allowed(spec: Field) -> str:
    return "、".join(spec.labels) if spec.kind is Kind.CHOICE else ""


def _data_sheet(book: Workbook, record_type: RecordType) -> None:
    sheet = book.active
    sheet.title = record_type.sheet_title
    codes = book.create_sheet(CODES_TITLE)
    codes.sheet_state = "hidden"
    code_column = 0
    last_row = MAX_ROWS + 1
    for index, spec in enumerate(record_type.fields):
        letter = column_letter(index)
        cell = sheet.cell(row=1, column=index + 1, value=spec.header)
        cell.font = REQUIRED_FONT if spec.required else OPTIONAL_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        note = ("必填。" if spec.required else "选填。") + _format_of(spec)
        cell.comment = Comment(note, "担当系统", width=260, height=120)
        sheet.column_dimensions[letter].width = spec.width
        sheet.column_dimensions[letter].number_format = "@"
        if spec.kind is not Kind.CHOICE:
            continue
        code_letter = column_letter(code_column)
        codes.cell(row=1, column=code_column + 1, value=spec.header)
        for offset, label in enumerate(spec.labels, start=2):
            codes.cell(row=offset, column=code_column + 1, value=label)
        end = len(spec.labels) + 1
        validation = DataValidation(
            type="list",
            formula1=f"'{CODES_TITLE}'!${code_letter}$2:${code_letter}${end}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="无效的值",
            error=f"请从下拉列表中选择{spec.header}",
        )
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)
        code_column += 1
    sheet.freeze_panes = "A2"


def _guide_sheet(book: Workbook, record_type: RecordType) -> None:
    guide = book.create_sheet(GUIDE_TITLE, 1)
    guide.append([f"{record_type.label}导入模板 · 填写说明"])
    guide["A1"].font = Font(bold=True, size=14)
    general = (
        f"请在“{record_type.sheet_title}”工作表填写：第1行是表头，不要修改、合并或插入标题行；"
        "数据从第2行开始，每行一条。",
        f"单次最多导入{MAX_ROWS:,}行；支持.xlsx、.xls和.csv（UTF-8或GBK编码）文件。",
        "单元格请填写数值，不要使用公式；红色列名为必填列。",
        "上传后系统会先逐行校验并显示预览（新增、更新、未变化、有问题的行数），"
        "全部无误后才能确认导入；导入一次完成，出错时不会导入任何数据。",
        *record_type.notes,
    )
    for line in general:
        guide.append([line])
    guide.append([])
    header_row = guide.max_row + 1
    guide.append(["列名", "是否必填", "格式要求", "可选值", "示例"])
    for cell in guide[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for spec in record_type.fields:
        guide.append(
            [
                spec.header,
                "必填" if spec.required else "选填",
                _format_of(spec),
                _allowed(spec),
                spec.example,
            ]
        )
    for letter, width in zip("ABCDE", (16, 10, 60, 60, 22), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def template(record_type: RecordType) -> bytes:
    """The .xlsx template of a record type."""
    book = Workbook()
    _data_sheet(book, record_type)
    _guide_sheet(book, record_type)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
