"""Forms of the 三员 account pages (users, roles, scope grants) and of the own-password change."""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.core.scope import Pillar
from apps.units.forms import StyledForm, UnitChoiceField

from .models import ManagedBy, Role, User, stale_grants


class AdminForm(StyledForm):
    """Base of the account admin forms (Tabler styling, DomainError shown inline)."""


class PasswordPairMixin(AdminForm):
    """Two password inputs that must match and pass AUTH_PASSWORD_VALIDATORS."""

    password1 = forms.CharField(
        label="密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password2 = forms.CharField(
        label="确认密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def password_user(self) -> User:
        """The user the password is checked against (similarity to username and name)."""
        raise NotImplementedError

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data["password2"]
        if first and first != second:
            raise ValidationError("两次输入的密码不一致")
        if first:
            try:
                password_validation.validate_password(first, self.password_user())
            except ValidationError as exc:
                self.add_error("password1", exc)
        return second


class UserCreateForm(PasswordPairMixin):
    username = forms.RegexField(
        label="用户名",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": "用户名只能包含字母、数字和 @ . + - _"},
    )
    full_name = forms.CharField(label="姓名", max_length=50)
    email = forms.EmailField(label="电子邮箱", required=False)
    unit = UnitChoiceField(label="所在单位", required=False)
    field_order = ["username", "full_name", "email", "unit", "password1", "password2"]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("用户名已被使用")
        return username

    def password_user(self) -> User:
        data = self.cleaned_data
        return User(username=data.get("username", ""), full_name=data.get("full_name", ""))


class UserEditForm(AdminForm):
    full_name = forms.CharField(label="姓名", max_length=50)
    email = forms.EmailField(label="电子邮箱", required=False)
    unit = UnitChoiceField(label="所在单位", required=False)


class PasswordResetForm(PasswordPairMixin):
    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "新密码"

    def password_user(self) -> User:
        return self.user


class OwnPasswordForm(AdminForm):
    old_password = forms.CharField(
        label="原密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="确认新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        help_text = password_validation.password_validators_help_text_html()
        self.fields["new_password1"].help_text = help_text

    def clean_new_password2(self) -> str:
        first, second = self.cleaned_data.get("new_password1"), self.cleaned_data["new_password2"]
        if first and first != second:
            raise ValidationError("两次输入的新密码不一致")
        if first:
            try:
                password_validation.validate_password(first, self.user)
            except ValidationError as exc:
                self.add_error("new_password1", exc)
        return second


class RoleForm(AdminForm):
    role = forms.ChoiceField(label="角色", choices=Role.choices, widget=forms.RadioSelect)


class GrantForm(AdminForm):
    unit = UnitChoiceField(label="范围根单位", help_text="授权覆盖该单位及其全部下级单位。")
    managed_levels = forms.MultipleChoiceField(
        label="干部管理权限",
        choices=ManagedBy.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一种干部管理权限"},
    )
    pillars = forms.MultipleChoiceField(
        label="敏感模块",
        choices=Pillar.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="敏感模块按需知密原则单独授权，不选则不能查看。",
    )
    note = forms.CharField(label="备注（授权依据）", max_length=200, required=False)


class UserSearchForm(AdminForm):
    """Search box and filters above the user lists."""

    q = forms.CharField(label="用户名或姓名", required=False)
    role = forms.ChoiceField(
        label="角色", choices=[("", "全部角色"), *Role.choices], required=False
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[
            ("", "全部状态"),
            ("active", "有效"),
            ("inactive", "已停用"),
            ("locked", "已锁定"),
            ("stale_grant", "有失效授权（范围根单位已撤并）"),
        ],
    )

    def filter(self, queryset: QuerySet[User]) -> QuerySet[User]:
        """Apply the search to a user queryset (invalid input filters nothing)."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(
                Q(username__icontains=data["q"]) | Q(full_name__icontains=data["q"])
            )
        if data["role"]:
            queryset = queryset.filter(role=data["role"])
        status, now = data["status"], timezone.now()
        if status == "active":
            queryset = queryset.filter(is_active=True)
        elif status == "inactive":
            queryset = queryset.filter(is_active=False)
        elif status == "locked":
            queryset = queryset.filter(locked_until__gt=now)
        elif status == "stale_grant":
            queryset = queryset.filter(pk__in=stale_grants().values("user_id"))
        return queryset
