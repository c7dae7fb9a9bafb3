"""照片: Base64 JPEG in the file; checked to be a real image on import, JPEG on export."""

import base64
import binascii
import io
import re
import warnings

from PIL import Image

from .schema import MAX_PHOTO_BYTES

_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "BMP": "bmp"}
_DATA_URL = re.compile(r"^data:image/[a-z+]+;base64,", re.IGNORECASE)


def decode_base64(text: str) -> bytes:
    """The photo's bytes from the element text (line breaks and a data: prefix tolerated)."""
    compact = _DATA_URL.sub("", re.sub(r"\s+", "", text))
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("照片不是有效的Base64编码") from None


def image_extension(data: bytes) -> str:
    """The file extension of a photo that really is an image (JPEG, PNG, GIF, BMP); else
    ValueError. Only the header is read (verify), so a decompression bomb is not decoded."""
    if len(data) > MAX_PHOTO_BYTES:
        raise ValueError(f"照片超过{MAX_PHOTO_BYTES // 1024 // 1024}MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format or ""
                image.verify()
    except Exception:  # Pillow raises many types for non-images; all mean "not an image"
        raise ValueError("照片不是有效的图片文件") from None
    if kind not in _FORMATS:
        raise ValueError(f"照片格式“{kind}”不受支持（应为JPEG、PNG、GIF或BMP）")
    return _FORMATS[kind]


def as_jpeg(data: bytes) -> bytes:
    """The photo as JPEG, as the tools expect (unchanged when it already is one)."""
    if data.startswith(b"\xff\xd8"):
        return data
    with Image.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=90)
        return out.getvalue()


def encode_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
