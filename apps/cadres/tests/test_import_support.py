"""Helpers shared by the import tests: build upload files and run the validation in memory."""

from datetime import date
from io import BytesIO
from typing import Any

from openpyxl import Workbook

from apps.cadres.importing import CADRES, read_upload, validate
from apps.cadres.tests.factories import make_id_number

HEADERS = [
    "姓名", "性别", "出生年月", "民族", "籍贯", "出生地", "公民身份号码", "政治面貌", "入党时间",
    "参加工作时间", "健康状况", "专业技术职务", "单位代码", "单位名称", "干部管理权限", "现任职务",
    "职务层次", "职级", "最高学历",
]  # fmt: skip
UNIT_HEADERS = ["单位代码", "单位名称", "简称", "上级单位代码", "层级", "类别"]
TODAY = date(2026, 6, 1)


def person(
    name: str = "张伟",
    *,
    birth: date = date(1980, 5, 17),
    gender: str = "男",
    serial: int = 12,
    unit_code: str = "",
    unit_name: str = "",
    **overrides: Any,
) -> dict[str, Any]:
    """One cadre row (header -> value) with a valid id number for `birth` and `gender`."""
    row = {
        "姓名": name,
        "性别": gender,
        "出生年月": f"{birth:%Y.%m}",
        "民族": "汉族",
        "籍贯": "云南昭通",
        "出生地": "云南昭通",
        "公民身份号码": make_id_number(birth, "male" if gender == "男" else "female", serial),
        "政治面貌": "中共党员",
        "入党时间": "2005.06",
        "参加工作时间": "2002.07",
        "健康状况": "健康",
        "专业技术职务": "",
        "单位代码": unit_code,
        "单位名称": unit_name,
        "干部管理权限": "县管",
        "现任职务": "副局长",
        "职务层次": "乡科级副职",
        "职级": "一级主任科员",
        "最高学历": "大学本科",
    }
    row.update(overrides)
    return row


def xlsx(
    rows: list[dict[str, Any]] | list[list[Any]],
    headers: list[str] = HEADERS,
    *,
    sheet: str = "干部信息",
) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers] if isinstance(row, dict) else row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict[str, Any]], encoding: str = "utf-8", headers=HEADERS) -> bytes:
    lines = [",".join(headers)]
    lines += [",".join(str(r.get(h, "")) for h in headers) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def check(data: bytes, actor, *, name: str = "干部.xlsx", record_type=CADRES, **kwargs):
    """Validate an upload the way the job does; returns (result, plan)."""
    table = read_upload(data, name, preferred_sheet=record_type.sheet_title)
    return validate(record_type, table, actor=actor, today=kwargs.pop("today", TODAY), **kwargs)


def reasons(result) -> list[str]:
    return [p.reason for p in result.problems]
