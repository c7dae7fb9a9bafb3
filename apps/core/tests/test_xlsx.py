"""The streaming .xlsx writer of the list exports: what Excel, openpyxl and calamine read back."""

import tracemalloc
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from apps.core import xlsx


def read(content: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))


def sheet_xml(content: bytes) -> str:
    return zipfile.ZipFile(BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()


def test_headers_in_bold_then_the_rows():
    content, count = xlsx.write_workbook("干部名册", ["姓名", "年龄"], [["张伟", 45], ["李娜", 36]])
    book = load_workbook(BytesIO(content))
    sheet = book.active
    assert count == 2 and sheet.title == "干部名册"
    assert [c.font.b for c in sheet[1]] == [True, True] and not sheet["A2"].font.b
    assert read(content) == [("姓名", "年龄"), ("张伟", 45), ("李娜", 36)]


def test_numbers_are_numbers_and_empty_values_leave_the_cell_empty():
    row = [7, 2.5, Decimal("12.30"), True, None, "", 0, date(2021, 9, 1), datetime(2021, 9, 1, 8)]
    content, _ = xlsx.write_workbook("t", list("abcdefghi"), [row])
    sheet = load_workbook(BytesIO(content)).active
    cells = list(sheet[2])
    assert [c.value for c in cells[:4]] == [7, 2.5, 12.3, True]
    assert [c.data_type for c in cells[:4]] == ["n", "n", "n", "b"]
    assert cells[4].value is None and cells[5].value is None and cells[6].value == 0
    assert cells[7].value == "2021-09-01" and cells[8].value == "2021-09-01 08:00:00"  # as text


def test_xml_is_escaped_and_spaces_kept():
    texts = ["<b>\"甲\" & '乙'</b>", "  两边有空格  ", "多行\n文本\t制表", "]]>", "&amp;"]
    content, _ = xlsx.write_workbook("t", ["a", "b", "c", "d", "e"], [texts])
    assert read(content)[1] == tuple(texts)


def test_characters_illegal_in_xml_are_removed():
    text = "a\x00b\x01c\x0bd\x1fe\ud800f\ufffeg\uffffh"
    content, _ = xlsx.write_workbook("t", ["a", "b"], [[text, "正常"]])
    assert read(content)[1] == ("abcdefgh", "正常")
    calamine = CalamineWorkbook.from_filelike(BytesIO(content))
    assert calamine.get_sheet_by_index(0).to_python()[1] == ["abcdefgh", "正常"]


def test_text_that_looks_like_a_formula_is_written_as_text():
    formulas = ['=HYPERLINK("http://evil","点我")', "+1", "-1+2", "@SUM(A1)", "=1+1"]
    content, _ = xlsx.write_workbook("t", list("abcde"), [formulas])
    assert "<f>" not in sheet_xml(content)
    cells = list(load_workbook(BytesIO(content)).active[2])
    assert [c.data_type for c in cells] == ["s"] * 5
    assert [c.value for c in cells] == formulas


def test_text_longer_than_excel_allows_is_cut():
    content, _ = xlsx.write_workbook("t", ["a", "b"], [["长" * 40_000, "x<" * 20_000]])
    row = read(content)[1]
    assert row[0] == "长" * xlsx.MAX_TEXT
    assert row[1] == ("x<" * 20_000)[: xlsx.MAX_TEXT]


def test_sheet_title_is_made_valid():
    assert xlsx.sheet_title("a/b:c*d?e[f]g\\h") == "a_b_c_d_e_f_g_h"
    assert xlsx.sheet_title("很" * 40) == "很" * 31
    assert xlsx.sheet_title("") == "Sheet1"
    content, _ = xlsx.write_workbook('"甲&乙"/名单', ["a"], [])
    assert load_workbook(BytesIO(content)).active.title == '"甲&乙"_名单'


def test_rows_wider_than_the_header_get_their_columns():
    assert [xlsx._column(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    row = list(range(30))
    content, _ = xlsx.write_workbook("t", ["a"], [row])
    sheet = load_workbook(BytesIO(content)).active
    assert sheet["AD2"].value == 29 and read(content)[1] == tuple(row)


def test_progress_is_reported_and_too_many_rows_refused(monkeypatch):
    done: list[int] = []
    _, count = xlsx.write_workbook("t", ["a"], ([i] for i in range(450)), report=done.append)
    assert count == 450 and done == [200, 400]
    monkeypatch.setattr(xlsx, "MAX_ROWS", 11)
    with pytest.raises(ValueError, match="行数上限"):
        xlsx.write_workbook("t", ["a"], ([i] for i in range(11)))


def test_a_large_list_is_streamed_in_constant_memory():
    """50,000 rows from a generator: memory holds the compressed file and one block of rows,
    never the rows (each row's text is distinct, so keeping them would show)."""
    rows = 50_000

    def generate() -> Iterator[list[Any]]:
        for i in range(rows):
            yield [i, f"干部{i:06d}", "男" if i % 2 else "女", f"{1960 + i % 40}.{i % 12 + 1:02d}"]

    tracemalloc.start()
    try:
        kept = list(generate())
        kept_size, _ = tracemalloc.get_traced_memory()
        del kept
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        content, count = xlsx.write_workbook(
            "大名单", ["序号", "姓名", "性别", "出生年月"], generate()
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == rows
    assert peak - start < min(kept_size / 3, 5_000_000), (peak - start, kept_size, len(content))
    data = CalamineWorkbook.from_filelike(BytesIO(content)).get_sheet_by_index(0).to_python()
    assert len(data) == rows + 1 and data[-1] == [rows - 1, "干部049999", "男", "1999.08"]
