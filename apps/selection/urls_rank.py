"""职级晋升 pages under /selection/ (namespace `selection`): the year's list of cadres who have
served the wait for the next 职级, and the rank headcount caps (RANK-QUOTA-1)."""

from django.urls import URLPattern, path

from apps.selection.views import rank as views

urlpatterns: list[URLPattern] = [
    path("rank/", views.rank_due_view, name="rank_due"),
    path("rank/quota/", views.rank_quota_view, name="rank_quota"),
    path("rank/quota/add/", views.rank_quota_add_view, name="rank_quota_add"),
    path("rank/quota/<int:pk>/delete/", views.rank_quota_delete_view, name="rank_quota_delete"),
]
