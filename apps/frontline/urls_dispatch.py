"""Dispatch (点将) pages under /frontline/dispatches/ (namespace `frontline`)."""

from django.urls import URLPattern, path

from apps.frontline.views import dispatch as views

ACTIONS = ("approve", "start", "extend", "return", "recall", "cancel", "assess")

urlpatterns: list[URLPattern] = [
    path("dispatches/", views.dispatch_list_view, name="dispatch_list"),
    path("dispatches/new/", views.dispatch_create_view, name="dispatch_create"),
    path(
        "dispatches/cadre-search/",
        views.dispatch_cadre_search_view,
        name="dispatch_cadre_search",
    ),
    path("dispatches/board/", views.dispatch_board_view, name="dispatch_board"),
    path("dispatches/<int:pk>/", views.dispatch_detail_view, name="dispatch_detail"),
    *(
        path(
            f"dispatches/<int:pk>/{action}/",
            views.dispatch_action_view,
            {"action": action},
            name=f"dispatch_{action}",
        )
        for action in ACTIONS
    ),
]
