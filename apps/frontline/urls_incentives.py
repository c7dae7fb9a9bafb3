"""Incentive catalogue and grants; memorial records and family-care follow-ups."""

from django.urls import URLPattern, path

from apps.frontline.views import incentives, memorials

urlpatterns: list[URLPattern] = [
    path("incentives/", incentives.incentive_list_view, name="incentive_list"),
    path("incentives/new/", incentives.incentive_create_view, name="incentive_create"),
    path("incentives/<int:pk>/edit/", incentives.incentive_edit_view, name="incentive_edit"),
    path(
        "incentives/<int:pk>/deactivate/",
        incentives.incentive_deactivate_view,
        name="incentive_deactivate",
    ),
    path(
        "incentives/<int:pk>/activate/",
        incentives.incentive_activate_view,
        name="incentive_activate",
    ),
    path("incentives/grants/", incentives.grant_list_view, name="grant_list"),
    path("incentives/grants/<int:pk>/delete/", incentives.grant_delete_view, name="grant_delete"),
    path(
        "incentives/grants/<int:pk>/restore/",
        incentives.grant_restore_view,
        name="grant_restore",
    ),
    path("incentives/ungranted/", incentives.ungranted_list_view, name="ungranted_list"),
    path("cadres/<int:cadre_id>/grants/new/", incentives.grant_add_view, name="grant_add"),
    path("memorials/", memorials.memorial_list_view, name="memorial_list"),
    path("memorials/overdue/", memorials.care_overdue_view, name="care_overdue"),
    path("memorials/<int:pk>/", memorials.memorial_detail_view, name="memorial_detail"),
    path("memorials/<int:pk>/edit/", memorials.memorial_edit_view, name="memorial_edit"),
    path("memorials/<int:pk>/visits/new/", memorials.visit_add_view, name="visit_add"),
    path(
        "cadres/<int:cadre_id>/memorial/new/",
        memorials.memorial_create_view,
        name="memorial_create",
    ),
]
