"""Browser flows of the 三员 in Debian's chromium.

The sysadmin creates a user, finds, deactivates and reactivates it, and runs a unit through
create / rename / move / 职数 / history; the secadmin makes the user a leader scoped to one
county's 县管 cadres, and the user then sees only those; the auditor filters the log, reads an
event's before/after, checks the hash chain; sysadmin and auditor each meet the Chinese 403
page outside their role. A second flow locks an account with wrong passwords and has the
sysadmin unlock it.

Screenshots go to the test's tmp dir (and to $DANDANG_SHOTS when set, for a human look)."""

from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from apps.accounts.api_auth import token_create
from apps.accounts.models import ManagedBy, Role, User
from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.cadres.tests.factories import CadreFactory
from apps.core.models import AuditEvent
from apps.core.testing.browser import BROWSER_MARKS, log_in
from apps.units.constants import Tier, UnitEventKind, UnitKind, UnitLevel
from apps.units.models import PostQuota, Unit, UnitEvent

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
pytestmark = BROWSER_MARKS

INITIAL_PASSWORD = "Init-Passw0rd!x"
VIEWPORT = {"width": 1366, "height": 900}


def new_page(browser: Any) -> Any:
    page = browser.new_context(locale="zh-CN", viewport=VIEWPORT).new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm → window.confirm
    return page


def open_menu(page: Any, name: str, url: str) -> None:
    """Click an entry of the left menu and wait for its page."""
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name=name).click()
    page.wait_for_url(url)


def flash(page: Any) -> Any:
    """The messages area under the breadcrumbs."""
    return page.locator("#messages")


def unit_action(page: Any, unit: Unit, action: str) -> None:
    """Open a unit's 操作 dropdown in the tree or search results and pick `action`."""
    row = page.get_by_test_id(f"unit-{unit.pk}").locator("xpath=..")
    row.get_by_role("button", name="操作").click()
    row.get_by_role("link", name=action).click()


@pytest.fixture
def admins(db: None) -> dict[str, User]:
    return {
        "sysadmin": UserFactory(username="sysadmin1", full_name="系统管理员甲", role=Role.SYSADMIN),
        "secadmin": UserFactory(username="secadmin1", full_name="安全管理员甲", role=Role.SECADMIN),
        "auditor": UserFactory(username="auditor1", full_name="审计员甲", role=Role.AUDITOR),
    }


@pytest.mark.django_db(transaction=True)
def test_three_admins_flow(browser, live_server, city, admins, shots):
    base = live_server.url
    CadreFactory(name="李娜", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)
    CadreFactory(name="张伟", unit=city.county_a_town, managed_by=ManagedBy.COUNTY)
    CadreFactory(name="王强", unit=city.county_a, managed_by=ManagedBy.CITY)  # 市管: not granted
    CadreFactory(name="赵敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)

    # ---- 1. sysadmin: users -------------------------------------------------------------
    sa = new_page(browser)
    log_in(sa, base, "sysadmin1", PASSWORD)
    open_menu(sa, "用户管理", "**/accounts/users/")
    shots.take(sa, "01-sysadmin-user-list")

    sa.get_by_role("link", name="新建用户").click()
    sa.wait_for_url("**/accounts/users/new/")
    sa.get_by_label("用户名", exact=True).fill("liuyang")
    sa.get_by_label("姓名", exact=True).fill("刘洋")
    sa.get_by_label("电子邮箱").fill("liuyang@example.cn")
    sa.get_by_label("所在单位").select_option(str(city.county_a.pk))
    sa.get_by_label("密码", exact=True).fill(INITIAL_PASSWORD)
    sa.get_by_label("确认密码").fill(INITIAL_PASSWORD)
    shots.take(sa, "02-sysadmin-user-form")
    sa.get_by_role("button", name="保存").click()
    sa.wait_for_url("**/accounts/users/")
    expect(flash(sa)).to_contain_text("已新建用户“liuyang”")
    new_user = User.objects.get(username="liuyang")
    assert new_user.role == Role.OFFICER and new_user.unit_id == city.county_a.pk

    sa.get_by_label("用户名或姓名").fill("刘洋")
    sa.get_by_role("button", name="查询").click()
    expect(sa.get_by_test_id("total-count")).to_have_text("1")
    assert "q=" in sa.url  # htmx pushed the search into the address bar
    row = sa.get_by_test_id("user-liuyang")
    expect(row).to_contain_text("甲县")
    shots.take(sa, "03-sysadmin-user-search")

    row.get_by_role("button", name="停用").click()  # confirm dialog accepted
    expect(flash(sa)).to_contain_text("已停用用户“liuyang”")
    expect(row).to_contain_text("已停用")
    assert sa.get_by_label("用户名或姓名").input_value() == "刘洋"  # back on the same search
    shots.take(sa, "04-sysadmin-user-deactivated")
    new_user.refresh_from_db()
    assert not new_user.is_active

    row.get_by_role("button", name="启用").click()
    expect(flash(sa)).to_contain_text("已启用用户“liuyang”")
    expect(row).to_contain_text("有效")
    new_user.refresh_from_db()
    assert new_user.is_active

    # ---- 1. sysadmin: units -------------------------------------------------------------
    open_menu(sa, "单位管理", "**/units/")
    sa.get_by_role("button", name="展开示范市委的下级单位").click()
    expect(sa.get_by_test_id(f"unit-{city.county_a.pk}")).to_be_visible()
    shots.take(sa, "05-sysadmin-unit-tree")

    unit_action(sa, city.county_a, "新增下级单位")
    sa.wait_for_url(f"**/units/new/?parent={city.county_a.pk}")
    assert sa.get_by_label("上级单位").input_value() == str(city.county_a.pk)
    sa.get_by_label("单位名称").fill("甲县审计局")
    sa.get_by_label("简称").fill("县审计局")
    sa.get_by_label("单位代码").fill("A-SJJ-01")
    sa.get_by_label("单位层级").select_option(label="县级")
    sa.get_by_label("单位类别").select_option(label="部门")
    shots.take(sa, "06-sysadmin-unit-create")
    sa.get_by_role("button", name="保存").click()
    expect(flash(sa)).to_contain_text("已设立单位“甲县审计局”")
    unit = Unit.objects.get(code="A-SJJ-01")
    assert unit.parent_id == city.county_a.pk
    expect(sa.get_by_test_id(f"unit-{unit.pk}")).to_be_visible()  # shown as a search result

    unit_action(sa, unit, "更名")
    sa.wait_for_url(f"**/units/{unit.pk}/rename/")
    sa.get_by_label("新名称").fill("甲县审计委员会办公室")
    sa.get_by_label("新简称").fill("县审计办")
    sa.get_by_label("文号").fill("甲编〔2026〕3号")
    sa.get_by_role("button", name="保存").click()
    expect(flash(sa)).to_contain_text("已将“甲县审计局”更名为“甲县审计委员会办公室”")
    shots.take(sa, "07-sysadmin-unit-renamed")

    unit_action(sa, unit, "调整隶属关系")
    sa.wait_for_url(f"**/units/{unit.pk}/move/")
    sa.get_by_label("新的上级单位").select_option(str(city.county_b.pk))
    sa.get_by_label("生效日期").fill("2026-03-01")
    sa.get_by_role("button", name="保存").click()
    expect(flash(sa)).to_contain_text("已将“甲县审计委员会办公室”调整到“乙县”之下")
    expect(sa.get_by_test_id("unit-tree")).to_contain_text("示范市委 / 乙县 /")
    shots.take(sa, "08-sysadmin-unit-moved")

    unit_action(sa, unit, "领导职数")
    sa.wait_for_url(f"**/units/{unit.pk}/quota/")
    sa.get_by_label("县处级正职").fill("1")
    sa.get_by_label("县处级副职").fill("2")
    sa.get_by_label("核定依据（文号）").fill("乙编〔2026〕8号")
    sa.get_by_role("button", name="保存").click()
    expect(flash(sa)).to_contain_text("已保存“甲县审计委员会办公室”的领导职数")
    expect(sa.get_by_label("县处级副职")).to_have_value("2")
    shots.take(sa, "09-sysadmin-unit-quota")
    quotas = dict(PostQuota.objects.filter(unit=unit).values_list("tier", "approved"))
    assert quotas == {Tier.DIVISION_PRINCIPAL: 1, Tier.DIVISION_DEPUTY: 2}

    sa.get_by_role("link", name="查看沿革").click()
    sa.wait_for_url(f"**/units/{unit.pk}/history/")
    events = sa.get_by_test_id("unit-events")
    expect(events.locator("tbody tr")).to_have_count(5)  # newest first
    for kind in ("核定职数", "调整隶属关系", "更名", "设立"):
        expect(events).to_contain_text(kind)
    for text in ("名称：甲县审计委员会办公室", "上级单位：乙县", "甲编〔2026〕3号", "核定职数：2"):
        expect(events).to_contain_text(text)
    expect(sa.get_by_role("main")).to_contain_text("县处级副职 2 名")
    kinds = list(UnitEvent.objects.filter(unit=unit).values_list("kind", flat=True))
    assert sorted(kinds) == sorted(
        [UnitEventKind.CREATED, UnitEventKind.RENAMED, UnitEventKind.MOVED]
        + [UnitEventKind.QUOTA] * 2
    )
    shots.take(sa, "10-sysadmin-unit-history")
    unit.refresh_from_db()
    assert (unit.name, unit.parent_id, unit.level, unit.kind) == (
        "甲县审计委员会办公室",
        city.county_b.pk,
        UnitLevel.COUNTY,
        UnitKind.DEPARTMENT,
    )

    response = sa.goto(f"{base}/audit/")
    assert response is not None and response.status == 403
    expect(sa.get_by_test_id("forbidden")).to_contain_text("此页面仅对安全审计员开放")
    expect(sa.get_by_test_id("forbidden")).to_contain_text("您当前的角色是“系统管理员”")
    shots.take(sa, "11-sysadmin-audit-403")

    # ---- 2. secadmin: role and scope ----------------------------------------------------
    sec = new_page(browser)
    log_in(sec, base, "secadmin1", PASSWORD)
    open_menu(sec, "角色与数据范围", "**/accounts/grants/")
    sec.get_by_label("用户名或姓名").fill("liuyang")
    sec.get_by_role("button", name="查询").click()
    expect(sec.get_by_test_id("total-count")).to_have_text("1")
    row = sec.get_by_test_id("user-liuyang")
    expect(row).to_contain_text("未授权（看不到任何干部）")
    shots.take(sec, "12-secadmin-grant-list")

    row.get_by_role("link", name="设置角色").click()
    sec.wait_for_url(f"**/accounts/users/{new_user.pk}/role/")
    sec.get_by_label("领导（只读）").check()
    shots.take(sec, "13-secadmin-role-form")
    sec.get_by_role("button", name="保存").click()  # confirm dialog accepted
    sec.wait_for_url("**/accounts/grants/")
    expect(flash(sec)).to_contain_text("已将用户“liuyang”的角色设为领导（只读）")

    sec.get_by_test_id("user-liuyang").get_by_role("link", name="授权").click()
    sec.wait_for_url(f"**/accounts/users/{new_user.pk}/grants/new/")
    sec.get_by_label("范围根单位").select_option(str(city.county_a.pk))
    sec.get_by_label("县管").check()
    sec.get_by_label("备注（授权依据）").fill("甲县组织部长分管")
    shots.take(sec, "14-secadmin-grant-form")
    sec.get_by_role("button", name="授权").click()
    sec.wait_for_url("**/accounts/grants/")
    expect(flash(sec)).to_contain_text("已为用户“liuyang”授予“甲县”的数据范围")
    row = sec.get_by_test_id("user-liuyang")
    expect(row).to_contain_text("领导（只读）")
    expect(row).to_contain_text("甲县")
    expect(row).to_contain_text("县管")
    shots.take(sec, "15-secadmin-granted")
    new_user.refresh_from_db()
    grant = new_user.grants.get()
    assert new_user.role == Role.LEADER
    assert (grant.unit_id, grant.managed_levels) == (city.county_a.pk, [ManagedBy.COUNTY])

    # An API token of the new leader, revoked from the security administrator's page.
    token, _ = token_create(actor=None, user=new_user, name="大屏展示", expires_at=None)
    open_menu(sec, "接口访问令牌", "**/accounts/tokens/")
    row = sec.get_by_test_id(f"token-{token.prefix}")
    expect(row).to_contain_text("有效")
    row.get_by_role("button", name="吊销").click()  # confirm dialog accepted
    sec.wait_for_url("**/accounts/tokens/")
    expect(flash(sec)).to_contain_text("已吊销")
    expect(sec.get_by_test_id(f"token-{token.prefix}")).to_contain_text("已吊销")
    shots.take(sec, "15b-secadmin-token-revoked")
    token.refresh_from_db()
    assert token.revoked
    # The token list as Excel, with the page's filter: a background job, then the download.
    sec.get_by_label("状态").select_option("revoked")
    expect(sec.get_by_test_id(f"token-{token.prefix}")).to_be_visible()
    sec.get_by_test_id("export-button").click()
    expect(sec.get_by_test_id("job-status")).to_contain_text("已完成")
    with sec.expect_download() as download_info:
        sec.get_by_test_id("job-download").click()
    assert download_info.value.suggested_filename.startswith("接口访问令牌")
    book = load_workbook(BytesIO(download_info.value.path().read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert [(r[3], r[8]) for r in rows[1:]] == [("大屏展示", "已吊销")]

    # ---- 2. the new leader sees county A's 县管 cadres only ----------------------------
    # The initial password was chosen by the sysadmin: the first page is 修改密码.
    leader = new_page(browser)
    leader.goto(f"{base}/accounts/login/")
    leader.get_by_label("用户名").fill("liuyang")
    leader.get_by_label("密码").fill(INITIAL_PASSWORD)
    leader.get_by_role("button", name="登录").click()
    leader.wait_for_url("**/accounts/password/")
    expect(leader.get_by_role("main")).to_contain_text("请先修改为只有您本人知道的密码")
    leader.get_by_label("原密码").fill(INITIAL_PASSWORD)
    leader.get_by_label("新密码", exact=True).fill("Qiu-Shi#Wu2026")
    leader.get_by_label("确认新密码").fill("Qiu-Shi#Wu2026")
    shots.take(leader, "16a-forced-password-change")
    leader.get_by_role("button", name="修改密码").click()
    leader.wait_for_url(f"{base}/")
    expect(leader.get_by_test_id("current-user")).to_contain_text("刘洋 · 领导（只读）")
    shots.take(leader, "16-leader-dashboard")
    open_menu(leader, "干部名册", "**/cadres/")
    expect(leader.get_by_test_id("result-count")).to_have_text("共 2 人")
    main = leader.get_by_role("main")
    expect(main.get_by_role("link", name="李娜")).to_be_visible()
    expect(main.get_by_role("link", name="张伟")).to_be_visible()
    for name in ("王强", "赵敏"):
        expect(main.get_by_role("link", name=name)).to_have_count(0)
    shots.take(leader, "17-leader-cadre-list")

    # ---- 3. auditor: log, detail, chain -------------------------------------------------
    aud = new_page(browser)
    log_in(aud, base, "auditor1", PASSWORD)
    open_menu(aud, "审计日志", "**/audit/")
    shots.take(aud, "18-auditor-log")
    aud.get_by_label("事件", exact=True).select_option(label="新建用户（user.create）")
    aud.get_by_role("button", name="查询").click()
    expect(aud.get_by_test_id("total-count")).to_have_text("1")
    assert "action=user.create" in aud.url
    table = aud.locator("#audit-table tbody")
    expect(table).to_contain_text("sysadmin1")
    expect(table).to_contain_text("刘洋")
    shots.take(aud, "19-auditor-filtered")

    created = AuditEvent.objects.get(action="user.create")
    table.get_by_role("link", name="详情").click()
    aud.wait_for_url(f"**/audit/{created.pk}/")
    expect(aud.get_by_test_id("action")).to_have_text("新建用户（user.create）")
    diff = aud.get_by_test_id("diff")
    expect(diff).to_contain_text("liuyang")
    expect(diff).to_contain_text("刘洋")
    expect(diff.locator("thead")).to_contain_text("变更前")
    expect(diff.locator("thead")).to_contain_text("变更后")
    shots.take(aud, "20-auditor-event-detail")

    aud.get_by_role("link", name="返回列表").click()
    aud.wait_for_url("**/audit/")
    aud.get_by_role("link", name="完整性校验").click()
    aud.wait_for_url("**/audit/verify/")
    total = AuditEvent.objects.count()
    aud.get_by_role("button", name="开始校验").click()
    expect(aud.get_by_test_id("verify-ok")).to_contain_text(f"共校验 {total} 条事件")
    expect(aud.get_by_test_id("verify-ok")).to_contain_text("哈希链完整")
    shots.take(aud, "21-auditor-verify")
    assert AuditEvent.objects.filter(action="audit.verify", detail__problems=0).exists()

    response = aud.goto(f"{base}/cadres/")
    assert response is not None and response.status == 403
    expect(aud.get_by_test_id("forbidden")).to_contain_text("您当前的角色是“安全审计员”")
    shots.take(aud, "22-auditor-cadres-403")


@pytest.mark.django_db(transaction=True)
def test_lockout_and_unlock(browser, live_server, city, admins, shots):
    base = live_server.url
    victim = UserFactory(username="wangfang", full_name="王芳")

    page = new_page(browser)
    page.goto(f"{base}/accounts/login/")
    for attempt in range(1, 6):
        page.get_by_label("用户名").fill("wangfang")
        page.get_by_label("密码").fill(f"wrong-{attempt}")
        page.get_by_role("button", name="登录").click()
        if attempt < 5:
            expect(page.get_by_test_id("login-error")).to_have_text("用户名或密码错误")
    expect(page.get_by_test_id("login-error")).to_contain_text("连续5次登录失败，账号已锁定15分钟")
    shots.take(page, "30-locked-fifth-failure")

    # Even the right password is refused while the lock lasts.
    page.get_by_label("用户名").fill("wangfang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("账号已锁定，请15分钟后再试")
    shots.take(page, "31-locked-right-password")
    victim.refresh_from_db()
    assert victim.locked_until is not None

    sa = new_page(browser)
    log_in(sa, base, "sysadmin1", PASSWORD)
    open_menu(sa, "用户管理", "**/accounts/users/")
    sa.get_by_label("状态").select_option(label="已锁定")
    sa.get_by_role("button", name="查询").click()
    expect(sa.get_by_test_id("total-count")).to_have_text("1")
    row = sa.get_by_test_id("user-wangfang")
    expect(row).to_contain_text("已锁定")
    shots.take(sa, "32-sysadmin-locked-users")
    row.get_by_role("button", name="解锁").click()
    expect(flash(sa)).to_contain_text("已解除用户“wangfang”的锁定")
    # Back on the 已锁定 filter, which is now empty.
    expect(sa.get_by_test_id("empty")).to_be_visible()
    shots.take(sa, "33-sysadmin-unlocked")

    log_in(page, base, "wangfang", PASSWORD)
    expect(page.get_by_test_id("current-user")).to_contain_text("王芳")
    shots.take(page, "34-unlocked-user-dashboard")
