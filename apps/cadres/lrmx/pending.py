"""An upload waiting between its preview and the user's confirmation.

The file is kept encrypted (Fernet, key derived from SECRET_KEY: it holds id numbers) in the
default storage under `lrmx_pending/`, referenced from the uploader's session only, for at most
PENDING_TTL seconds. Confirming or cancelling deletes it; a newer upload replaces it; expired
files are swept on every new upload.
"""

import base64
import contextlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

PENDING_DIR = "lrmx_pending"
PENDING_TTL = 3600
SESSION_KEY = "lrmx_pending"


def _fernet() -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"dandang lrmx pending"
    ).derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


@dataclass(frozen=True)
class Pending:
    token: str
    filename: str
    data: bytes
    options: dict[str, Any]  # unit_id, managed_by, update_existing as previewed


def _sweep() -> None:
    try:
        _, names = default_storage.listdir(PENDING_DIR)
    except (OSError, NotImplementedError):
        return
    cutoff = timezone.now() - timedelta(seconds=PENDING_TTL)
    for name in names:
        path = f"{PENDING_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (OSError, NotImplementedError):
            continue


def stash(session: Any, *, filename: str, data: bytes, options: dict[str, Any]) -> str:
    """Keep the upload for its confirmation; returns the token the confirm form posts."""
    discard(session)
    _sweep()
    token = secrets.token_urlsafe(24)
    path = default_storage.save(f"{PENDING_DIR}/{token}.bin", ContentFile(_fernet().encrypt(data)))
    session[SESSION_KEY] = {"token": token, "path": path, "filename": filename, "options": options}
    return token


def load(session: Any, token: str) -> Pending | None:
    """The upload previewed in this session under `token`; None if gone, expired or foreign."""
    entry = session.get(SESSION_KEY)
    if not entry or not secrets.compare_digest(str(entry.get("token", "")), token):
        return None
    try:
        with default_storage.open(entry["path"], "rb") as handle:
            data = _fernet().decrypt(handle.read(), ttl=PENDING_TTL)
    except (OSError, InvalidToken):
        discard(session)
        return None
    return Pending(token, entry["filename"], data, dict(entry["options"]))


def discard(session: Any) -> None:
    """Forget the session's pending upload and delete its file."""
    entry = session.pop(SESSION_KEY, None)
    if entry:
        with contextlib.suppress(OSError):
            default_storage.delete(entry["path"])
