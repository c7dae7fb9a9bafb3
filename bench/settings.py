"""Benchmark settings: the test settings on the dedicated PostgreSQL database `dandang_bench`."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dandang_bench")

from config.settings.test import *  # noqa: F403

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DEBUG = False
# Like production (config.settings.base): keep connections between requests. The test settings
# close them after each request for the live-server tests, which would time reconnects here.
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
