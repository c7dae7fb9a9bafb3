"""Pages of the 三员 for accounts: sysadmin manages users, secadmin roles and scope grants;
every user changes their own password. Views parse, call services_admin, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.core.exceptions import DomainError
from apps.core.paging import PAGE_SIZES, paginate, query_without
from apps.core.roles import role_required
from apps.core.views import wants_partial

from . import services_admin as svc
from .forms_admin import (
    AdminForm,
    GrantForm,
    OwnPasswordForm,
    PasswordResetForm,
    RoleForm,
    UserCreateForm,
    UserEditForm,
)
from .models import Role, ScopeGrant, User
from .selectors import user_list as user_list_of

SYSADMIN, SECADMIN = Role.SYSADMIN, Role.SECADMIN
USERS = ("用户管理", "accounts:user_list")
GRANTS = ("角色与数据范围", "accounts:grant_list")


def _crumbs(section: tuple[str, str], *rest: str) -> list[tuple[str, str | None]]:
    return [("系统管理", None), (section[0], reverse(section[1])), *((r, None) for r in rest)]


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(default)


def _run(
    request: HttpRequest, form: AdminForm | None, done: str, service: Any, **kwargs: Any
) -> bool:
    """Call a service as the current user; a DomainError goes into the form (or a message)."""
    try:
        service(actor=request.user, **kwargs)
    except DomainError as exc:
        if form is not None:
            form.add_domain_error(exc)
        else:
            messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True


def _list(request: HttpRequest, template: str, partial: str, crumb: str) -> HttpResponse:
    users, search = user_list_of(request.GET)
    if template.endswith("grant_list.html"):
        users = users.prefetch_related("grants__unit")
    context = {
        "search": search,
        "page": paginate(request, users),
        "page_sizes": PAGE_SIZES,
        "page_query": query_without(request, "page"),
        "now": timezone.now(),
        "breadcrumbs": [("系统管理", None), (crumb, None)],
    }
    return render(request, partial if wants_partial(request) else template, context)


@role_required(SYSADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "accounts/user_list.html", "accounts/_user_table.html", "用户管理")


@role_required(SYSADMIN)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = f"已新建用户“{data['username']}”，请安全管理员分配角色与数据范围"
        if _run(
            request, form, done, svc.user_create, username=data["username"],
            full_name=data["full_name"], email=data["email"], unit=data["unit"],
            password=data["password1"],
        ):  # fmt: skip
            return redirect("accounts:user_list")
    context = {"form": form, "title": "新建用户", "breadcrumbs": _crumbs(USERS, "新建用户")}
    return render(request, "accounts/user_form.html", context)


@role_required(SYSADMIN)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    initial = {"full_name": user.full_name, "email": user.email, "unit": user.unit_id}
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request, form, f"已保存用户“{user.username}”", svc.user_update, user_id=pk,
            full_name=data["full_name"], email=data["email"], unit=data["unit"],
        ):  # fmt: skip
            return redirect("accounts:user_list")
    title = f"修改用户：{user.username}"
    context = {"form": form, "title": title, "target": user, "breadcrumbs": _crumbs(USERS, title)}
    return render(request, "accounts/user_form.html", context)


@role_required(SYSADMIN)
@require_POST
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    active = not user.is_active
    done = f"已{'启用' if active else '停用'}用户“{user.username}”"
    _run(request, None, done, svc.user_set_active, user_id=pk, active=active)
    return _back(request, reverse("accounts:user_list"))


@role_required(SYSADMIN, SECADMIN)
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    _run(request, None, f"已解除用户“{user.username}”的锁定", svc.user_unlock, user_id=pk)
    default = "accounts:user_list" if request.user.role == SYSADMIN else "accounts:grant_list"  # type: ignore[union-attr]
    return _back(request, reverse(default))


@role_required(SYSADMIN)
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = PasswordResetForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password1"]
        done = f"已重置用户“{user.username}”的密码，请通知本人登录后修改"
        if _run(request, form, done, svc.user_reset_password, user_id=pk, password=password):
            return redirect("accounts:user_list")
    title = f"重置密码：{user.username}"
    context = {"form": form, "title": title, "target": user, "breadcrumbs": _crumbs(USERS, title)}
    return render(request, "accounts/user_form.html", context)


@role_required(SECADMIN)
def grant_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request, "accounts/grant_list.html", "accounts/_grant_table.html", "角色与数据范围"
    )


@role_required(SECADMIN)
def user_role(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = RoleForm(request.POST or None, initial={"role": user.role})
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        done = f"已将用户“{user.username}”的角色设为{Role(role).label}"
        if _run(request, form, done, svc.user_set_role, user_id=pk, role=role):
            return redirect("accounts:grant_list")
    title = f"设置角色：{user.display_name}（{user.username}）"
    context = {"form": form, "target": user, "title": title, "breadcrumbs": _crumbs(GRANTS, title)}
    return render(request, "accounts/user_role.html", context)


@role_required(SECADMIN)
def grant_create(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(User, pk=user_id)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = f"已为用户“{user.username}”授予“{data['unit'].name}”的数据范围"
        if _run(
            request, form, done, svc.grant_create, user_id=user.pk, unit=data["unit"],
            managed_levels=data["managed_levels"], pillars=data["pillars"], note=data["note"],
        ):  # fmt: skip
            return redirect("accounts:grant_list")
    title = f"授予数据范围：{user.display_name}（{user.username}）"
    context = {
        "form": form,
        "target": user,
        "grants": user.grants.select_related("unit"),
        "title": title,
        "breadcrumbs": _crumbs(GRANTS, title),
    }
    return render(request, "accounts/grant_form.html", context)


@role_required(SECADMIN)
@require_POST
def grant_delete(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(ScopeGrant.objects.select_related("user", "unit"), pk=pk)
    done = f"已撤销用户“{grant.user.username}”在“{grant.unit.name}”的数据范围"
    _run(request, None, done, svc.grant_delete, grant_id=pk)
    return _back(request, reverse("accounts:grant_list"))


def password_change(request: HttpRequest) -> HttpResponse:
    """Any logged-in user changes their own password (LoginRequiredMiddleware guards it)."""
    user: Any = request.user
    form = OwnPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request, form, "密码已修改", svc.password_change,
            old_password=data["old_password"], new_password=data["new_password1"],
        ):  # fmt: skip
            user.refresh_from_db()
            update_session_auth_hash(request, user)
            return redirect("dashboards:home")
    context = {"form": form, "title": "修改密码", "breadcrumbs": [("修改密码", None)]}
    return render(request, "accounts/password_change.html", context)
