"""The 三员's account lists as querysets, shared by their pages and Excel exports."""

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from .forms_admin import UserSearchForm
from .models import ApiToken, User

TOKEN_STATES = (("active", "有效"), ("revoked", "已吊销"), ("expired", "已过期"))


def user_list(params: QueryDict) -> tuple[QuerySet[User], UserSearchForm]:
    """Users by username, narrowed by the search form (invalid input narrows nothing)."""
    search = UserSearchForm(params)
    return search.filter(User.objects.select_related("unit").order_by("username")), search


def token_list(params: QueryDict) -> tuple[QuerySet[ApiToken], str, str]:
    """API tokens, newest first, by holder/name/prefix (`q`) and state; also the clean q and
    state for the page."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    q, state, now = params.get("q", "").strip(), params.get("state", ""), timezone.now()
    if q:
        tokens = tokens.filter(
            Q(user__username__icontains=q)
            | Q(user__full_name__icontains=q)
            | Q(name__icontains=q)
            | Q(prefix__startswith=q)
        )
    unexpired = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    if state == "active":
        tokens = tokens.filter(unexpired, revoked=False)
    elif state == "revoked":
        tokens = tokens.filter(revoked=True)
    elif state == "expired":
        tokens = tokens.filter(revoked=False).exclude(unexpired)
    return tokens, q, state


def token_state(token: ApiToken) -> str:
    """有效, 已吊销 or 已过期, as the token list shows it."""
    if token.revoked:
        return "已吊销"
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return "已过期"
    return "有效"
