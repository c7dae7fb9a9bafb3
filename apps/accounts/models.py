"""Users, roles (三员分立 plus officers and leaders) and scope grants."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from apps.core.scope import Pillar, ScopeRule
from apps.units.models import Unit


class Role(models.TextChoices):
    OFFICER = "officer", "组织部门干部管理员"
    LEADER = "leader", "领导（只读）"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "安全审计员"


CADRE_ROLES = frozenset({Role.OFFICER, Role.LEADER})
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})


class ManagedBy(models.TextChoices):
    """干部管理权限: which level's organization department manages the cadre."""

    PROVINCE = "province", "省管"
    CITY = "city", "市管"
    COUNTY = "county", "县管"


class User(AbstractUser):
    """A system user with exactly one role; cadre data is reached only through scope grants."""

    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.OFFICER)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name="所在单位", null=True, blank=True, on_delete=models.PROTECT
    )
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # Set when an administrator chose the password (a new account, a reset): every page then
    # leads to 修改密码 until the user has chosen their own (PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField("须修改初始密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def scope_rules(self) -> tuple[ScopeRule, ...]:
        """This user's data scope, cached on the instance (one query per request)."""
        cached: tuple[ScopeRule, ...] | None = getattr(self, "_scope_rules_cache", None)
        if cached is not None:
            return cached
        rules: tuple[ScopeRule, ...] = ()
        if self.is_active and self.role in CADRE_ROLES:
            rules = tuple(
                ScopeRule(
                    path=grant.unit.path,
                    managed_levels=frozenset(grant.managed_levels),
                    pillars=frozenset(grant.pillars),
                    can_change=self.role == Role.OFFICER,
                )
                for grant in self.active_grants()
            )
        self._scope_rules_cache = rules
        return rules

    def active_grants(self) -> list["ScopeGrant"]:
        """Grants on units still in existence, with their units; cached for the request."""
        cached: list[ScopeGrant] | None = getattr(self, "_active_grants_cache", None)
        if cached is None:
            cached = list(self.grants.select_related("unit").filter(unit__is_active=True))
            self._active_grants_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class ScopeGrant(models.Model):
    """One data scope of a user: a unit subtree, the management levels and sensitive pillars."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="grants"
    )
    unit = models.ForeignKey(Unit, verbose_name="范围根单位", on_delete=models.PROTECT)
    managed_levels = models.JSONField("干部管理权限", default=list)
    pillars = models.JSONField("敏感模块", default=list, blank=True)
    granted_by = models.ForeignKey(
        User, verbose_name="授权人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "数据范围授权"
        verbose_name_plural = "数据范围授权"
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="grant_user_unit")]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"

    def managed_levels_display(self) -> str:
        labels = dict(ManagedBy.choices)
        return "、".join(str(labels.get(v, v)) for v in self.managed_levels)

    def pillars_display(self) -> str:
        labels = dict(Pillar.choices)
        return "、".join(str(labels.get(v, v)) for v in self.pillars) or "—"


def stale_grants() -> "models.QuerySet[ScopeGrant]":
    """Grants whose root unit was merged or abolished: they open nothing (`active_grants` skips
    them) until the security administrator grants the successor unit; moving them by itself
    could widen a scope, so nothing does."""
    return ScopeGrant.objects.filter(unit__is_active=False)


class ApiToken(models.Model):
    """A personal access token for the REST API. Only the SHA-256 of the key is stored; the
    `prefix` (the first characters of the key) identifies the token in lists and audit rows."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField("令牌前缀", max_length=16, db_index=True)
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    revoked = models.BooleanField("已吊销", default=False)

    class Meta:
        verbose_name = "接口访问令牌"
        verbose_name_plural = "接口访问令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"
