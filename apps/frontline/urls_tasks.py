"""URLs of central tasks and frontline service (namespace `frontline`, set by urls.py)."""

from django.urls import path

from apps.frontline.views import records, tasks

urlpatterns = [
    path("tasks/", tasks.task_list_view, name="task_list"),
    path("tasks/new/", tasks.task_create_view, name="task_create"),
    path("tasks/<int:pk>/", tasks.task_detail_view, name="task_detail"),
    path("tasks/<int:pk>/edit/", tasks.task_edit_view, name="task_edit"),
    path("services/", records.service_list_view, name="service_list"),
    path("cadres/<int:cadre_id>/services/new/", records.service_add_view, name="service_add"),
    path("services/<int:pk>/edit/", records.service_edit_view, name="service_edit"),
    path("services/<int:pk>/delete/", records.service_delete_view, name="service_delete"),
    path("services/<int:pk>/restore/", records.service_restore_view, name="service_restore"),
    path("services/<int:pk>/evidence/", records.evidence_upload_view, name="evidence_upload"),
    path("evidence/<int:pk>/", records.evidence_download_view, name="evidence_download"),
]
