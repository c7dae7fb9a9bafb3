"""Browser flow in Debian's chromium: an officer creates a reserve pool, adds two cadres through
the picker, compares them side by side (with their eligibility for the pool's tier), takes one
out of the pool with a reason, and sees the 后备干部 badge on the other's cadre page."""

from datetime import date

import pytest

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import PASSWORD
from apps.cadres.tests.factories import CadreFactory
from apps.core.testing.browser import BROWSER_MARKS, log_in
from apps.selection import badges  # noqa: F401 (registered by apps.py)
from apps.selection.models import ReserveEntry, ReservePool

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_pool_add_two_and_compare(browser, live_server, city, officer_a, shots):
    base = live_server.url
    first = CadreFactory(
        name="王建国",
        unit=city.county_a_dept,
        managed_by=ManagedBy.COUNTY,
        tier="section_deputy",
        current_post_title="甲县财政局副局长",
        birth_date=date(1986, 4, 2),
    )
    CadreFactory(
        name="王丽",
        unit=city.county_a_town,
        managed_by=ManagedBy.COUNTY,
        tier="section_deputy",
        current_post_title="甲县城关镇副镇长",
        birth_date=date(1990, 9, 9),
    )
    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, base, officer_a.username, PASSWORD)

    # 1. Create the pool.
    page.goto(f"{base}/selection/reserve/")
    page.get_by_test_id("pool-create").click()
    page.get_by_label("管理单位").select_option(str(city.county_a.pk))
    page.get_by_label("后备职务层次").select_option("section_principal")
    page.get_by_label("名称").fill("甲县乡科级正职后备干部")
    page.get_by_test_id("save").click()
    sync_api.expect(page.locator("h1")).to_contain_text("甲县乡科级正职后备干部")
    pool = ReservePool.objects.get()

    # 2. Add two cadres through the picker.
    for name, source in (("王建国", "recommendation"), ("王丽", "frontline")):
        page.get_by_label("列入后备干部").fill(name)
        page.get_by_test_id("pick-search").click()
        page.get_by_test_id("pick-results").get_by_role("link", name=name).click()
        page.wait_for_url(f"**/selection/reserve/{pool.pk}/add/**")
        page.get_by_label("来源").select_option(source)
        page.get_by_label("推荐理由/主要表现").fill(f"{name}近三年工作实绩突出")
        page.get_by_test_id("save").click()
        page.wait_for_url(f"**/selection/reserve/{pool.pk}/")
    sync_api.expect(page.get_by_test_id("entry-row")).to_have_count(2)
    shots.take(page, "01-pool")

    # 3. Tick both and compare.
    for box in page.locator("input[name=ids]").all():
        box.check()
    page.get_by_test_id("compare-button").click()
    page.wait_for_url("**/selection/reserve/compare/**")
    sync_api.expect(page.get_by_test_id("compare-cadre")).to_have_count(2)
    table = page.get_by_test_id("compare-table")
    sync_api.expect(table).to_contain_text("王建国")
    sync_api.expect(table).to_contain_text("王丽")
    sync_api.expect(table).to_contain_text("一线表现突出")
    sync_api.expect(page.get_by_test_id("compare-verdict")).to_have_count(2)
    shots.take(page, "02-compare")

    # 4. Back to the pool: take 王丽 out with a reason.
    page.get_by_role("link", name="返回后备干部库").click()
    page.get_by_test_id("entry-row").filter(has_text="王丽").get_by_test_id("entry-exit").click()
    page.get_by_label("出库原因").select_option("transferred")
    page.get_by_label("出库说明").fill("调任市直单位")
    page.get_by_test_id("save").click()
    sync_api.expect(page.get_by_test_id("entry-row")).to_have_count(1)
    sync_api.expect(page.locator(".alert")).to_contain_text("撤销")
    assert ReserveEntry.objects.get(cadre__name="王丽").exit_reason == "transferred"

    # 5. The cadre page shows the badge.
    page.goto(f"{base}/cadres/{first.pk}/")
    sync_api.expect(page.locator("[data-badge=reserve]")).to_contain_text("后备干部")
    shots.take(page, "03-badge")
