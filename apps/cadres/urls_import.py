"""Excel/CSV import pages (included by apps/cadres/urls.py, namespace "cadres")."""

from django.urls import path

from .views import importing

urlpatterns = [
    path("import/", importing.import_start_view, name="import_start"),
    path(
        "import/template/<slug:record_type>/",
        importing.import_template_view,
        name="import_template",
    ),
    path("import/<int:job_id>/", importing.import_preview_view, name="import_preview"),
    path("import/<int:job_id>/marked/", importing.import_marked_view, name="import_marked"),
    path("import/<int:job_id>/commit/", importing.import_commit_view, name="import_commit"),
]
