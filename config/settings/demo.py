"""Embedded demo: SQLite under var/, with demo-only keys (never used in production)."""

import os

os.environ.setdefault("DANDANG_SECRET_KEY", "demo-only-not-secret-" + "x" * 40)
os.environ.setdefault("DANDANG_ID_NUMBER_KEY", "ZGVtby1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q=")

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = os.environ.get("DANDANG_DEBUG", "1") == "1"
VAR_DIR.mkdir(parents=True, exist_ok=True)
