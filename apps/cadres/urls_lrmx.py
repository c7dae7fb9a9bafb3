"""LRMX interchange pages (included by apps/cadres/urls.py under the `cadres` namespace)."""

from django.urls import URLPattern, path

from .views import lrmx

urlpatterns: list[URLPattern] = [
    path("<int:pk>/lrmx/", lrmx.lrmx_export_view, name="lrmx_export"),
    path("lrmx/export/", lrmx.lrmx_export_batch_view, name="lrmx_export_batch"),
    path("lrmx/import/", lrmx.lrmx_import_view, name="lrmx_import"),
    path("lrmx/import/confirm/", lrmx.lrmx_import_confirm_view, name="lrmx_import_confirm"),
]
