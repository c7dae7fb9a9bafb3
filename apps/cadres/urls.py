from django.urls import include, path

from .views import appointment_form as af
from .views import detail, edit, export, lists, units

app_name = "cadres"
urlpatterns = [
    path("", lists.cadre_list_view, name="cadre_list"),
    path("trash/", lists.cadre_trash_view, name="cadre_trash"),
    path("count/", lists.cadre_count_view, name="cadre_count"),
    path("export/", export.cadre_export_view, name="cadre_export"),
    path("new/", edit.cadre_create_view, name="cadre_create"),
    path("<int:pk>/", detail.cadre_detail_view, name="cadre_detail"),
    path("<int:pk>/photo/", detail.cadre_photo_view, name="cadre_photo"),
    path("<int:pk>/tabs/<slug:key>/", detail.cadre_tab_view, name="cadre_tab"),
    path("<int:pk>/appointment-form/", af.page_view, name="appointment_form"),
    path("<int:pk>/appointment-form.pdf", af.pdf_view, name="appointment_form_pdf"),
    path("<int:pk>/appointment-form.docx", af.docx_view, name="appointment_form_docx"),
    path("appointment-forms/", af.batch_view, name="appointment_form_batch"),
    path("<int:pk>/edit/", edit.cadre_edit_view, name="cadre_edit"),
    path("<int:pk>/delete/", edit.cadre_delete_view, name="cadre_delete"),
    path("<int:pk>/restore/", edit.cadre_restore_view, name="cadre_restore"),
    path("<int:pk>/parts/<str:part>/", edit.cadre_part_add_view, name="cadre_part_add"),
    path("units/", units.unit_tree_view, name="unit_tree"),
    path("units/<int:pk>/children/", units.unit_children_view, name="unit_children"),
    path("units/<int:pk>/", units.unit_detail_view, name="unit_detail"),
    path("units/over-establishment/", units.over_establishment_view, name="over_establishment"),
    # Interchange (issue: Excel import, LRMX, 三龄两历 check), each area in its own module.
    path("", include("apps.cadres.urls_import")),
    path("", include("apps.cadres.urls_lrmx")),
    path("", include("apps.cadres.urls_checks")),
]
