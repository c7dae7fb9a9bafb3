"""Browser flow in Debian's chromium: a 容错纠错 officer takes a case from application to a
conclusion with its correction measure, drafts a redacted typical case from it, previews and
publishes it; a plain officer of the same county then finds it in the library but cannot open the
case (need-to-know)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.tests.factories import PASSWORD
from apps.cadres.tests.factories import CadreFactory
from apps.core.testing.browser import BROWSER_MARKS, log_in
from apps.tolerance.constants import ListKind
from apps.tolerance.models import ToleranceCase, TypicalCase
from apps.tolerance.tests.factories import ToleranceListFactory, ToleranceMethodFactory

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER_MARKS


def act(page, key):
    """Open an action's panel (a <details>) and return it."""
    panel = page.get_by_test_id(f"action-{key}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return panel


@pytest.mark.django_db(transaction=True)
def test_case_to_published_typical_case(
    browser, live_server, city, tol_officer_a, officer_a, shots
):
    base = live_server.url
    today = timezone.localdate()
    method = ToleranceMethodFactory(
        unit=city.root, effective_from=today - timedelta(days=300), published_at=timezone.now()
    )
    ToleranceListFactory(method=method, kind=ListKind.POSITIVE, code="Z1")
    ToleranceListFactory(method=method, kind=ListKind.NEGATIVE, code="F1", text="谋取私利")
    cadre = CadreFactory(name="赵建设", unit=city.county_a_dept)

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, base, tol_officer_a.username, PASSWORD)

    # 1. Apply on behalf of the cadre.
    page.get_by_role("link", name="容错纠错案件").click()
    page.goto(f"{base}/tolerance/cases/new/?cadre={cadre.pk}")
    form = page.get_by_test_id("case-form")
    form.get_by_label("申请人姓名/单位").fill("赵建设")
    form.get_by_label("申请日期").fill(today.isoformat())
    form.get_by_label("问责（调查）告知日期").fill((today - timedelta(days=3)).isoformat())
    form.get_by_label("领域").select_option("key_project")
    form.get_by_label("失误错误情况").fill("赵建设同志在项目审批中为赶工期简化了部分程序")
    page.get_by_test_id("case-submit").click()
    page.wait_for_url("**/tolerance/cases/*/")
    case = ToleranceCase.objects.get(cadre=cadre)

    # 2. Accept, verify, determine with the checklist.
    act(page, "accept").get_by_label("受理日期").fill(today.isoformat())
    page.get_by_test_id("submit-accept").click()
    panel = act(page, "verify")
    panel.get_by_label("核实完成日期").fill(today.isoformat())
    panel.get_by_label("核实情况").fill("经调阅档案、谈话了解，情况属实")
    page.get_by_test_id("submit-verify").click()
    panel = act(page, "determine")
    panel.get_by_label("认定日期").fill(today.isoformat())
    for name in (
        "d1_inexperience",
        "d2_not_prohibited",
        "d3_no_personal_gain",
        "c1_not_prohibited",
        "c2_pilot_unintentional",
        "c4_loss_mitigated",
        "c5_democratic_procedure",
        "c6_no_improper_gain",
    ):
        panel.locator(f"input[name={name}][value='1']").check()
    for name in ("c3_force_majeure", "is_repeat"):
        panel.locator(f"input[name={name}][value='0']").check()
    for reason in ("d1_reason", "d2_reason", "d3_reason"):
        panel.locator(f"textarea[name={reason}]").fill("经研判，符合该项情形")
    panel.get_by_label("Z1 在推进重点项目建设中先行先试出现失误").check()
    shots.take(page, "01-checklist")
    page.get_by_test_id("submit-determine").click()
    sync_api.expect(page.get_by_test_id("action-conclude")).to_be_visible()

    # 3. A conclusion without a correction measure is refused; with one it goes through.
    panel = act(page, "conclude")
    panel.get_by_label("结论日期").fill(today.isoformat())
    panel.get_by_label("结论", exact=True).select_option("tolerated")
    panel.get_by_label("结论理由").fill("符合容错情形，予以免责")
    page.get_by_test_id("submit-conclude").click()
    sync_api.expect(page.locator("body")).to_contain_text("作出结论时须同时明确纠错措施")
    panel = act(page, "conclude")
    panel.locator("textarea[name='corr-0-measure']").fill("补办项目审批手续")
    panel.locator("input[name='corr-0-owner']").fill("县发展改革局")
    panel.locator("input[name='corr-0-due_on']").fill((today + timedelta(days=60)).isoformat())
    page.get_by_test_id("submit-conclude").click()
    sync_api.expect(page.get_by_test_id("draft-typical")).to_be_visible()
    shots.take(page, "02-concluded")
    case.refresh_from_db()
    assert case.stage == "concluded" and case.corrections.count() == 1

    # 4. Draft a typical case from it: the name is redacted; preview; publish.
    page.get_by_test_id("draft-typical").click()
    page.get_by_test_id("draft-from-case").click()
    page.wait_for_url("**/library/*/edit/**")
    assert "赵建设" not in page.get_by_label("基本情况").input_value()
    page.get_by_label("启示").fill("干事创业要大胆探索，也要守住程序底线")
    page.get_by_test_id("save").click()
    page.wait_for_url("**/preview/**")
    shots.take(page, "03-preview")
    review = page.locator("input[name=manual_review]")
    if review.count():
        review.check()
    page.get_by_test_id("typical-publish").click()
    sync_api.expect(page.locator("body")).to_contain_text("已发布")
    typical = TypicalCase.objects.get(source_case=case)
    assert typical.published_at is not None

    # The pillar dashboard draws its charts.
    page.get_by_role("link", name="激励保护概览").click()
    sync_api.expect(page.locator("[data-chart] canvas").first).to_be_visible()

    # 5. A plain officer of the county reads the library but not the case.
    other = browser.new_context(locale="zh-CN").new_page()
    log_in(other, base, officer_a.username, PASSWORD)
    other.get_by_role("link", name="典型案例库").click()
    sync_api.expect(other.locator("body")).to_contain_text(typical.title)
    assert other.get_by_role("link", name="容错纠错案件").count() == 0
    response = other.goto(f"{base}/tolerance/cases/{case.pk}/")
    assert response is not None and response.status == 404
    shots.take(other, "04-plain-officer-library")
