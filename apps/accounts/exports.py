"""Excel exports of the 三员's account lists (users, roles and scope grants, API tokens),
registered with apps.core.exports. Each opens to the role whose page shows the list, and builds
its rows with the same selector and filters as that page."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from apps.core.exports import ExportTable, ListExport, register

from .models import Role
from .selectors import token_list, token_state, user_list


def _role(role: str) -> Any:
    return lambda actor: getattr(actor, "role", None) == role


def _t(value: datetime | None, empty: str = "") -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else empty


def _users(actor: Any, query: QueryDict) -> ExportTable:
    users, _ = user_list(query)
    now = timezone.now()

    def lines() -> Iterator[list[Any]]:
        for u in users.iterator(chunk_size=500):
            locked = u.locked_until is not None and u.locked_until > now
            yield [
                u.username,
                u.full_name,
                u.unit.name if u.unit else "",
                u.get_role_display(),
                "有效" if u.is_active else "已停用",
                _t(u.locked_until) if locked else "",
                "是" if u.must_change_password else "否",
                _t(u.last_login, "从未登录"),
            ]

    headers = ["用户名", "姓名", "所在单位", "角色", "状态", "锁定至", "须修改初始密码", "最近登录"]
    return ExportTable(headers, lines(), users.count())


def _grants(actor: Any, query: QueryDict) -> ExportTable:
    """One row per scope grant (a user without grants gets one row with the scope empty), so
    the file is the 权限清单 a security review asks for."""
    users, _ = user_list(query)
    users = users.prefetch_related("grants__unit", "grants__granted_by")

    def lines() -> Iterator[list[Any]]:
        for u in users.iterator(chunk_size=200):
            head = [
                u.username,
                u.full_name,
                u.get_role_display(),
                "有效" if u.is_active else "已停用",
            ]
            grants = list(u.grants.all())
            if not grants:
                yield [*head, "", "", "", "", "", ""]
            for g in grants:
                yield [
                    *head,
                    g.unit.name,
                    g.managed_levels_display(),
                    g.pillars_display(),
                    "有效" if g.unit.is_active else "单位已撤并，授权无效",
                    g.granted_by.username if g.granted_by else "",
                    _t(g.granted_at),
                ]

    headers = [
        "用户名",
        "姓名",
        "角色",
        "账号状态",
        "范围根单位",
        "干部管理权限",
        "敏感模块",
        "授权状态",
        "授权人",
        "授权时间",
    ]
    return ExportTable(headers, lines(), users.count())


def _tokens(actor: Any, query: QueryDict) -> ExportTable:
    tokens, _, _ = token_list(query)

    def lines() -> Iterator[list[Any]]:
        for t in tokens.iterator(chunk_size=500):
            yield [
                t.user.username,
                t.user.full_name,
                t.user.get_role_display(),
                t.name,
                f"{t.prefix}…",
                _t(t.created_at),
                _t(t.last_used_at, "从未使用"),
                _t(t.expires_at, "不过期"),
                token_state(t),
            ]

    headers = [
        "用户名",
        "姓名",
        "角色",
        "名称",
        "令牌前缀",
        "签发时间",
        "最近使用",
        "过期时间",
        "状态",
    ]
    return ExportTable(headers, lines(), tokens.count())


register(ListExport("accounts-users", "用户名单", "accounts.user", _users, _role(Role.SYSADMIN)))
register(
    ListExport(
        "accounts-grants", "数据范围授权清单", "accounts.scopegrant", _grants, _role(Role.SECADMIN)
    )
)
register(
    ListExport(
        "accounts-tokens", "接口访问令牌", "accounts.apitoken", _tokens, _role(Role.SECADMIN)
    )
)
