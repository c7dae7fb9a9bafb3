"""Pages of the assessment pillar, mounted at /assessment/."""

from django.urls import include, path

app_name = "assessment"
urlpatterns = [
    path("", include("apps.assessment.urls_annual")),
    path("", include("apps.assessment.urls_research")),
]
