"""Pages of Pillar 4, mounted at /tolerance/."""

from django.urls import include, path

app_name = "tolerance"
urlpatterns = [
    path("", include("apps.tolerance.urls_cases")),
    path("", include("apps.tolerance.urls_library")),
    path("", include("apps.tolerance.urls_sanctions")),
    path("", include("apps.tolerance.urls_dashboard")),
]
