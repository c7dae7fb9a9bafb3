"""Bytes of an .lrmx file → its elements as text, safely.

Encodings: UTF-8 with or without BOM, GBK/GB18030 declared or not (a wrong declaration is
corrected and reported). Every parse goes through defusedxml with DTDs, entity declarations and
external references refused, so entity expansion (billion laughs) and XXE cannot run.
"""

import codecs
import re
import xml.etree.ElementTree as ET  # only the types and tostring: parsing goes through defusedxml

import defusedxml.ElementTree as DefusedElementTree  # type: ignore[import-untyped]

from .person import ExtraElement, RawPerson
from .schema import FAMILY, KNOWN, LrmxError

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']")
_DECLARATION_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
_GBK_NAMES = {"gbk", "gb2312", "gb18030", "cp936", "x-gbk", "euc-cn", "gb-2312", "ms936"}
# Legacy exporters write "&1lt;" for "&lt;"; some files carry HTML's &nbsp; or <br> in 简历.
_ODD_ENTITY = re.compile(r"&1(lt|gt|amp|quot|apos);")
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_DOUBLE_ESCAPED = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))


def decode(data: bytes, warnings: list[str]) -> str:
    """The file's text. Valid UTF-8 wins over a GBK declaration (GBK bytes are almost never
    valid UTF-8, the reverse mojibake is silent), otherwise GB18030; anything else is refused."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError:
            raise LrmxError(
                "文件以UTF-8标记开头，但内容不是有效的UTF-8编码", code="lrmx_encoding"
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise LrmxError("文件的UTF-16编码有误", code="lrmx_encoding") from None
    match = _DECLARATION.match(data[:300])
    declared = match.group(1).decode("ascii").lower().replace("_", "-") if match else ""
    if declared and declared not in _UTF8_NAMES | _GBK_NAMES:
        raise LrmxError(
            f"文件声明的编码“{declared}”不受支持（应为UTF-8或GBK/GB18030）", code="lrmx_encoding"
        )
    text = _try(data, "utf-8")
    if text is not None:
        if declared in _GBK_NAMES and not data.isascii():
            warnings.append(f"文件声明为{declared.upper()}编码，实际为UTF-8，已按UTF-8读取")
    else:
        text = _try(data, "gb18030")
        if text is None:
            raise LrmxError(
                "文件编码无法识别：既不是有效的UTF-8，也不是GBK/GB18030编码", code="lrmx_encoding"
            )
        if declared in _UTF8_NAMES:
            warnings.append("文件声明为UTF-8编码，实际为GBK编码，已按GBK读取")
    if "\x00" in text:
        raise LrmxError("文件编码无法识别（含二进制内容，可能不是LRMX文件）", code="lrmx_encoding")
    return text


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _unsafe_message(text: str) -> str:
    entity = re.search(r"<!ENTITY[^>]*>", text)
    if entity and re.search(r"\b(SYSTEM|PUBLIC)\b", entity.group()):
        return "文件含外部实体引用，出于安全原因拒绝导入"
    if entity:
        return "文件含实体声明（可能是实体扩展攻击），出于安全原因拒绝导入"
    return "文件含DTD声明（<!DOCTYPE>），出于安全原因拒绝导入"


def parse_xml(text: str) -> ET.Element:
    """The root element; refusals name the line of a syntax error or the kind of attack."""
    # Keep the line count: each fix replaces within a line, the declaration keeps its newline.
    text = _DECLARATION_TEXT.sub("", text, count=1)
    text = _ODD_ENTITY.sub(r"&\1;", text).replace("&nbsp;", "&#160;")
    text = _BREAK_TAG.sub("&#10;", text)
    try:
        root: ET.Element = DefusedElementTree.fromstring(
            text, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except ET.ParseError as exc:
        line = exc.position[0]
        raise LrmxError(f"文件不是有效的LRMX（XML格式错误，第{line}行）", code="lrmx_xml") from None
    except (
        DefusedElementTree.DTDForbidden,
        DefusedElementTree.EntitiesForbidden,
        DefusedElementTree.ExternalReferenceForbidden,
    ):
        raise LrmxError(_unsafe_message(text), code="lrmx_unsafe") from None
    return root


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _text(element: ET.Element) -> str:
    value = "".join(element.itertext())
    for escaped, char in _DOUBLE_ESCAPED:  # double-escaped by some exporters
        value = value.replace(escaped, char)
    return value.strip()


def read_lrmx(data: bytes) -> RawPerson:
    """An .lrmx file's elements (root <Person>); unknown elements are kept aside as extras."""
    warnings: list[str] = []
    root = parse_xml(decode(data, warnings))
    if _local(root.tag) != "Person":
        raise LrmxError(
            f"文件不是LRMX：根元素应为<Person>，实际为<{_local(root.tag)}>", code="lrmx_root"
        )
    raw = RawPerson(fields={}, warnings=warnings)
    for child in root:
        tag = _local(child.tag)
        if tag == FAMILY:
            raw.fields.setdefault(FAMILY, "")
            for item in child:
                if _local(item.tag) == "Item":
                    raw.family.append({_local(sub.tag): _text(sub) for sub in item})
        elif tag in KNOWN:
            raw.fields.setdefault(tag, _text(child))
        else:  # comments and processing instructions are dropped by the parser
            child.tail = None
            raw.extras.append(ExtraElement(tag, ET.tostring(child, encoding="unicode")))
    return raw
