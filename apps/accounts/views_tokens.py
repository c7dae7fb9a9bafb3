"""The security administrator's list of API access tokens (who holds which, last use, expiry)
and their revocation. Tokens are issued by `manage.py create_api_token` (docs/api.md)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.exceptions import DomainError
from apps.core.htmx import is_htmx_partial
from apps.core.paging import PAGE_SIZES, paginate, query_without
from apps.core.roles import role_required

from .api_auth import token_revoke
from .models import ApiToken, Role
from .selectors import TOKEN_STATES
from .selectors import token_list as token_list_of


@role_required(Role.SECADMIN)
def token_list(request: HttpRequest) -> HttpResponse:
    tokens, q, state = token_list_of(request.GET)
    context = {
        "page": paginate(request, tokens),
        "page_sizes": PAGE_SIZES,
        "page_query": query_without(request, "page"),
        "q": q,
        "state": state,
        "states": TOKEN_STATES,
        "now": timezone.now(),
        "breadcrumbs": [("系统管理", None), ("接口访问令牌", None)],
    }
    template = (
        "accounts/_token_table.html" if is_htmx_partial(request) else "accounts/token_list.html"
    )
    return render(request, template, context)


@require_POST
@role_required(Role.SECADMIN)
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    try:
        token_revoke(actor=request.user, token_id=token.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"已吊销“{token.user.username}”的访问令牌“{token}”，使用它的请求即刻被拒绝"
        )
    return redirect("accounts:token_list")
