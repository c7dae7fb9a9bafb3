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
    sync_api.expect(first.get_by_test_id("result-count")).to_have_text("共 2 人")
    first.get_by_label("性别", exact=True).select_option("female")
    sync_api.expect(first.get_by_test_id("result-count")).to_have_text("共 1 人")
    assert "gender=female" in first.url  # htmx pushed the filter into the address bar
    shots.take(first, "02-filtered-list")

    # Hide a column; the choice survives the next htmx swap.
    first.get_by_role("button", name="显示列").click()
    first.get_by_label("显示列：民族").uncheck()
    sync_api.expect(first.locator("th[data-col=ethnicity]")).to_be_hidden()
    first.get_by_label("性别", exact=True).select_option("")
    sync_api.expect(first.get_by_test_id("result-count")).to_have_text("共 2 人")
    sync_api.expect(first.locator("th[data-col=ethnicity]")).to_be_hidden()
    first.get_by_label("性别", exact=True).select_option("female")
    sync_api.expect(first.get_by_test_id("result-count")).to_have_text("共 1 人")

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


@pytest.mark.django_db(transaction=True)
def test_officer_units_export_and_undo(browser, live_server, city, officer_a, shots):
    from apps.cadres.models import Appointment
    from apps.cadres.tests.factories import PostFactory
    from apps.units.constants import Tier
    from apps.units.models import PostQuota

    base = live_server.url
    a = CadreFactory(name="周杰", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)
    b = CadreFactory(name="吴静", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)
    post = PostFactory(unit=city.county_a_dept, title="副局长", tier=Tier.SECTION_DEPUTY)
    PostQuota.objects.create(unit=city.county_a_dept, tier=Tier.SECTION_DEPUTY, approved=1)
    for cadre in (a, b):
        Appointment.objects.create(cadre=cadre, post=post, start_date=date(2021, 3, 1))

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, base, officer_a.username, PASSWORD)

    page.get_by_role("link", name="组织机构").click()
    tree = page.get_by_test_id("unit-tree")
    sync_api.expect(tree).to_contain_text("甲县财政局")
    sync_api.expect(tree).not_to_contain_text("乙县")
    shots.take(page, "11-unit-tree")
    tree.get_by_role("link", name="甲县财政局").click()
    sync_api.expect(page.get_by_test_id("occupancy")).to_contain_text("超职数 +1")
    shots.take(page, "12-unit-detail")
    page.get_by_role("link", name="超职数单位").click()
    sync_api.expect(page.get_by_test_id("over-establishment")).to_contain_text("甲县财政局")

    page.get_by_role("link", name="干部名册").click()
    page.get_by_label("姓名/拼音/身份证号").fill("zj")
    sync_api.expect(page.get_by_test_id("result-count")).to_have_text("共 1 人")
    page.get_by_test_id("export-button").click()
    sync_api.expect(page.get_by_test_id("job-status")).to_contain_text("已完成")
    shots.take(page, "13-export-job")
    with page.expect_download() as download_info:
        page.get_by_test_id("job-download").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")

    page.goto(f"{base}/cadres/{b.pk}/")
    page.get_by_role("button", name="删除").click()
    page.wait_for_url("**/cadres/")
    sync_api.expect(page.locator("#messages")).to_contain_text("已删除“吴静”")
    shots.take(page, "14-deleted-with-undo")
    page.get_by_test_id("undo-delete").click()
    page.wait_for_url(f"**/cadres/{b.pk}/")
    sync_api.expect(page.locator("#messages")).to_contain_text("已恢复“吴静”")
