"""URL configuration: one include per app, the REST API under /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.dashboards.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("units/", include("apps.units.urls")),
    path("cadres/", include("apps.cadres.urls")),
    path("frontline/", include("apps.frontline.urls")),
    path("tolerance/", include("apps.tolerance.urls")),
    path("assessment/", include("apps.assessment.urls")),
    path("selection/", include("apps.selection.urls")),
    path("audit/", include("apps.core.urls")),
    path("jobs/", include("apps.core.urls_jobs")),
    path("rules/", include("apps.core.urls_rules")),
    path("calendar/", include("apps.core.urls_calendar")),
    path("api/v1/", include("config.api")),
]
