"""The 任免审批表 as a Word document (.docx, python-docx), laid out like the printed form.

The same layout as the HTML (layout.py): page 1 with the photo cell spanning the first four rows
and the 简历 as one tall cell, 简历（续） pages when it does not fit, page 2 with the sections and
the family table; page numbers in the footer.
"""

from collections.abc import Sequence
from io import BytesIO

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from .data import FormData, ResumeLine
from .layout import Layout, layout

FONT = "宋体"  # SimSun on the departments' Windows machines; WPS maps it on Linux
LEFT, CENTER, RIGHT = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
SIZES = {"": 12.0, "fs-s": 10.5, "fs-xs": 9.0}
PAGE1_COLS = (21, 24, 19, 24, 21, 25, 36)
PAGE2_COLS = (19, 14, 18, 12, 22, 19, 66)
PERIOD_INDENT = Pt(12 * 9)  # the 9em hanging indent of a resume line


def _font(run_or_style: object, size: float, *, bold: bool = False) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    element = run_or_style.element  # type: ignore[attr-defined]
    r_pr = element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.append(r_fonts)
    r_fonts.set(qn("w:eastAsia"), FONT)


def _write(
    cell: _Cell, text: str, *, size: float = 12.0, align: object = CENTER, top: bool = False
) -> None:
    """Replace the cell's text; line breaks kept."""
    paragraph = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    for run in list(paragraph.runs):
        run._element.getparent().remove(run._element)
    paragraph.alignment = align
    for i, part in enumerate(text.split("\n")):
        run = paragraph.add_run()
        _font(run, size)
        if i:
            run.add_break(WD_BREAK.LINE)
        run.add_text(part)
    cell.vertical_alignment = (
        WD_CELL_VERTICAL_ALIGNMENT.TOP if top else WD_CELL_VERTICAL_ALIGNMENT.CENTER
    )


def _resume(cell: _Cell, lines: Sequence[ResumeLine]) -> None:
    _write(cell, "", align=LEFT, top=True)
    first = True
    for line in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = LEFT
        fmt = paragraph.paragraph_format
        fmt.left_indent = PERIOD_INDENT
        fmt.first_line_indent = -PERIOD_INDENT
        fmt.tab_stops.add_tab_stop(PERIOD_INDENT)
        _font(paragraph.add_run(f"{line.period}\t{line.text}"), 12.0)


def _table(document: object, rows: int, widths: Sequence[int]) -> Table:
    table: Table = document.add_table(rows=rows, cols=len(widths))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    layout_el = OxmlElement("w:tblLayout")
    layout_el.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout_el)
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Mm(width)  # LibreOffice/WPS lay out by the grid, Word by the cells
    for tr in table._tbl.tr_lst:  # before any merge: one <w:tc> per grid column
        for tc, width in zip(tr.tc_lst, widths, strict=True):
            _Cell(tc, table).width = Mm(width)
    return table


def _at(table: Table, row: int, col: int) -> _Cell:
    """The cell at grid position (row, col). `Table.cell` rebuilds the whole table's cell grid on
    every call (a batch of 500 forms spent half its time there); this walks one row. Only for
    positions that are not the continuation of a vertical merge (the form never writes to those)."""
    grid = 0
    for tc in table._tbl.tr_lst[row].tc_lst:
        span = tc.grid_span
        if grid <= col < grid + span:
            return _Cell(tc, table)
        grid += span
    raise IndexError(f"no cell at ({row}, {col})")


def _heights(table: Table, heights: Sequence[float]) -> None:
    for row, height in zip(table.rows, heights, strict=True):
        row.height = Mm(height)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def _photo(cell: _Cell, form: FormData) -> None:
    if form.photo:
        try:
            image = Image.from_blob(form.photo)
            tall = image.px_height * 30 > image.px_width * 42  # taller than 30 × 42 mm
            run = cell.paragraphs[0].add_run()
            if tall:
                run.add_picture(BytesIO(form.photo), height=Mm(42))
            else:
                run.add_picture(BytesIO(form.photo), width=Mm(30))
            cell.paragraphs[0].alignment = CENTER
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            return
        except (UnrecognizedImageError, ValueError):
            pass
    _write(cell, "照　片")


def _title(document: object, text: str, size: float = 22.0, *, new_page: bool = False) -> None:
    paragraph: Paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = CENTER
    paragraph.paragraph_format.page_break_before = new_page
    paragraph.paragraph_format.space_after = Mm(3)
    _font(paragraph.add_run(text), size, bold=True)


def _page1(document: object, form: FormData, lay: Layout) -> None:
    _title(document, "干部任免审批表")
    t = _table(document, 10, PAGE1_COLS)
    _heights(t, (13.5, 13.5, 13.5, 15, 15, 15, 12, 12, 12, 125))
    c = lay.css

    def value(
        row: int, col: int, text: str, key: str, *, to: int | None = None, **kw: object
    ) -> None:
        cell = _at(t, row, col) if to is None else _at(t, row, col).merge(_at(t, row, to))
        _write(cell, text, size=SIZES[c.get(key, "")], **kw)  # type: ignore[arg-type]

    for row, labels in enumerate(
        (
            ("姓　名", "性　别", "出生年月\n（　岁）"),
            ("民　族", "籍　贯", "出生地"),
            ("入　党\n时　间", "参加工\n作时间", "健康状况"),
        )
    ):
        for i, label in enumerate(labels):
            _write(_at(t, row, i * 2), label)
    value(0, 1, form.name, "name")
    value(0, 3, form.gender, "gender")
    value(0, 5, form.birth_and_age, "birth_and_age")
    value(1, 1, form.ethnicity, "ethnicity")
    value(1, 3, form.native_place, "native_place")
    value(1, 5, form.birthplace, "birthplace")
    value(2, 1, form.party_join, "party_join")
    value(2, 3, form.work_start, "work_start")
    value(2, 5, form.health, "health")
    _photo(_at(t, 0, 6).merge(_at(t, 3, 6)), form)
    _write(_at(t, 3, 0), "专业技\n术职务")
    value(3, 1, form.professional_title, "professional_title", to=2)
    _write(_at(t, 3, 3), "熟悉专业\n有何专长")
    value(3, 4, form.expertise, "expertise", to=5)
    _write(_at(t, 4, 0).merge(_at(t, 5, 0)), "学　历\n学　位")
    for row, label, edu, key in (
        (4, "全日制\n教　育", form.full_time, "full_time"),
        (5, "在　职\n教　育", form.in_service, "in_service"),
    ):
        _write(_at(t, row, 1), label)
        value(row, 2, edu.degree, f"{key}_degree", to=3)
        _write(_at(t, row, 4), "毕业院校\n系及专业")
        value(row, 5, edu.school_major, f"{key}_school", to=6, align=LEFT)
    for row, label, text, key in (
        (6, "现任职务", form.current_post, "current_post"),
        (7, "拟任职务", form.proposed_post, "proposed_post"),
        (8, "拟免职务", form.proposed_removal, "proposed_removal"),
    ):
        _write(_at(t, row, 0), label)
        value(row, 1, text, key, to=6, align=LEFT)
    _write(_at(t, 9, 0), "简\n\n\n\n历")
    _resume(_at(t, 9, 1).merge(_at(t, 9, 6)), lay.resume_first)


def _continuation(document: object, form: FormData, lines: Sequence[ResumeLine]) -> None:
    _title(document, "干部任免审批表（续）", 18.0, new_page=True)
    paragraph: Paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    _font(paragraph.add_run(f"姓名：{form.name}"), 10.5)
    t = _table(document, 1, (21, 149))
    _heights(t, (240,))
    _write(_at(t, 0, 0), "简\n\n历\n\n（续）")
    _resume(_at(t, 0, 1), lines)


def _seal(cell: _Cell, text: str) -> None:
    _write(cell, text, align=LEFT, top=True)
    for line in ("", "（盖章）", "年　　月　　日"):
        paragraph = cell.add_paragraph()
        paragraph.alignment = RIGHT
        _font(paragraph.add_run(line), 12.0)


def _page2(document: object, form: FormData, lay: Layout) -> None:
    family_rows = len(form.family) + lay.family_padding
    rows = 3 + 1 + family_rows + 2
    t = _table(document, rows, PAGE2_COLS)
    _heights(t, (34, 14, 28, 13, *([10] * family_rows), 32, 46))
    for row, label, text in (
        (0, "奖\n惩\n情\n况", form.awards),
        (1, "年度考\n核结果", form.assessments),
        (2, "任\n免\n理\n由", form.reason),
    ):
        _write(_at(t, row, 0), label)
        _write(_at(t, row, 1).merge(_at(t, row, 6)), text, align=LEFT, top=True)
    _write(_at(t, 3, 0).merge(_at(t, 3 + family_rows, 0)), "家庭主要成员及重要社会关系")
    for col, label in enumerate(("称谓", "姓　名", "年龄", "政治\n面貌"), start=1):
        _write(_at(t, 3, col), label, size=10.5)
    _write(_at(t, 3, 5).merge(_at(t, 3, 6)), "工作单位及职务", size=10.5)
    for i in range(family_rows):
        row = 4 + i
        member = form.family[i] if i < len(form.family) else None
        texts = (
            (
                member.relation,
                member.name,
                "" if member.age is None else str(member.age),
                member.political_status,
            )
            if member
            else ("", "", "", "")
        )
        for col, text in enumerate(texts, start=1):
            _write(_at(t, row, col), text, size=10.5)
        _write(
            _at(t, row, 5).merge(_at(t, row, 6)),
            member.work if member else "",
            size=10.5,
            align=LEFT,
        )
    report = 4 + family_rows
    _write(_at(t, report, 0), "呈\n报\n单\n位")
    _seal(_at(t, report, 1).merge(_at(t, report, 6)), form.reporting_unit)
    _write(_at(t, report + 1, 0), "审批\n机关\n意见")
    _seal(_at(t, report + 1, 1).merge(_at(t, report + 1, 4)), form.approval_opinion)
    _write(_at(t, report + 1, 5), "行政\n机关\n任免\n意见")
    _seal(_at(t, report + 1, 6), form.admin_opinion)
    footer: Paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    footer.paragraph_format.tab_stops.add_tab_stop(Mm(170), alignment=RIGHT)
    _font(footer.add_run(f"填表人：{form.filled_by}\t填表时间：{form.on_text}"), 10.5)


def _field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _new_page(document: object) -> None:
    """A tiny paragraph starting a new page (Word has no page break before a table)."""
    paragraph: Paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    paragraph.paragraph_format.page_break_before = True
    _font(paragraph.add_run(""), 2.0)
    paragraph.paragraph_format.line_spacing = Pt(2)


def render_docx(form: FormData) -> bytes:
    """The form as a .docx file."""
    document = Document()
    normal = document.styles["Normal"]
    _font(normal, 12.0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(15), Mm(18)
    section.left_margin, section.right_margin = Mm(20), Mm(20)
    section.footer_distance = Mm(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = CENTER
    _font(footer.add_run("第 "), 9.0)
    _field(footer, "PAGE")
    _font(footer.add_run(" 页  共 "), 9.0)
    _field(footer, "NUMPAGES")
    _font(footer.add_run(" 页"), 9.0)
    document.core_properties.title = f"干部任免审批表（{form.name}）"

    lay = layout(form)
    _page1(document, form, lay)
    for lines in lay.resume_more:
        _continuation(document, form, lines)
    _new_page(document)
    _page2(document, form, lay)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
