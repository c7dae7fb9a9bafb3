"""Selection pages (urls_reserve): 后备干部 pools and entries, 负面情形, 破格提拔."""

from django.urls import path

from apps.selection.views import exceptional, flags, reserve

urlpatterns = [
    path("reserve/", reserve.reserve_list_view, name="reserve_list"),
    path("reserve/new/", reserve.reserve_pool_add_view, name="reserve_pool_add"),
    path("reserve/compare/", reserve.reserve_compare_view, name="reserve_compare"),
    path("reserve/<int:pk>/", reserve.reserve_pool_view, name="reserve_pool"),
    path("reserve/<int:pk>/add/", reserve.reserve_entry_add_view, name="reserve_entry_add"),
    path(
        "reserve/entries/<int:pk>/edit/", reserve.reserve_entry_edit_view, name="reserve_entry_edit"
    ),
    path(
        "reserve/entries/<int:pk>/exit/", reserve.reserve_entry_exit_view, name="reserve_entry_exit"
    ),
    path(
        "reserve/entries/<int:pk>/exit/undo/",
        reserve.reserve_entry_exit_undo_view,
        name="reserve_entry_exit_undo",
    ),
    path("flags/", flags.flag_list_view, name="flag_list"),
    path("flags/new/", flags.flag_add_view, name="flag_add"),
    path("flags/<int:pk>/end/", flags.flag_end_view, name="flag_end"),
    path("flags/<int:pk>/delete/", flags.flag_delete_view, name="flag_delete"),
    path("flags/<int:pk>/restore/", flags.flag_restore_view, name="flag_restore"),
    path("exceptional/", exceptional.exceptional_list_view, name="exceptional_list"),
    path("exceptional/new/", exceptional.exceptional_add_view, name="exceptional_add"),
    path("exceptional/<int:pk>/", exceptional.exceptional_detail_view, name="exceptional_detail"),
    path(
        "exceptional/<int:pk>/delete/",
        exceptional.exceptional_delete_view,
        name="exceptional_delete",
    ),
    path(
        "exceptional/<int:pk>/restore/",
        exceptional.exceptional_restore_view,
        name="exceptional_restore",
    ),
]
