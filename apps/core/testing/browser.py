"""Playwright helpers for browser tests in Debian's chromium (never `playwright install`).

The root conftest registers this module as a plugin, so `browser` and `shots` are fixtures
everywhere; mark a module with `pytestmark = BROWSER_MARKS` and its tests with
`django_db(transaction=True)` (the live server runs in another thread)."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself
# (fixtures, asserts) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        # ORM calls made while Playwright's loop runs get their own connection (another
        # context); close it here or PostgreSQL refuses to drop the test database.
        connections.close_all()
        instance.close()


class Shots:
    """Screenshots into the test's tmp dir, copied to $DANDANG_SHOTS when set."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.extra = os.environ.get("DANDANG_SHOTS")

    def take(self, page: Any, name: str) -> None:
        path = self.directory / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if self.extra:
            Path(self.extra).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(self.extra) / path.name)


@pytest.fixture
def shots(tmp_path: Path) -> Shots:
    return Shots(tmp_path)


def log_in(page: Any, base: str, username: str, password: str) -> None:
    """Log in through the login page and wait for the dashboard."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
