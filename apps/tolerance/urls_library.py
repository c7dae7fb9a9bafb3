"""URLs of the locality's method and the typical-case library (namespace `tolerance`, set by
urls.py)."""

from django.urls import path

from apps.tolerance.views import library, methods

urlpatterns = [
    path("methods/", methods.method_list_view, name="method_list"),
    path("methods/new/", methods.method_create_view, name="method_create"),
    path("methods/<int:pk>/", methods.method_detail_view, name="method_detail"),
    path("methods/<int:pk>/edit/", methods.method_edit_view, name="method_edit"),
    path("methods/<int:pk>/delete/", methods.method_delete_view, name="method_delete"),
    path("methods/<int:pk>/publish/", methods.method_publish_view, name="method_publish"),
    path(
        "methods/<int:pk>/new-version/",
        methods.method_new_version_view,
        name="method_new_version",
    ),
    path("methods/<int:pk>/items/new/", methods.method_item_add_view, name="method_item_add"),
    path(
        "methods/items/<int:item_pk>/edit/",
        methods.method_item_edit_view,
        name="method_item_edit",
    ),
    path(
        "methods/items/<int:item_pk>/delete/",
        methods.method_item_delete_view,
        name="method_item_delete",
    ),
    path("library/", library.library_view, name="library"),
    path("library/compilation/", library.library_print_view, name="library_print"),
    path("library/compilation.pdf", library.library_pdf_view, name="library_pdf"),
    path("library/manage/", library.typical_manage_view, name="typical_manage"),
    path("library/new/", library.typical_create_view, name="typical_create"),
    path(
        "library/from-case/<int:case_pk>/",
        library.typical_from_case_view,
        name="typical_draft_from_case",
    ),
    path("library/<int:pk>/", library.typical_detail_view, name="typical_detail"),
    path("library/<int:pk>/edit/", library.typical_edit_view, name="typical_edit"),
    path("library/<int:pk>/preview/", library.typical_preview_view, name="typical_preview"),
    path("library/<int:pk>/publish/", library.typical_publish_view, name="typical_publish"),
    path("library/<int:pk>/withdraw/", library.typical_withdraw_view, name="typical_withdraw"),
    path("library/<int:pk>/delete/", library.typical_delete_view, name="typical_delete"),
]
