"""Browser flow in Debian's chromium: an officer opens 候选人查询, picks 县处级副职 on a day, sees
the qualified cadre (and the near-miss once asked for), asks why a blocked cadre is missing, opens
the full eligibility chain, and finds the same verdict on the cadre page's 任用资格 tab."""

from datetime import date

import pytest

import apps.selection.tabs  # noqa: F401 (registers the tab; apps.py import: lead)
from apps.accounts.tests.factories import PASSWORD
from apps.core.testing.browser import BROWSER_MARKS, log_in
from apps.selection.tests.factories import NegativeFlagFactory
from apps.selection.tests.test_candidates import section_principal

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_search_explain_and_chain(browser, live_server, city, officer_a, shots):
    base = live_server.url
    ready = section_principal(city.county_a_town, "张伟", date(2020, 1, 1))
    section_principal(city.county_a_dept, "李娜", date(2024, 6, 1))
    blocked = section_principal(city.county_a_town, "王强", date(2019, 1, 1))
    NegativeFlagFactory(cadre=blocked, start_date=date(2026, 1, 1))

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    log_in(page, base, officer_a.username, PASSWORD)
    page.goto(f"{base}/selection/candidates/?kind=rank&rank=principal_staff_1")
    sync_api.expect(page.locator("h1")).to_contain_text("候选人查询")

    # Pick the target: 县处级副职 on 2026-11-25 (the form re-renders by htmx on change).
    page.get_by_label("选拔目标").select_option("tier")
    page.get_by_label("拟任职务层次").select_option("division_deputy")
    page.get_by_label("审查日期").fill("2026-11-25")
    page.get_by_test_id("candidate-submit").click()
    table = page.get_by_test_id("candidate-table")
    sync_api.expect(table).to_contain_text("张伟")
    sync_api.expect(table).not_to_contain_text("王强")
    sync_api.expect(page.get_by_test_id("result-count")).to_contain_text("即将符合 1 人")
    shots.take(page, "01-candidates")

    # Near-misses on request, with the day they will qualify.
    page.locator("summary", has_text="更多筛选").click()
    page.get_by_label("同时列出即将符合的").check()
    sync_api.expect(page.get_by_test_id("candidate-table")).to_contain_text("将于2027-06-01满足")

    # Why is 王强 missing?
    page.get_by_placeholder("输入姓名").fill("王强")
    page.get_by_test_id("explain-submit").click()
    item = page.get_by_test_id("explain-item")
    sync_api.expect(item).to_contain_text("不符合任职资格")
    sync_api.expect(item).to_contain_text("ELG-24-1")
    shots.take(page, "02-explain")

    # The full chain, printable.
    item.get_by_test_id("explain-detail-link").click()
    page.wait_for_url(f"**/selection/eligibility/{blocked.pk}/**")
    sync_api.expect(page.get_by_test_id("verdict")).to_contain_text("不符合任职资格")
    sync_api.expect(page.get_by_test_id("eligibility-chain")).to_contain_text("第二十四条")
    shots.take(page, "03-chain")

    # The cadre page's tab loads its body when shown.
    page.goto(f"{base}/cadres/{ready.pk}/")
    page.get_by_role("tab", name="任用资格（0）").click()
    tab = page.get_by_test_id("eligibility-tab")
    sync_api.expect(tab).to_contain_text("拟任：县处级副职")
    sync_api.expect(tab.get_by_test_id("verdict").first).to_contain_text("符合任职资格")
    shots.take(page, "04-tab")
