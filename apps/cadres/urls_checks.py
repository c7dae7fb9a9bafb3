"""三龄两历核查 (included by apps/cadres/urls.py under the `cadres` namespace)."""

from django.urls import URLPattern, path

from .views import checks

urlpatterns: list[URLPattern] = [
    path("checks/", checks.checks_report_view, name="checks_report"),
]
