"""Pages of the frontline pillar, mounted at /frontline/."""

from django.urls import include, path

app_name = "frontline"
urlpatterns = [
    path("", include("apps.frontline.urls_tasks")),
    path("", include("apps.frontline.urls_dispatch")),
    path("", include("apps.frontline.urls_incentives")),
]
