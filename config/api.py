"""The REST API (django-ninja) mounted at /api/v1/; routers come from each app's api.py.

Auth is the API's own (Bearer token or session + CSRF, see apps/accounts/api_auth.py), so every
API view is exempt from LoginRequiredMiddleware: an anonymous call gets a JSON 401, not a
redirect to the login page. The schema (/api/v1/openapi.json) and the docs (/api/v1/docs) need a
logged-in user or a token as well.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.renderers import JSONRenderer

from apps.accounts.api_auth import READ_AUTH, request_user
from apps.assessment.api import router as assessment_router
from apps.cadres.api import router as cadres_router
from apps.cadres.api import unit_router as cadres_unit_router
from apps.cadres.api_interchange import router as interchange_router
from apps.core import api_errors
from apps.core.api_jobs import router as jobs_router
from apps.frontline.api import router as frontline_router
from apps.selection.api import router as selection_router
from apps.tolerance.api_cases import router as cases_router
from apps.tolerance.api_sanctions import router as sanctions_router
from apps.units.api import router as units_router


class Renderer(JSONRenderer):
    """UTF-8 JSON: Chinese stays readable in responses."""

    json_dumps_params = {"ensure_ascii": False}


def docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Schema and docs for authenticated users (session or token) only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request_user(request) is None:
            if request.path.endswith(".json"):
                body = api_errors.error_body("unauthenticated", api_errors.UNAUTHENTICATED)
                return JsonResponse(body, status=401, json_dumps_params={"ensure_ascii": False})
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return login_not_required(wrapper)


class DandangAPI(NinjaAPI):
    """NinjaAPI whose validation errors carry Chinese, field-naming messages."""

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        return api_errors.validation_error(error_contexts)


api = DandangAPI(
    title="担当 API",
    version="1.0.0",
    description="干部担当作为激励保护系统接口。认证：Bearer 令牌或已登录会话（写操作需 CSRF）。",
    urls_namespace="api",
    auth=READ_AUTH,
    renderer=Renderer(),
    docs_decorator=docs_access,
)
api_errors.install(api)
api.add_router("/units", units_router)
api.add_router("/units", cadres_unit_router)
# Interchange first: its fixed paths (/cadres/export, /cadres/checks/, /cadres/imports/…) must
# match before the cadre router's /cadres/{cadre_id}.
api.add_router("/cadres", interchange_router)
api.add_router("/cadres", cadres_router)
api.add_router("/frontline", frontline_router)
api.add_router("/tolerance", sanctions_router)
api.add_router("/tolerance", cases_router)
api.add_router("/assessment", assessment_router)
api.add_router("/selection", selection_router)
api.add_router("/jobs", jobs_router)


def _exempt_from_login_redirect(
    patterns: list[URLPattern | URLResolver],
) -> list[URLPattern | URLResolver]:
    """The API authenticates itself; LoginRequiredMiddleware must not redirect its calls."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
    return patterns


_patterns, _app_name, _namespace = api.urls
urlpatterns = [path("", (_exempt_from_login_redirect(_patterns), _app_name, _namespace))]
