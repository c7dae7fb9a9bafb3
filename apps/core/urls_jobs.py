from django.urls import path

from . import views_jobs

app_name = "jobs"
urlpatterns = [
    path("", views_jobs.job_list_view, name="job_list"),
    path("<int:pk>/", views_jobs.job_detail_view, name="job_detail"),
    path("export/<slug:name>/", views_jobs.list_export_view, name="list_export"),
    path("<int:pk>/download/", views_jobs.job_download_view, name="job_download"),
]
