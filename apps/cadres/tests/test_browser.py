"""Browser flow in Debian's chromium: an officer logs in, filters the list, opens a cadre, edits
it, meets a conflicting edit from a second session, and finds an out-of-scope URL answered 404.

Screenshots go to the test's tmp dir (and to $DANDANG_SHOTS when set, for a human look)."""

from datetime import date

import pytest

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import PASSWORD
from apps.cadres.tests.factories import CadreFactory
from apps.core.testing.browser import BROWSER_MARKS, log_in

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_officer_flow(browser, live_server, city, officer_a, shots):
    base = live_server.url
    target = CadreFactory(
        name="李娜",
        unit=city.county_a_town,
        managed_by=ManagedBy.COUNTY,
        gender="female",
        birth_date=date(1988, 6, 1),
        work_start_date=date(2010, 7, 1),
    )
    CadreFactory(name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)
    stranger = CadreFactory(name="赵敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)

    first = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    log_in(first, base, officer_a.username, PASSWORD)
    shots.take(first, "01-dashboard")
    assert first.get_by_test_id("dashboard-counts").is_visible()

    first.get_by_role("link", name="干部名册").click()
    first.wait_for_url("**/cadres/")
    assert first.get_by_test_id("result-count").inner_text() == "共 2 人"
    first.get_by_label("性别").select_option("female")
    sync_api.expect(first.get_by_test_id("result-count")).to_have_text("共 1 人")
    assert "gender=female" in first.url  # htmx pushed the filter into the address bar
    shots.take(first, "02-filtered-list")

    first.get_by_role("link", name="李娜").click()
    first.wait_for_url(f"**/cadres/{target.pk}/")
    sync_api.expect(first.get_by_test_id("cadre-header")).to_contain_text("李娜")
    shots.take(first, "03-detail")

    first.get_by_role("link", name="编辑").click()
    first.wait_for_url(f"**/cadres/{target.pk}/edit/")

    # A colleague in a second session saves a change while the first form is open.
    second = browser.new_context(locale="zh-CN").new_page()
    log_in(second, base, officer_a.username, PASSWORD)
    second.goto(f"{base}/cadres/{target.pk}/edit/")
    second.get_by_label("籍贯").fill("云南昭通")
    second.get_by_role("button", name="保存").click()
    second.wait_for_url(f"**/cadres/{target.pk}/")

    first.get_by_label("籍贯").fill("四川成都")
    first.get_by_role("button", name="保存").click()
    conflict = first.get_by_test_id("conflict")
    sync_api.expect(conflict).to_contain_text("已被他人修改")
    sync_api.expect(conflict).to_contain_text("云南昭通")
    shots.take(first, "04-conflict")
    target.refresh_from_db()
    assert target.native_place == "云南昭通"

    # Reload the latest version and save for real.
    first.get_by_role("link", name="载入最新版本重新编辑").click()
    first.get_by_label("籍贯").fill("四川成都")
    first.get_by_role("button", name="保存").click()
    first.wait_for_url(f"**/cadres/{target.pk}/")
    sync_api.expect(first.get_by_test_id("tab-basic")).to_contain_text("四川成都")

    response = first.goto(f"{base}/cadres/{stranger.pk}/")
    assert response is not None and response.status == 404
    assert "赵敏" not in first.content()
    shots.take(first, "05-out-of-scope-404")
