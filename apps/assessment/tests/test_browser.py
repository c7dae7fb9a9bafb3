"""Browser flow in Debian's chromium (issue: 知事识人 assessment): an officer opens a unit's annual
sheet, grades the cadres, goes over the 优秀 quota (the live counter says so and submission is
refused), fixes it, submits, and finds the grade in the cadre's 年度考核结果."""

import pytest

from apps.accounts.tests.factories import PASSWORD
from apps.assessment.models import AnnualAssessment, AnnualSheet
from apps.cadres.tests.factories import CadreFactory
from apps.core.testing.browser import BROWSER_MARKS, log_in

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER_MARKS
YEAR = 2025


@pytest.mark.django_db(transaction=True)
def test_annual_grid_quota_submit_and_cadre_page(browser, live_server, city, officer_a, shots):
    base = live_server.url
    cadres = [
        CadreFactory(name=n, unit=city.county_a_dept)
        for n in ("甲一", "甲二", "甲三", "甲四", "甲五")
    ]

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, base, officer_a.username, PASSWORD)

    page.locator("nav a", has_text="年度考核").filter(has_not_text="导入").click()
    page.get_by_label("考核年度").select_option(str(YEAR))
    # htmx swaps the table and then pushes the address: wait for both before clicking.
    page.wait_for_url(f"**/assessment/annual/?*year={YEAR}*")
    page.wait_for_load_state("networkidle")
    row = page.get_by_test_id(f"annual-unit-{city.county_a_dept.pk}")
    row.get_by_test_id("open-sheet").click()
    page.wait_for_url("**/assessment/annual/*/")
    sheet = AnnualSheet.objects.get(unit=city.county_a_dept, year=YEAR)
    assert sheet.excellent_quota == 1  # 5 participants × 20%, rounded down
    sync_api.expect(page.get_by_test_id("quota")).to_contain_text("1 名")

    # Two 优秀 against a quota of one: the live counter warns before saving.
    grades = ["excellent", "excellent", "competent", "competent", "competent"]
    for cadre, grade in zip(cadres, grades, strict=True):
        page.get_by_label(f"{cadre.name}的等次").select_option(grade)
    sync_api.expect(page.get_by_test_id("quota-counter")).to_contain_text("超出 1 名")
    shots.take(page, "01-over-quota")
    page.get_by_test_id("annual-save").click()
    sync_api.expect(page.get_by_test_id("submit-problems")).to_contain_text("超过名额")

    # Fix it: the second becomes 称职; save and submit.
    page.get_by_label("甲二的等次").select_option("competent")
    sync_api.expect(page.get_by_test_id("quota-counter")).not_to_contain_text("超出")
    page.get_by_test_id("annual-save").click()
    page.get_by_test_id("annual-submit").click()
    sync_api.expect(page.get_by_test_id("sheet-status")).to_have_text("已提交")
    shots.take(page, "02-submitted")
    assert AnnualAssessment.objects.get(cadre=cadres[0], year=YEAR).grade == "excellent"

    # The grade chart draws (stacked bars, with the same numbers in a table).
    page.locator("nav a", has_text="考核等次分布").click()
    page.get_by_label("考核年度").select_option(str(YEAR))
    sync_api.expect(page.locator("[data-testid=grade-chart-card] canvas")).to_have_count(1)
    sync_api.expect(page.get_by_test_id("grade-chart-table")).to_contain_text("甲县财政局")

    # The cadre's page shows the year's result the way the 任免审批表 writes it.
    page.goto(f"{base}/cadres/{cadres[0].pk}/")
    page.get_by_role("tab", name="考核（1）").click()
    sync_api.expect(page.locator("#tab-assessment")).to_contain_text(f"{YEAR}年度优秀")
    shots.take(page, "03-cadre-tab")

    # … and its 任免审批表 carries it under 年度考核结果.
    page.get_by_role("link", name="任免审批表").click()
    page.wait_for_url("**/appointment-form/**")
    sync_api.expect(page.locator("body")).to_contain_text(f"{YEAR}年度优秀")
    shots.take(page, "04-appointment-form")
