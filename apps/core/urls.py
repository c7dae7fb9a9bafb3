"""The auditor's pages (mounted at /audit/)."""

from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.audit_list, name="audit_list"),
    path("<int:pk>/", views.audit_detail, name="audit_detail"),
    path("verify/", views.audit_verify, name="audit_verify"),
    path("export/", views.audit_export_view, name="audit_export"),
]
