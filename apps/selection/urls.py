"""Pages of the selection pillar, mounted at /selection/."""

from django.urls import include, path

app_name = "selection"
urlpatterns = [
    path("", include("apps.selection.urls_candidates")),
    path("", include("apps.selection.urls_promotions")),
    path("", include("apps.selection.urls_publicity")),
    path("", include("apps.selection.urls_rank")),
    path("", include("apps.selection.urls_reserve")),
]
