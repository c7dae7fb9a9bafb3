"""公民身份号码 at rest: Fernet-encrypted, searchable by a keyed HMAC, shown masked.

Both keys derive (HKDF-SHA256) from DANDANG_ID_NUMBER_KEY, which lives only in the environment.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from .rules import mask_id_number


@cache
def _keys(master: str) -> tuple[Fernet, bytes]:
    raw = base64.urlsafe_b64decode(master.encode() + b"=" * (-len(master) % 4))

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(raw)

    fernet = Fernet(base64.urlsafe_b64encode(derive(b"dandang id_number encryption")))
    return fernet, derive(b"dandang id_number search hash")


def encrypt(number: str) -> str:
    return _keys(settings.ID_NUMBER_KEY)[0].encrypt(number.encode()).decode()


def decrypt(token: str) -> str:
    return _keys(settings.ID_NUMBER_KEY)[0].decrypt(token.encode()).decode()


def search_hash(number: str) -> str:
    """Keyed hash used for exact lookups without storing the number in clear."""
    key = _keys(settings.ID_NUMBER_KEY)[1]
    return hmac.digest(key, number.strip().upper().encode(), hashlib.sha256).hex()


def protect(number: str) -> tuple[str, str, str]:
    """(ciphertext, search hash, masked form) of a validated number."""
    return encrypt(number), search_hash(number), mask_id_number(number)
