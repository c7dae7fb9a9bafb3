"""Benchmark settings: the test settings on the dedicated PostgreSQL database `dandang_bench`."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dandang_bench")

from config.settings.test import *  # noqa: F403

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DEBUG = False
