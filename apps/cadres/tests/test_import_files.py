"""Files the import refuses as a whole, each with a clear Chinese message, and the formats it
reads: .xlsx, .xls, .ods, CSV in UTF-8 (with or without BOM), UTF-16 and GBK/GB18030."""

import base64
import io
import struct
import zipfile
import zlib
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from apps.cadres.importing import CADRES, UNITS, FileRefused, read_upload, template
from apps.cadres.importing.marked import marked_workbook
from apps.cadres.importing.readers import MAX_UNZIPPED
from apps.cadres.tests.test_import_support import (
    HEADERS,
    check,
    csv_bytes,
    person,
    reasons,
    xlsx,
)

# An Excel 97-2003 .xls (BIFF8, written with xlwt): header, one cadre of 甲县财政局 with a date
# cell, and a row whose 出生年月 is the number 1975.1 (typed 1975.10 into a number cell).
XLS = zlib.decompress(
    base64.b64decode(
        "".join(
            [
                "eNrtWFtIVEEY/ufs2Wt7NQ3U0EVIy0vsKl560LWyrAd3XddIxbzlIuGitShkQlnmm4YQFUUPLdhDBFYvXTCwy0sPgZEP",
                "QRC4RRD0UmAXRN3++ffsSa3AhRKM8y3zz3z/P5dvz5yZOee8mLLNhO6khGEFykAFixE9aJb4GCZ9jFgB45EIL8ZyHaaI",
                "gnUFvQ4nUqOGCdNzLZ9DPt9hEOC2+BgtwFtMjXAU3N1dfvsaYhdpaGVcQylaBlfRY4ZkUpVA9jDZjWRvUc2HZMvJM0K2",
                "FOvOsAaYcrmzS6S7uE7IoJgZeL/3qM1r8jghCZ7xu/jUKIvWVcPO4JHWwDoLpIlGGAOc0Ep/lz/IuQWugwGgHpFXVZVX",
                "UTEDiTjZY/AlYgeYja3qR3bFv7Z+Buj/vtyv/YNfh5O40n9eEAEGINJCi2QI9+VxkUdEFmz6MBr2dLfMw1NcBEAJ60zX",
                "m2oxy2rJqRGBzXnTe3uadB3osQWm/BpgAa8tcPPcgvubjx3HCi7/RKDt0vAwRp74rtW8P9To+eqfvYCRA74qj6n2Ux9G",
                "+FChfk3P7o7qi9iTvTndw4AV9+Id6NxR4tjuKETvfuwfNRQWOIoc+dztKHQWO5wFRdhXnvuYt8FbV6sGlt876csYcfnL",
                "G7HNpC/Uj5m7Y3ODgZ8+tFtZl+1WJlrFRrTtYKGyjdayFS/X/I3PL6vaql3N5BmgEyp6jm3hlw0icJq3wMZmiqjI8jMu",
                "m1rkkD1DvaZSOYVsIi40zDOrk6TC3kGqc5aimThOAWHalbWkvBXLQx+999OG3rm2YXm8MnwicfyVKwQZOGY7tue/Qchl",
                "uezKZY4HrljOpD3vDdnkX/Y/nWCVtEekw9oCC3zFI2xko4xfHSYzQbpWUaZCppKZiEyUmRqZWmYaZBqZaZFpZaZDppMU",
                "sd8oYqRIL9VnpMggM65og8y4IqPMuCKTzLgiPmsnBc40eH3m9glSjCuyyDW5IqukSKD/uVyRQIpsUl8CaUg1G6FMSIC7",
                "PIgnyk8YQIECBQoUKFCgYD2D0VNg9MlXpOe86FO1Vvqus4BpUflM8t+iBrrx14MvlXugC/Mg9MV1/2wCNYv1xVbZJva9",
                "kOMgjh6ETmgjHZ1x37/4VsSW/p9VN7T+vSUU7/iL8ej8x+P/AEdaEfw=",
            ]
        )
    )
)


def refused(data: bytes, name: str = "干部.xlsx") -> str:
    with pytest.raises(FileRefused) as exc:
        read_upload(data, name, preferred_sheet="干部信息")
    return exc.value.message


def file_error(data: bytes, actor, name: str = "干部.xlsx", **kwargs) -> str:
    result, plan = check(data, actor, name=name, **kwargs)
    assert plan is None and len(result.file_errors) == 1
    return result.file_errors[0]


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def patch_declared_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size the central directory declares for `member`."""
    raw = bytearray(data)
    at = raw.find(b"PK\x01\x02" + b"\x00" * 0, 0)
    while at != -1:
        name_len = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + name_len].decode() == member:
            struct.pack_into("<I", raw, at + 24, size)
        at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods(rows: list[list[str]], *, formula: bool = False) -> bytes:
    """A minimal OpenDocument spreadsheet (what WPS or LibreOffice save)."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            '<table:table-cell office:value-type="string"'
            + (' table:formula="of:=1+1"' if formula and value == "=" else "")
            + f"><text:p>{value}</text:p></table:table-cell>"
            for value in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="干部信息">{cells}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


class TestNotASpreadsheet:
    def test_empty_file(self):
        assert refused(b"") == "文件为空，请选择填写好的导入文件"
        assert refused(b"  \r\n", "干部.csv") == "文件为空，请选择填写好的导入文件"

    def test_renamed_docx(self):
        docx = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
        assert refused(docx).startswith("这是Word文档（.docx），不是电子表格")

    def test_renamed_doc_pdf_and_image(self):
        ole_doc = (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "WordDocument".encode("utf-16-le")
        )
        assert refused(ole_doc).startswith("这是Word文档（.doc）")
        assert refused(b"%PDF-1.7 ...").startswith("这是PDF文件")
        assert refused(b"\x89PNG\r\n\x1a\n....").startswith("这是图片文件")

    def test_html_saved_as_xls(self):
        html = "<html><body><table><tr><td>姓名</td></tr></table></body></html>".encode()
        assert "网页（HTML）" in refused(html, "干部.xls")

    def test_binary_and_unknown_text(self):
        assert refused(b"\x01\x02\x00\x03" * 50, "干部.xlsx").startswith("无法识别的文件格式")
        assert "内容不是Excel工作簿" in refused("姓名,民族\n".encode(), "干部.xlsx")

    def test_other_zip(self):
        assert refused(zip_of({"a.txt": b"x"})).startswith("这是一个压缩包")

    def test_corrupt_or_encrypted_xls(self):
        garbage = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07" * 2000
        assert refused(garbage, "干部.xls").startswith(
            "无法读取该工作簿：文件可能已损坏或设置了打开密码"
        )

    def test_corrupt_xlsx(self):
        assert refused(b"PK\x03\x04" + b"\x00" * 200) == "文件已损坏，无法作为Excel工作簿打开"


class TestZipBomb:
    def test_refused_by_compression_ratio_before_inflating(self):
        bomb = zip_of(
            {
                "[Content_Types].xml": b"<Types/>",
                "xl/workbook.xml": b"<workbook/>",
                "xl/worksheets/sheet1.xml": b" " * (20 * 1024 * 1024),
            }
        )
        assert len(bomb) < 100_000
        assert "疑似压缩炸弹" in refused(bomb)

    def test_refused_by_declared_size(self):
        data = patch_declared_size(xlsx([person()]), "xl/worksheets/sheet1.xml", 2**31)
        assert "疑似压缩炸弹" in refused(data)
        assert MAX_UNZIPPED == 200 * 1024 * 1024

    def test_size_understated_in_the_directory(self):
        """A member larger than declared fails the size/CRC check while streaming."""
        data = patch_declared_size(xlsx([person()] * 50), "xl/worksheets/sheet1.xml", 100)
        assert refused(data) == "文件已损坏，无法作为Excel工作簿打开"


class TestFormulaScan:
    """The quick scan for formula tags while inflating (a substring test first, then the
    pattern) finds every form of the tag, also across the 1 MB read chunks."""

    @pytest.mark.parametrize(
        ("xml", "found"),
        [
            (b'<c r="A1"><f>1+1</f><v>2</v></c>', True),
            (b'<c r="A2"><f t="shared" si="0"/></c>', True),
            (b'<x:c r="A1"><x:f>SUM(A2:A3)</x:f></x:c>', True),
            (b'<c r="A1" t="inlineStr"><is><t>&lt;f&gt; :f f</t></is></c>', False),
            (b"<c><v>1</v></c>", False),
        ],
    )
    def test_tags(self, xml, found):
        from apps.cadres.importing.readers import _inflate_checked

        member = "xl/worksheets/sheet1.xml"
        head = b"<sheetData>"
        split = 1024 * 1024 - len(head) - xml.find(b"f")  # the chunk ends right before the f
        for padding in (0, split):  # the tag inside one read chunk, or across two
            data = zip_of({member: b" " * padding + head + xml + b"</sheetData>"})
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                assert _inflate_checked(archive, member) is found


class TestLayout:
    def test_merged_header_cells(self, city, officer_a):
        book = Workbook()
        sheet = book.active
        sheet.title = "干部信息"
        sheet.append(HEADERS)
        sheet.append([person(unit_code=city.county_a_dept.code)[h] for h in HEADERS])
        sheet.merge_cells("M1:N1")  # 单位代码 + 单位名称 under one header
        buffer = io.BytesIO()
        book.save(buffer)
        message = file_error(buffer.getvalue(), officer_a)
        assert message.startswith("表头含合并单元格（M1:N1），请取消合并")

    def test_headers_not_matching_the_template(self, officer_a):
        headers = ["名字", *[h for h in HEADERS if h not in ("姓名", "政治面貌")], "备注"]
        message = file_error(xlsx([], headers=headers), officer_a)
        assert message == (
            "表头与导入模板不一致：以下列不是模板中的列：“名字”（A列）、“备注”（S列），"
            "请删除或改回模板列名；缺少必填列：姓名、政治面貌"
        )

    def test_missing_unit_columns_and_duplicate_header(self, officer_a):
        headers = [h for h in HEADERS if h not in ("单位代码", "单位名称")] + ["民族"]
        message = file_error(xlsx([], headers=headers), officer_a)
        assert "列“民族”重复出现" in message and "缺少单位列" in message

    def test_title_row_instead_of_header(self, officer_a):
        data = xlsx([HEADERS, ["张伟"]], headers=["干部信息登记表"])
        assert file_error(data, officer_a).startswith("第1行不是导入模板的表头")

    def test_no_data_rows(self, officer_a):
        assert file_error(xlsx([]), officer_a).startswith("文件中没有数据行")
        assert file_error(template(CADRES), officer_a).startswith("文件中没有数据行")

    def test_empty_first_row(self, officer_a):
        assert refused(xlsx([["张伟"]], headers=[])).startswith("第1行为空")

    def test_header_aliases_marks_and_optional_columns(self, city, officer_a):
        row = person(unit_code=city.county_a_dept.code)
        columns = {
            "姓名*": "姓名", "身份证号": "公民身份号码", "民族": "民族",
            "政治面貌（必填）": "政治面貌", "参加工作时间": "参加工作时间", "单位代码": "单位代码",
            "管理权限": "干部管理权限",
        }  # fmt: skip
        headers, values = list(columns), [row[h] for h in columns.values()]
        result, plan = check(xlsx([values], headers=headers), officer_a)
        assert result.problems == [] and result.counts["new"] == 1
        values_written, _ = plan.creates[0]
        assert "native_place" not in values_written  # a column left out is left unchanged

    def test_text_in_a_column_without_header(self, city, officer_a):
        row = [person(unit_code=city.county_a_dept.code)[h] for h in HEADERS] + ["", "备注"]
        result, _ = check(xlsx([row], headers=[*HEADERS, "", ""]), officer_a)
        assert reasons(result) == ["U列没有列名却填有内容，请补上模板列名或删除"]

    def test_sheet_chosen_by_name(self, city, officer_a):
        book = load_workbook(io.BytesIO(xlsx([person(unit_code=city.county_a_dept.code)])))
        book.create_sheet("填写说明", 0)
        buffer = io.BytesIO()
        book.save(buffer)
        result, _ = check(buffer.getvalue(), officer_a)
        assert result.sheet == "干部信息" and result.counts["new"] == 1


class TestRowLimit:
    def test_limit_is_inclusive(self, city, officer_a):
        rows = [person(unit_code=city.county_a_dept.code, serial=i) for i in range(6)]
        result, _ = check(xlsx(rows[:5]), officer_a, max_rows=5)
        assert result.file_errors == [] and result.counts["new"] == 5
        message = file_error(xlsx(rows), officer_a, max_rows=5)
        assert message == "数据行数为6行，超过单次导入上限5行，请拆分后分批导入"

    def test_blank_rows_do_not_count(self, city, officer_a):
        rows = [person(unit_code=city.county_a_dept.code, serial=i) for i in range(5)]
        result, _ = check(xlsx([rows[0], [], [None, "  "], *rows[1:]]), officer_a, max_rows=5)
        assert result.counts["new"] == 5
        assert [p.line for p in result.problems] == []

    def test_default_limit(self):
        from apps.cadres.importing import MAX_ROWS

        assert MAX_ROWS == 100_000


class TestFormats:
    def test_csv_encodings(self, city, officer_a):
        rows = [person("欧阳娜", gender="女", unit_name="甲县财政局", 籍贯="云南𠀀")]
        for encoding, label in (
            ("utf-8-sig", "UTF-8 (BOM)"),
            ("utf-8", "UTF-8"),
            ("gb18030", "GBK/GB18030"),
            ("utf-16", "UTF-16"),
        ):
            result, plan = check(csv_bytes(rows, encoding), officer_a, name="干部.csv")
            assert result.encoding == label and result.problems == [], encoding
            assert plan.creates[0][0]["name"] == "欧阳娜"
            assert plan.creates[0][0]["native_place"] == "云南𠀀"

    def test_gbk_csv_from_excel(self, city, officer_a):
        data = csv_bytes([person(unit_name="甲县财政局", 籍贯="云南")], "gbk")
        result, _ = check(data, officer_a, name="干部.csv")
        assert result.encoding == "GBK/GB18030" and result.counts["new"] == 1

    def test_tab_separated_text(self, city, officer_a):
        row = person(unit_name="甲县财政局")
        text = "\t".join(HEADERS) + "\n" + "\t".join(str(row[h]) for h in HEADERS) + "\n"
        result, _ = check(text.encode("utf-16"), officer_a, name="干部.txt")
        assert result.counts["new"] == 1

    def test_undecodable_csv(self):
        assert "无法识别CSV文件的编码" in refused(b"\xff\xfe\xfd,abc\n"[2:] + b"\xff", "a.csv")

    def test_formula_text_in_csv(self, city, officer_a):
        row = person(unit_name="甲县财政局", 籍贯="=HYPERLINK(1)")
        result, _ = check(csv_bytes([row]), officer_a, name="干部.csv")
        assert [(p.cell, p.reason) for p in result.problems] == [("E2", "不支持公式，请粘贴为数值")]

    def test_xls(self, city, officer_a):
        result, plan = check(XLS, officer_a, name="干部.xls")
        assert result.sheet == "干部信息"
        values, number = plan.creates[0]
        assert number == "530602198005170136" and values["work_start_date"] == date(2002, 7, 1)
        assert values["birth_date"] == date(1980, 5, 17)
        second = [p for p in result.problems if p.line == 3]
        assert all(p.header != "出生年月" for p in second)  # 1975.1 read as 1975.10

    def test_xls_renamed_xlsx_is_read_by_content(self, city, officer_a):
        result, _ = check(XLS, officer_a, name="干部.xlsx")
        assert result.sheet == "干部信息" and result.counts["new"] == 1

    def test_ods(self, city, officer_a):
        row = person(unit_name="甲县财政局")
        data = ods([HEADERS, [str(row[h]) for h in HEADERS]])
        result, _ = check(data, officer_a, name="干部.ods")
        assert result.problems == [] and result.counts["new"] == 1

    def test_ods_with_formula(self):
        assert "不支持公式" in refused(ods([["姓名"], ["="]], formula=True), "干部.ods")


class TestTemplateAndMarkedFile:
    def test_template(self):
        book = load_workbook(io.BytesIO(template(CADRES)))
        assert book.sheetnames == ["干部信息", "填写说明", "代码表"]
        data, guide, codes = book.worksheets
        assert [c.value for c in data[1]] == HEADERS
        assert codes.sheet_state == "hidden"
        validated = {str(v.sqref).split(":")[0] for v in data.data_validations.dataValidation}
        # 性别, 民族, 政治面貌, 干部管理权限, 职务层次, 职级, 最高学历 have drop-downs
        assert validated == {"B2", "D2", "H2", "O2", "Q2", "R2", "S2"}
        text = "\n".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
        assert (
            "公民身份号码" in text and "必填" in text and "县管" in text and "一级主任科员" in text
        )

    def test_unit_template(self):
        book = load_workbook(io.BytesIO(template(UNITS)))
        assert [c.value for c in book.worksheets[0][1]] == [
            "单位代码", "单位名称", "简称", "上级单位代码", "层级", "类别",
        ]  # fmt: skip

    def test_marked_workbook(self, city, officer_a):
        rows = [
            person(unit_code=city.county_a_dept.code, serial=1),
            person(unit_code="NOPE", 民族="火星族", serial=2),
            person(unit_code=city.county_a_dept.code, 籍贯="=1+2", serial=3),
        ]
        data = csv_bytes(rows)
        result, _ = check(data, officer_a, name="干部.csv")
        table = read_upload(data, "干部.csv", preferred_sheet="干部信息")
        book = load_workbook(io.BytesIO(marked_workbook(table, result.problems, title="干部信息")))
        sheet = book.active
        assert sheet.cell(1, len(HEADERS) + 1).value == "问题说明"
        assert sheet["A2"].fill.fgColor.rgb != "00FFC7CE"
        assert (
            sheet["D3"].fill.fgColor.rgb.endswith("FFC7CE") and "火星族" in sheet["D3"].comment.text
        )
        assert sheet["M3"].comment.text == "单位代码“NOPE”不存在"
        assert "民族：" in sheet.cell(3, len(HEADERS) + 1).value
        assert sheet["E4"].value == "=1+2" and sheet["E4"].data_type == "s"  # text, not a formula
