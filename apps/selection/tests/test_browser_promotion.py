"""Browser flow in Debian's chromium (issue 8): search candidates for a post, open one's
explanation, promote (拟任 → 任前公示 → 确认任职), and see the frontline quota change."""

from datetime import date

import pytest

from apps.accounts.tests.factories import PASSWORD
from apps.cadres.tests.factories import PostFactory
from apps.core.testing.browser import BROWSER_MARKS, log_in
from apps.selection.constants import PromotionStatus, QuotaEnforcement
from apps.selection.models import FrontlineQuota, Promotion
from apps.selection.tests.test_candidates import section_principal
from apps.units.constants import Tier, UnitLevel

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_search_explain_promote_and_see_the_quota(browser, live_server, city, officer_a, shots):
    base = live_server.url
    FrontlineQuota.objects.create(
        unit=city.county_a,
        unit_level=UnitLevel.COUNTY,
        min_percent=80,
        enforcement=QuotaEnforcement.WARN,
        effective_from=date(2026, 1, 1),
        source="参照昭通",
    )
    cadre = section_principal(city.county_a_town, "张伟", date(2020, 1, 1))
    PostFactory(unit=city.county_a_dept, title="副局长", tier=Tier.DIVISION_DEPUTY)
    expect = sync_api.expect

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    log_in(page, base, officer_a.username, PASSWORD)

    # 1. Candidates for 县处级副职, judged on the day the committee met.
    page.goto(f"{base}/selection/candidates/")
    page.get_by_label("选拔目标").select_option("tier")
    page.get_by_label("拟任职务层次").select_option("division_deputy")
    page.get_by_label("审查日期").fill("2026-11-02")
    page.get_by_test_id("candidate-submit").click()
    expect(page.get_by_test_id("candidate-table")).to_contain_text("张伟")

    # 2. Their explanation, then 拟提拔.
    page.get_by_test_id("eligibility-link").first.click()
    page.wait_for_url(f"**/selection/eligibility/{cadre.pk}/**")
    expect(page.get_by_test_id("eligibility-chain")).to_contain_text("第八条")
    page.get_by_test_id("plan-link").first.click()
    page.wait_for_url("**/selection/promotions/plan/**")
    page.get_by_label("拟任职务").select_option(label="甲县财政局 副局长（县处级副职）")
    page.get_by_label("研究决定日期").fill("2026-11-02")
    page.get_by_test_id("plan-submit").click()
    page.wait_for_url("**/selection/promotions/*/")
    expect(page.get_by_test_id("promotion-status")).to_contain_text("拟任")
    # The what-if before confirming: 0 of 1 with frontline experience, below 80%.
    expect(page.get_by_test_id("quota-whatif")).to_contain_text("0/1")
    expect(page.get_by_test_id("quota-below")).to_contain_text("须说明理由")
    shots.take(page, "01-planned")

    # 3. 任前公示: five working days from 2026-11-03, then the result.
    page.get_by_test_id("publicity-start").click()
    page.get_by_label("公示开始日期").fill("2026-11-03")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("publicity-record")).to_contain_text("2026-11-09")
    page.get_by_label("公示结果").select_option("no_objection")
    page.get_by_label("办结日期").fill("2026-11-10")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("close-save").click()
    expect(page.get_by_test_id("outcome")).to_contain_text("无异议")

    # 4. Confirm: refused without a reason while the share would fall below 80%, then done.
    promotion = Promotion.objects.get()
    page.goto(f"{base}/selection/promotions/{promotion.pk}/")
    page.get_by_label("任职日期").fill("2026-11-20")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("confirm-submit").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("请填写仍要确认的理由")
    page.get_by_label("低于一线比例仍确认的理由").fill("专业岗位急需")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("confirm-submit").click()
    expect(page.get_by_test_id("promotion-status")).to_contain_text("已任职")
    shots.take(page, "02-confirmed")

    # 5. The quota panel counts the confirmed promotion.
    page.goto(f"{base}/selection/quota/?year=2026")
    expect(page.get_by_test_id("quota-share")).to_contain_text("0/1")
    expect(page.get_by_test_id("quota-table")).to_contain_text("还差1人")
    shots.take(page, "03-quota")
    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.CONFIRMED
    assert promotion.appointment is not None and promotion.appointment.start_date == date(
        2026, 11, 20
    )
