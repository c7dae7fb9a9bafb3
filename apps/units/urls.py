"""The sysadmin's unit pages (mounted at /units/)."""

from django.urls import path

from . import views

app_name = "units"
urlpatterns = [
    path("", views.unit_admin, name="unit_admin"),
    path("new/", views.unit_create, name="unit_create"),
    path("<int:pk>/children/", views.unit_children, name="unit_children"),
    path("<int:pk>/rename/", views.unit_rename, name="unit_rename"),
    path("<int:pk>/move/", views.unit_move, name="unit_move"),
    path("<int:pk>/merge/", views.unit_merge, name="unit_merge"),
    path("<int:pk>/quota/", views.unit_quota, name="unit_quota"),
    path("<int:pk>/history/", views.unit_history, name="unit_history"),
]
