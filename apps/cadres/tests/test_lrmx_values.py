"""LRMX values without the database: every date variant, 入党时间 free text, codes, 学历学位,
毕业院校 splitting and 简历 lines both ways."""

from datetime import date

import pytest

from apps.cadres.constants import Degree, EducationLevel, PoliticalStatus
from apps.cadres.lrmx import values


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("198005", date(1980, 5, 1)),
        ("1980.05", date(1980, 5, 1)),
        ("1980.5", date(1980, 5, 1)),
        ("1980-05", date(1980, 5, 1)),
        ("1980/05", date(1980, 5, 1)),
        ("1980年05月", date(1980, 5, 1)),
        ("1980年5月", date(1980, 5, 1)),
        ("19800517", date(1980, 5, 17)),
        ("1980.05.17", date(1980, 5, 17)),
        ("1980-05-17", date(1980, 5, 17)),
        ("1980年5月17日", date(1980, 5, 17)),
        ("1980", date(1980, 1, 1)),
        ("１９８０．０５", date(1980, 5, 1)),  # full-width input
        (" 198005 \n", date(1980, 5, 1)),
        ("", None),
        ("   ", None),
    ],
)
def test_every_date_variant(raw, expected):
    assert values.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["1980.13", "19800231", "不详", "80.05", "1800.01", "1980.05.17.1"])
def test_bad_dates_are_refused_in_chinese(raw):
    with pytest.raises(ValueError, match="日期"):
        values.parse_date(raw)


def test_canonical_date_formats():
    assert values.month_code(date(1980, 5, 17)) == "198005"
    assert values.month_code(None) == ""
    assert values.day_code(date(2026, 1, 5)) == "20260105"
    assert values.dotted(date(1998, 9, 1)) == "1998.09"


@pytest.mark.parametrize(
    ("raw", "status", "joined", "other"),
    [
        ("199806", PoliticalStatus.CPC, date(1998, 6, 1), ""),
        ("1998.06", PoliticalStatus.CPC, date(1998, 6, 1), ""),
        ("1998年6月", PoliticalStatus.CPC, date(1998, 6, 1), ""),
        ("199806；民盟", PoliticalStatus.CPC, date(1998, 6, 1), "民盟"),
        ("1998.06;九三学社", PoliticalStatus.CPC, date(1998, 6, 1), "九三学社"),
        ("1998.06（预备党员）", PoliticalStatus.CPC_PROBATIONARY, date(1998, 6, 1), ""),
        ("民盟", PoliticalStatus.DEMOCRATIC_PARTY, None, ""),
        ("中国民主促进会", PoliticalStatus.DEMOCRATIC_PARTY, None, ""),
        ("中共党员", PoliticalStatus.CPC, None, ""),
        ("群众", PoliticalStatus.NONE, None, ""),
        ("无党派人士", PoliticalStatus.NONE, None, ""),
        ("", "", None, ""),
    ],
)
def test_party_join_free_text(raw, status, joined, other):
    assert values.parse_party(raw) == values.Party(status, joined, other)


def test_unknown_party_text_is_refused():
    with pytest.raises(ValueError, match="政治面貌"):
        values.parse_party("某某会")


def test_party_text_on_export():
    assert values.party_text(PoliticalStatus.CPC, date(2001, 6, 1)) == "200106"
    assert values.party_text(PoliticalStatus.CPC, None) == "中共党员"
    assert values.party_text(PoliticalStatus.DEMOCRATIC_PARTY, None) == "民主党派"
    assert values.party_text(PoliticalStatus.NONE, None) == ""
    for status in PoliticalStatus.values:  # what is written reads back as the same status
        text = values.party_text(status, date(2001, 6, 1))
        expected = "" if status in (PoliticalStatus.NONE, PoliticalStatus.CYL) else status
        assert values.parse_party(text).status == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [("01", PoliticalStatus.CPC), ("03", PoliticalStatus.CYL), ("05", "democratic_party")],
)
def test_family_political_status_codes(raw, code):
    assert values.parse_political_status(raw) == code


def test_gender_and_ethnicity():
    assert values.parse_gender("男") == "male"
    assert values.parse_gender("2") == "female"
    with pytest.raises(ValueError, match="性别"):
        values.parse_gender("未知")
    assert values.parse_ethnicity("汉族") == "汉族"
    assert values.parse_ethnicity("彝") == "彝族"
    assert values.parse_ethnicity("01") == "汉族"
    assert values.parse_ethnicity("56") == "基诺族"
    with pytest.raises(ValueError, match="民族"):
        values.parse_ethnicity("火星族")


@pytest.mark.parametrize(
    ("raw", "degree", "level"),
    [
        ("大学本科", "", EducationLevel.BACHELOR),
        ("大学", "", EducationLevel.BACHELOR),
        ("本科", "", EducationLevel.BACHELOR),
        ("大学专科", "", EducationLevel.ASSOCIATE),
        ("大专", "", EducationLevel.ASSOCIATE),
        ("中专", "", EducationLevel.SECONDARY),
        ("高中", "", EducationLevel.HIGH_SCHOOL),
        ("硕士研究生", "", EducationLevel.MASTER),
        ("研究生", Degree.MASTER, EducationLevel.MASTER),
        ("研究生", Degree.DOCTOR, EducationLevel.DOCTORATE),
        ("博士研究生", "", EducationLevel.DOCTORATE),
        ("中央党校研究生", "", EducationLevel.MASTER),
    ],
)
def test_education_levels(raw, degree, level):
    assert values.parse_level(raw, degree) == level


def test_degrees():
    assert values.parse_degree("学士学位") == Degree.BACHELOR
    assert values.parse_degree("经济学学士") == Degree.BACHELOR
    assert values.parse_degree("工程硕士") == Degree.MASTER
    assert values.parse_degree("") == Degree.NONE
    assert values.degree_text(Degree.MASTER) == "硕士学位"
    assert values.degree_text(Degree.NONE) == ""
    with pytest.raises(ValueError, match="学位"):
        values.parse_degree("MBA")
    with pytest.raises(ValueError, match="学历"):
        values.parse_level("速成班")


@pytest.mark.parametrize(
    ("school", "major"),
    [
        ("云南大学", "经济学"),
        ("中央党校", "经济管理"),
        ("北京大学光华管理学院", "工商管理"),
        ("云南省财经学校", ""),
    ],
)
def test_school_and_major_round_trip(school, major):
    assert values.split_school_major(values.school_major_text(school, major)) == (school, major)


def test_school_split_variants():
    assert values.split_school_major("云南大学 经济学") == ("云南大学", "经济学")
    assert values.split_school_major("某培训中心") == ("某培训中心", "")
    assert values.split_school_major("") == ("", "")


def test_resume_lines_every_variant():
    text = (
        "1993.09--1997.07  云南大学经济学专业学习\r\n"
        "1997.07—2003.05 甲县财政局科员\n"
        "2003-05--2012-12\u3000甲县财政局副局长\n"
        "                  （其间：2006.09--2008.07在中央党校学习）\n"
        "2012年12月--  甲县财政局局长<br>"
        "201301-至今 兼任某职"
    )
    lines = values.parse_resume(text)
    assert [(x.start, x.end) for x in lines] == [
        (date(1993, 9, 1), date(1997, 7, 1)),
        (date(1997, 7, 1), date(2003, 5, 1)),
        (date(2003, 5, 1), date(2012, 12, 1)),
        (date(2012, 12, 1), None),
        (date(2013, 1, 1), None),
    ]
    assert lines[2].text == "甲县财政局副局长\n（其间：2006.09--2008.07在中央党校学习）"
    assert lines[3].text == "甲县财政局局长"


def test_resume_text_round_trip():
    lines = [
        values.ResumeLine(date(1993, 9, 1), date(1997, 7, 1), "云南大学经济学专业学习"),
        values.ResumeLine(date(1997, 7, 1), None, "甲县财政局科员\n（其间：在职学习）"),
    ]
    text = values.resume_text(lines)
    assert text.splitlines()[0] == "1993.09--1997.07  云南大学经济学专业学习"
    assert "\r\n" in text
    assert values.parse_resume(text) == lines


def test_resume_without_period_is_refused():
    with pytest.raises(ValueError, match="简历第1行"):
        values.parse_resume("在某单位工作")
