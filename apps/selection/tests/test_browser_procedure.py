"""Browser flow in Debian's chromium: an officer opens the 任前公示 list, filters it, opens a notice
that has run (the printable 公示 with its period), records an upheld objection and sees the
promotion withdrawn; then the probation list and a 不胜任 assessment."""

from datetime import date, timedelta

import pytest

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import PASSWORD
from apps.cadres.models import Appointment
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.core.testing.browser import BROWSER_MARKS, log_in
from apps.selection.constants import PromotionStatus
from apps.selection.models import Probation, Publicity
from apps.selection.services.publicity import publicity_start
from apps.selection.tests.factories import ProbationFactory, PromotionFactory
from apps.selection.tests.test_workdays import work_calendar  # noqa: F401 (fixture)
from apps.units.constants import Tier

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [*BROWSER_MARKS, pytest.mark.usefixtures("work_calendar")]


@pytest.mark.django_db(transaction=True)
def test_publicity_result_and_probation(browser, live_server, city, officer_a, shots):
    base = live_server.url
    cadre = CadreFactory(name="王建国", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)
    other = CadreFactory(name="赵敏", unit=city.county_a_town, managed_by=ManagedBy.COUNTY)
    promotion = PromotionFactory(cadre=cadre, decision_date=date(2026, 9, 28))
    publicity = publicity_start(
        actor=officer_a, promotion_id=promotion.pk, start_date=date(2026, 11, 3)
    )
    PromotionFactory(cadre=other)
    post = PostFactory(unit=city.county_a_town, title="副镇长", tier=Tier.SECTION_DEPUTY)
    appointment = Appointment.objects.create(cadre=other, post=post, start_date=date(2025, 12, 1))
    trial = PromotionFactory(
        cadre=other, post=post, status=PromotionStatus.CONFIRMED, appointment=appointment
    )
    # Ending ten days from the real today (the page's reminder window is 30 days).
    end = date.today() + timedelta(days=10)
    probation = ProbationFactory(
        promotion=trial, start_date=end - timedelta(days=364), end_date=end
    )
    assessed_on = date.today() - timedelta(days=1)

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm confirmations
    page.set_default_timeout(15_000)  # the machine is shared: allow slow htmx swaps
    sync_api.expect.set_options(timeout=15_000)
    log_in(page, base, officer_a.username, PASSWORD)

    # 1. The list, filtered by pinyin initials through htmx.
    page.goto(f"{base}/selection/publicity/")
    sync_api.expect(page.get_by_test_id("publicity-table")).to_contain_text("王建国")
    page.get_by_label("姓名/拼音").fill("zm")
    sync_api.expect(page.get_by_test_id("empty-state")).to_be_visible()
    page.get_by_label("姓名/拼音").fill("wjg")
    sync_api.expect(page.get_by_test_id("publicity-table")).to_contain_text("已期满，待登记结果")
    shots.take(page, "01-publicity-list")

    # 2. The notice: period in working days, printable.
    page.get_by_role("link", name="王建国").click()
    page.wait_for_url(f"**/selection/publicity/{publicity.pk}/")
    notice = page.get_by_test_id("publicity-notice")
    sync_api.expect(notice).to_contain_text("公示时间：2026年11月3日至2026年11月9日（5个工作日）")
    sync_api.expect(page.get_by_test_id("print")).to_be_visible()
    shots.take(page, "02-publicity-notice")

    # 3. Record an upheld objection: the promotion is withdrawn.
    page.get_by_label("公示结果").select_option("objection_upheld")
    page.get_by_label("收到反映（件）").fill("1")
    page.get_by_label("反映情况及核查结论").fill("反映其违规收受礼金，经核查属实")
    page.get_by_label("办结日期").fill("2026-11-09")
    page.get_by_test_id("close-save").click()
    sync_api.expect(page.get_by_test_id("outcome")).to_contain_text("有反映，经核查影响任职")
    sync_api.expect(page.get_by_test_id("publicity-record")).to_contain_text("已撤回")
    shots.take(page, "03-publicity-closed")
    assert Publicity.objects.get(pk=publicity.pk).closed_on == date(2026, 11, 9)

    # 4. The probation list shows the trial ending soon; assess it 不胜任.
    page.goto(f"{base}/selection/probation/")
    sync_api.expect(page.get_by_test_id("probation-table")).to_contain_text("即将期满")
    page.get_by_role("link", name="赵敏").click()
    page.get_by_label("考核结论").select_option("reverted")
    page.get_by_label("考核日期").fill(assessed_on.isoformat())
    page.get_by_label("考核情况").fill("考核不胜任")
    page.get_by_test_id("assess-save").click()
    sync_api.expect(page.get_by_test_id("outcome")).to_contain_text("不胜任，免去试任职务")
    shots.take(page, "04-probation-reverted")
    assert Probation.objects.get(pk=probation.pk).outcome == "reverted"
    appointment.refresh_from_db()
    assert appointment.end_date == assessed_on
