"""Test settings: SQLite by default, PostgreSQL when DATABASE_URL is set (CI runs both)."""

import os

os.environ.setdefault("DANDANG_SECRET_KEY", "test-only-" + "y" * 50)
os.environ.setdefault("DANDANG_ID_NUMBER_KEY", "dGVzdC1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q=")

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

VAR_DIR.mkdir(parents=True, exist_ok=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
else:
    # Live-server threads die with their connections; persistent ones would block the teardown.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # One test database per run, so parallel runs on one server never collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_dandang_{os.getpid()}"}
