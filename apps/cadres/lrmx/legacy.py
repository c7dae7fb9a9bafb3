"""The legacy `.lrm` file: GBK text, comma-separated quoted values in a fixed order.

What is known (lrmx.md; the Java importer `readTxtLrm`): the cells below, in this order. Inside
a cell `#` breaks a line and `@` separates sub-cells: 学历学位 is "全日制学历#学位@在职学历#学位"
(a lone value without `#` is the 学位), the schools alike, and each family column lists its
members separated by `@`. Cells 12–15 have no known meaning and are ignored. The photo is a
separate `.pic` (JPEG) file of the same name: inside a zip the two are paired; a lone .lrm has
no photo. Limits: the format has no published specification; a file with other columns is read
by position and may come out wrong, so the preview is to be checked.
"""

import codecs
import csv
import io

from .person import RawPerson
from .schema import FAMILY, LrmxError

# Cell index → LRMX element (the education and family cells are split separately).
_CELLS = {
    0: "XingMing",
    1: "XingBie",
    2: "ChuShengNianYue",
    3: "MinZu",
    4: "JiGuan",
    5: "RuDangShiJian",
    6: "JianKangZhuangKuang",
    7: "ChuShengDi",
    8: "CanJiaGongZuoShiJian",
    11: "ZhuanYeJiShuZhiWu",
    16: "ShuXiZhuanYeYouHeZhuanChang",
    17: "JianLi",
    18: "JiangChengQingKuang",
    19: "NianDuKaoHeJieGuo",
    25: "XianRenZhiWu",
    26: "NiRenZhiWu",
    27: "NiMianZhiWu",
    28: "RenMianLiYou",
    29: "ChengBaoDanWei",
    30: "JiSuanNianLingShiJian",
    31: "TianBiaoRen",
    32: "TianBiaoShiJian",
    33: "ShenFenZheng",
}
_FAMILY_CELLS = {
    20: "ChengWei",
    21: "XingMing",
    22: "ChuShengRiQi",
    23: "ZhengZhiMianMao",
    24: "GongZuoDanWeiJiZhiWu",
}
_EDUCATION = {  # cell → (全日制 学历, 全日制 学位, 在职 学历, 在职 学位) elements
    9: (
        "QuanRiZhiJiaoYu_XueLi",
        "QuanRiZhiJiaoYu_XueWei",
        "ZaiZhiJiaoYu_XueLi",
        "ZaiZhiJiaoYu_XueWei",
    ),
    10: (
        "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
        "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
        "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
        "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    ),
}
MIN_CELLS = 9  # up to 参加工作时间


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("gb18030", "utf-8"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise LrmxError("LRM文件编码无法识别（应为GBK编码的文本）", code="lrmx_encoding")


def _cells(text: str) -> list[str]:
    """Quoted CSV; physical lines are joined as the Java reader does (line breaks dropped)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells: list[str] = []
    for row in rows:
        if cells and row:
            cells[-1] += row[0]
            cells.extend(row[1:])
        else:
            cells.extend(row)
    return [c.replace('"', "").strip() for c in cells]


def _pair(cell: str, *, degrees: bool) -> tuple[str, str]:
    """ "学历#学位" → both; "学历#" → 学历 only. A lone value is the 学位 in the Java importer;
    here only when it reads as one (…学位, …士), otherwise the 学历 (or its school)."""
    if "#" in cell:
        first, _, second = cell.partition("#")
        return first.strip(), second.strip()
    value = cell.strip()
    if degrees and ("学位" in value or value.endswith("士")):
        return "", value
    return value, ""


def read_lrm(data: bytes, photo: bytes | None = None) -> RawPerson:
    """A legacy .lrm file's cells as LRMX elements (and its .pic photo when given)."""
    cells = _cells(_decode(data))
    if len(cells) < MIN_CELLS or not any(cells[:3]):
        raise LrmxError("文件不是有效的LRM（字段不足或不是逗号分隔的文本）", code="lrmx_lrm")
    raw = RawPerson(fields={}, photo=photo, source="lrm")
    for index, tag in _CELLS.items():
        if index < len(cells):
            value = cells[index]
            raw.fields[tag] = value.replace("#", "\n") if tag == "JianLi" else value
    for index, tags in _EDUCATION.items():
        if index < len(cells):
            full_time, _, in_service = cells[index].partition("@")
            degrees = index == 9
            values = (*_pair(full_time, degrees=degrees), *_pair(in_service, degrees=degrees))
            raw.fields.update(zip(tags, values, strict=True))
    columns = {tag: cells[i].split("@") for i, tag in _FAMILY_CELLS.items() if i < len(cells)}
    if columns:
        raw.fields[FAMILY] = ""
        count = max(len(v) for v in columns.values())
        for n in range(count):
            item = {tag: (v[n].strip() if n < len(v) else "") for tag, v in columns.items()}
            if any(item.values()):
                raw.family.append(item)
    return raw
