"""Browser flow in Debian's chromium: an officer registers a central task, dispatches a cadre as
驻村第一书记 from the cadre's page, approves and records arrival, then finds the cadre on the
dispatch board (chart drawn, table beside it) and the dispatch and its frontline service on the
cadre's 一线经历 tab."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import PASSWORD
from apps.cadres.tests.factories import CadreFactory
from apps.core.testing.browser import BROWSER_MARKS, log_in
from apps.frontline.models import Dispatch, FrontlineService

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_task_dispatch_board_and_cadre_page(browser, live_server, city, officer_a, shots):
    base = live_server.url
    cadre = CadreFactory(
        name="王建国",
        unit=city.county_a_dept,
        managed_by=ManagedBy.COUNTY,
        work_start_date=date(2008, 7, 1),
    )
    today = timezone.localdate()
    start = today - timedelta(days=3)
    end = date(start.year + 2, start.month, 1) + timedelta(days=40)  # beyond 24 months

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm confirmations
    log_in(page, base, officer_a.username, PASSWORD)

    # 1. Register the central task.
    page.get_by_role("link", name="中心任务").click()
    page.wait_for_url("**/frontline/tasks/")
    page.get_by_test_id("task-create").click()
    page.get_by_label("任务名称").fill("2026年乡村振兴驻村帮扶")
    page.get_by_label("任务类别").select_option("poverty")
    page.get_by_label("牵头单位").select_option(str(city.county_a.pk))
    page.get_by_label("开始日期").fill("2026-01-01")
    page.get_by_test_id("save").click()
    sync_api.expect(page.locator("h1")).to_contain_text("2026年乡村振兴驻村帮扶")
    shots.take(page, "01-task")

    # 2. From the cadre's page, dispatch them as 驻村第一书记.
    page.goto(f"{base}/cadres/{cadre.pk}/")
    page.get_by_role("tab", name="一线经历（0）").click()
    page.get_by_role("link", name="点将（拟选派）").click()
    page.wait_for_url("**/frontline/dispatches/new/**")
    sync_api.expect(page.get_by_test_id("cadre-options")).to_contain_text("王建国")
    page.get_by_label("选派类型").select_option("first_secretary")
    page.get_by_label("接收单位").select_option(str(city.county_a_town.pk))
    page.get_by_label("拟任职务").fill("驻村第一书记")
    page.get_by_label("驻村名称").fill("新民村")
    page.get_by_label("中心任务").select_option(label="2026年乡村振兴驻村帮扶")
    page.get_by_label("计划开始日期").fill(start.isoformat())
    page.get_by_label("任期届满日期").fill((start + timedelta(days=300)).isoformat())
    page.get_by_role("button", name="保存").click()
    sync_api.expect(page.locator(".invalid-feedback").first).to_contain_text("24")  # term rule
    shots.take(page, "02-term-too-short")
    page.get_by_label("任期届满日期").fill(end.isoformat())
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/frontline/dispatches/*/")
    dispatch = Dispatch.objects.get(cadre=cadre)

    # 3. Approve, then record arrival.
    page.get_by_test_id("action-approve").locator("summary").click()
    page.get_by_label("批准文号").fill("甲组通〔2026〕12号")
    page.get_by_role("button", name="批准").click()
    sync_api.expect(page.get_by_test_id("dispatch-actions")).to_contain_text("到岗")
    page.get_by_test_id("action-start").locator("summary").click()
    page.get_by_label("实际到岗日期").fill(start.isoformat())
    page.get_by_role("button", name="登记到岗").click()
    sync_api.expect(page.locator("body")).to_contain_text("在岗")
    shots.take(page, "03-dispatch-in-post")
    assert FrontlineService.objects.get(dispatch=dispatch).end_date is None

    # 4. The board shows them under the county, with the chart and its table.
    page.get_by_role("link", name="选派看板").click()
    page.wait_for_url("**/frontline/dispatches/board/")
    card = page.get_by_test_id("county-card").filter(has_text="王建国")
    sync_api.expect(card).to_contain_text("新民村")
    sync_api.expect(page.locator("[data-testid=dispatch-chart-card] canvas")).to_have_count(1)
    shots.take(page, "04-board")

    # 5. The cadre's page lists the dispatch and the service it started.
    page.goto(f"{base}/cadres/{cadre.pk}/")
    page.get_by_role("tab", name="一线经历（1）").click()
    sync_api.expect(page.get_by_test_id("frontline-dispatches")).to_contain_text("在岗")
    sync_api.expect(page.get_by_test_id("frontline-services")).to_contain_text("新民村")
    sync_api.expect(page.get_by_test_id("frontline-services")).to_contain_text("由选派生成")
    shots.take(page, "05-cadre-tab")
