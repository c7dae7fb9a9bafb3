"""A link to a cadre's part (#tab-resume, from the 三龄两历 report) opens that tab; pillar tabs load
their body when first shown."""

import re

import pytest

from apps.accounts.tests.factories import PASSWORD
from apps.cadres.tests.factories import CadreFactory
from apps.core.testing.browser import BROWSER_MARKS, log_in

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_hash_opens_the_tab(browser, live_server, city, officer_a):
    cadre = CadreFactory(unit=city.county_a_dept)
    page = browser.new_context(locale="zh-CN").new_page()
    log_in(page, live_server.url, officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}/cadres/{cadre.pk}/#tab-resume")
    sync_api.expect(page.locator("#tab-resume")).to_be_visible()
    sync_api.expect(page.locator("#tab-basic")).to_be_hidden()
    page.get_by_role("tab", name="基本信息").click()
    sync_api.expect(page).to_have_url(f"{live_server.url}/cadres/{cadre.pk}/#tab-basic")


@pytest.mark.django_db(transaction=True)
def test_lazy_pillar_tab_loads_when_shown_or_named_in_the_address(
    browser, live_server, city, officer_a
):
    """A pillar tab's body is fetched the first time its pane is shown: by a click, or when the
    page opens with #tab-<key> (the 三龄两历 tab is registered by apps.cadres itself)."""
    cadre = CadreFactory(unit=city.county_a_dept)
    page = browser.new_context(locale="zh-CN").new_page()
    log_in(page, live_server.url, officer_a.username, PASSWORD)
    page.goto(f"{live_server.url}/cadres/{cadre.pk}/#tab-checks")
    body = page.locator('#tab-checks [data-tab-body="checks"] [data-testid="tab-checks"]')
    sync_api.expect(body).to_be_visible()
    sync_api.expect(page.locator('[data-tab-loader="checks"]')).to_have_count(0)
    page.goto(f"{live_server.url}/cadres/{cadre.pk}/")
    sync_api.expect(page.locator('[data-tab-body="checks"]')).to_have_count(0)
    page.get_by_role("tab", name=re.compile("^三龄两历")).click()
    sync_api.expect(body).to_be_visible()
