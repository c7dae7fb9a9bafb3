"""Browser flow in Debian's chromium: an officer opens 职级晋升, picks the year and a rank step
(htmx swap), opens a row's explanation (the RANK-18-1/19-1 chain judged at the year end), then
the 职级职数比例 panel where they add a cap and see its use."""

from datetime import date

import pytest

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import PASSWORD
from apps.cadres.constants import RankGrade
from apps.cadres.models import RankRecord
from apps.cadres.tests.factories import CadreFactory
from apps.core.testing.browser import BROWSER_MARKS, log_in
from apps.selection.models import RankQuota

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER_MARKS


def holder(unit, name, since, rank):
    cadre = CadreFactory(name=name, unit=unit, rank_grade=rank, managed_by=ManagedBy.COUNTY)
    RankRecord.objects.create(cadre=cadre, rank_grade=rank, start_date=since)
    return cadre


@pytest.mark.django_db(transaction=True)
def test_rank_due_explain_and_quota(browser, live_server, city, officer_a, shots):
    base = live_server.url
    wang = holder(city.county_a_dept, "王建国", date(2020, 3, 1), RankGrade.PRINCIPAL_STAFF_2)
    holder(city.county_a_town, "赵敏", date(2020, 5, 1), RankGrade.STAFF_2)

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_default_timeout(15_000)  # the machine is shared: allow slow htmx swaps
    sync_api.expect.set_options(timeout=15_000)
    log_in(page, base, officer_a.username, PASSWORD)

    # 1. The list for 2026: both cadres have served their wait.
    page.goto(f"{base}/selection/rank/?year=2026")
    table = page.get_by_test_id("rank-due-table")
    sync_api.expect(table).to_contain_text("王建国")
    sync_api.expect(table).to_contain_text("赵敏")
    sync_api.expect(page.get_by_test_id("result-count")).to_contain_text("2")
    shots.take(page, "01-rank-due")

    # 2. Filter one step through htmx: only the 二级主任科员 → 一级主任科员 row stays.
    page.get_by_label("晋升层级").select_option("principal_staff_1")
    sync_api.expect(page.get_by_test_id("rank-row")).to_have_count(1)
    sync_api.expect(table).to_contain_text("王建国")
    sync_api.expect(table).not_to_contain_text("赵敏")
    assert "rank=principal_staff_1" in page.url
    shots.take(page, "02-rank-step")

    # 3. The row's explanation: the chain for 一级主任科员 judged on 2026-12-31.
    page.get_by_test_id("explain-link").click()
    page.wait_for_url(f"**/selection/eligibility/{wang.pk}/**")
    body = page.locator("body")
    sync_api.expect(body).to_contain_text("一级主任科员")
    sync_api.expect(body).to_contain_text("RANK-19-1")
    shots.take(page, "03-explain")

    # 4. The caps: add one for county A and see it used by the two cadres' base.
    page.goto(f"{base}/selection/rank/quota/")
    sync_api.expect(page.get_by_test_id("empty-state")).to_be_visible()
    form = page.get_by_test_id("rank-quota-form")
    form.get_by_label("适用范围（单位及下属）").select_option(str(city.county_a.pk))
    form.get_by_label("名称").fill("一至四级主任科员")
    capped = form.get_by_role("group", name="限额职级")
    for label in ("一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员"):
        capped.get_by_label(label, exact=True).check()
    form.get_by_label("最高占比（%）").fill("60")
    form.get_by_label("生效日期").fill("2026-01-01")
    form.get_by_test_id("save").click()
    usage = page.get_by_test_id("rank-quota-usage")
    sync_api.expect(usage).to_contain_text("一至四级主任科员")
    sync_api.expect(page.get_by_test_id("quota-used")).to_contain_text("1/2（50.0%）")
    sync_api.expect(page.get_by_test_id("quota-headroom")).to_contain_text("已满")
    assert RankQuota.objects.get().created_by == officer_a
    shots.take(page, "04-rank-quota")
