"""Candidate search and eligibility pages (namespace `selection`)."""

from django.urls import URLPattern, path

from apps.selection.views import candidates as views

urlpatterns: list[URLPattern] = [
    path("candidates/", views.candidate_search_view, name="candidate_search"),
    path("candidates/explain/", views.candidate_explain_view, name="candidate_explain"),
    path("eligibility/<int:cadre_id>/", views.eligibility_detail_view, name="eligibility_detail"),
]
