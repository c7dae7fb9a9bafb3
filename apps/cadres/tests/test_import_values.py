"""Cell parsing without the database: dates as people type them, coded values, id numbers."""

from datetime import date, datetime

import pytest

from apps.cadres.importing.cadre_fields import CADRE_FIELDS
from apps.cadres.importing.spec import Parser
from apps.cadres.importing.values import CellError, DateValue, cell_text, parse_date

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1975.03", DateValue(date(1975, 3, 1), True)),
        ("1975.3", DateValue(date(1975, 3, 1), True)),
        ("1975-03", DateValue(date(1975, 3, 1), True)),
        ("1975/3", DateValue(date(1975, 3, 1), True)),
        ("1975年3月", DateValue(date(1975, 3, 1), True)),
        ("197503", DateValue(date(1975, 3, 1), True)),
        ("1975-03-01", DateValue(date(1975, 3, 1), False)),
        ("1975/3/1", DateValue(date(1975, 3, 1), False)),
        ("1975.03.17", DateValue(date(1975, 3, 17), False)),
        ("1975年3月17日", DateValue(date(1975, 3, 17), False)),
        ("19750317", DateValue(date(1975, 3, 17), False)),
        ("１９７５．０３", DateValue(date(1975, 3, 1), True)),  # full-width input method
        (" 1975.03 ", DateValue(date(1975, 3, 1), True)),
        ("1975-03-17 00:00:00", DateValue(date(1975, 3, 17), False)),
        (date(1975, 3, 17), DateValue(date(1975, 3, 17), False)),  # calamine date cell
        (datetime(1975, 3, 17, 0, 0), DateValue(date(1975, 3, 17), False)),
        (27470.0, DateValue(date(1975, 3, 17), False)),  # Excel serial number (float)
        (27470, DateValue(date(1975, 3, 17), False)),
        ("27470", DateValue(date(1975, 3, 17), False)),  # a serial that became text (CSV)
        (1975.03, DateValue(date(1975, 3, 1), True)),  # typed into a number cell
        (1975.1, DateValue(date(1975, 10, 1), True)),  # Excel dropped the 0 of 1975.10
        (1975.12, DateValue(date(1975, 12, 1), True)),
        (197503.0, DateValue(date(1975, 3, 1), True)),
        (19750317.0, DateValue(date(1975, 3, 17), False)),
        ("2026.06", DateValue(date(2026, 6, 1), True)),  # this month is not in the future
    ],
)
def test_date_variants(raw, expected):
    assert parse_date(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1975.13", "日期“1975.13”不存在，请核对"),
        ("1975.02.30", "日期“1975.02.30”不存在，请核对"),
        ("1975", "日期“1975”只有年份，请填写到月份，如 1975.01"),
        ("75.03", "无法识别的日期“75.03”，请按 1975.03 或 1975-03-01 的格式填写"),
        ("三月", "无法识别的日期“三月”，请按 1975.03 或 1975-03-01 的格式填写"),
        ("2026.07", "日期晚于今天（2026-06-01），请核对"),
        (date(2026, 6, 2), "日期晚于今天（2026-06-01），请核对"),
        ("1899.12", "日期早于1900年，请核对"),
        (True, "不是日期"),
    ],
)
def test_bad_dates(raw, message):
    with pytest.raises(CellError) as exc:
        parse_date(raw, today=TODAY)
    assert str(exc.value) == message


def parser(header: str) -> Parser:
    return Parser(next(f for f in CADRE_FIELDS if f.header == header), today=TODAY)


@pytest.mark.parametrize(
    ("header", "raw", "expected"),
    [
        ("性别", "男", "male"),
        ("性别", " 女 ", "female"),
        ("性别", "female", "female"),
        ("民族", "汉", "汉族"),
        ("民族", "蒙古", "蒙古族"),
        ("政治面貌", "中共党员", "cpc"),
        ("政治面貌", "九三学社社员", "democratic_party"),
        ("职务层次", "县处级副职", "division_deputy"),
        ("职务层次", "正科", "section_principal"),
        ("职级", "一级主任科员", "principal_staff_1"),
        ("最高学历", "大专", "associate"),
        ("干部管理权限", "市管", "city"),
        ("籍贯", "  云南　昭通 ", "云南 昭通"),
        ("单位代码", " 5306 02 ", "530602"),
        ("单位代码", 530602.0, "530602"),  # a code typed into a number cell
        ("公民身份号码", "53060219800517001x", "53060219800517001x"),
        ("入党时间", "", None),
        ("籍贯", None, ""),
    ],
)
def test_parsers(header, raw, expected):
    assert parser(header)(raw) == expected


@pytest.mark.parametrize(
    ("header", "raw", "message"),
    [
        ("姓名", "", "必填项未填写"),
        ("姓名", "　", "必填项未填写"),
        ("性别", "未知", "“未知”不是有效的性别（可选：男、女）"),
        ("公民身份号码", 5.30602198005170e17, "公民身份号码被Excel存成了数值"),
        ("公民身份号码", "5.30602E+17", "公民身份号码显示为科学计数法"),
        ("籍贯", "云" * 51, "超过长度限制（最多50个字，实有51个字）"),
    ],
)
def test_parser_errors(header, raw, message):
    with pytest.raises(CellError) as exc:
        parser(header)(raw)
    assert str(exc.value).startswith(message)


def test_cell_text():
    assert cell_text(12.0) == "12" and cell_text(1.5) == "1.5" and cell_text(None) == ""
    assert cell_text(datetime(2020, 1, 2, 3, 4, 5)) == "2020-01-02 03:04:05"


def _outcome(parse, raw):
    try:
        return ("value", parse(raw))
    except CellError as exc:
        return ("error", str(exc))


@pytest.mark.parametrize("header", [f.header for f in CADRE_FIELDS])
def test_remembered_outcomes_are_the_outcomes(header):
    """Each distinct text of a column is parsed once and remembered (dates, coded values,
    codes): asking again gives the same value or the same refusal as parsing anew."""
    samples = [
        "1975.03", " 1975.3 ", "1975-03-01", "197503", "1975", "2099.01", "1899.12", "abc", "",
        "　", "男", " 女 ", "female", "未知", "汉", "中共党员", "县管", "正科", "大专", "5306 02",
        "５３０６０２", "53060219800517001x", "5.30602E+17", "53060219800517001X", "云" * 51,
        "张伟", None, 1975.03, 197503, 530602.0, 30000,
    ]  # fmt: skip
    spec = next(f for f in CADRE_FIELDS if f.header == header)
    remembered = Parser(spec, today=TODAY)
    first = [_outcome(remembered, raw) for raw in samples]
    again = [_outcome(remembered, raw) for raw in samples]
    unremembered = [_outcome(Parser(spec, today=TODAY)._parse, raw) for raw in samples]
    assert first == again == unremembered


def test_id_number_plain_text_reads_as_before():
    """The id number column reads ASCII letters and digits without cell_text/compact: the same
    text as the general path, and the same refusal of scientific notation."""
    from apps.cadres.importing.values import id_number_text

    parse = parser("公民身份号码")
    for raw in ("53060219800517001x", "530602198005170016", "5E17", "1e+17", "ABC", "12"):
        assert _outcome(parse, raw) == _outcome(id_number_text, raw)
