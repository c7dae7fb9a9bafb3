"""The pillar dashboard 激励保护概览 (namespace `tolerance`, mounted at /tolerance/)."""

from django.urls import URLPattern, path

from apps.tolerance.views import dashboard

urlpatterns: list[URLPattern] = [
    path("dashboard/", dashboard.dashboard_view, name="dashboard"),
]
