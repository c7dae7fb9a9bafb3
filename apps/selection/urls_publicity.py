"""任前公示 and 任职试用期 pages (namespace `selection`)."""

from django.urls import URLPattern, path

from apps.selection.views import procedure as views

urlpatterns: list[URLPattern] = [
    path("publicity/", views.publicity_list_view, name="publicity_list"),
    path(
        "promotions/<int:promotion_id>/publicity/",
        views.publicity_start_view,
        name="publicity_start",
    ),
    path("publicity/<int:pk>/", views.publicity_detail_view, name="publicity_detail"),
    path("publicity/<int:pk>/close/", views.publicity_close_view, name="publicity_close"),
    path("probation/", views.probation_list_view, name="probation_list"),
    path("probation/<int:pk>/", views.probation_detail_view, name="probation_detail"),
    path("probation/<int:pk>/assess/", views.probation_assess_view, name="probation_assess"),
]
