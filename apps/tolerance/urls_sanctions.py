"""Sanctions (处分与组织处理), mentors, follow-up visits and reuse assessments."""

from django.urls import URLPattern, path

from apps.tolerance.views import mentoring, sanctions

urlpatterns: list[URLPattern] = [
    path("sanctions/", sanctions.sanction_list_view, name="sanction_list"),
    path("sanctions/new/", sanctions.sanction_create_view, name="sanction_create"),
    path("sanctions/<int:pk>/", sanctions.sanction_detail_view, name="sanction_detail"),
    path("sanctions/<int:pk>/edit/", sanctions.sanction_edit_view, name="sanction_edit"),
    path("sanctions/<int:pk>/revoke/", sanctions.sanction_revoke_view, name="sanction_revoke"),
    path("sanctions/<int:pk>/delete/", sanctions.sanction_delete_view, name="sanction_delete"),
    path("sanctions/<int:pk>/restore/", sanctions.sanction_restore_view, name="sanction_restore"),
    path("sanctions/<int:pk>/follow-ups/new/", mentoring.followup_add_view, name="followup_add"),
    path("sanctions/<int:pk>/reuse/new/", mentoring.reuse_add_view, name="reuse_add"),
    path(
        "sanctions/cadres/<int:cadre_id>/mentor/",
        mentoring.mentor_assign_view,
        name="mentor_assign",
    ),
    path("sanctions/mentors/<int:pk>/end/", mentoring.mentor_end_view, name="mentor_end"),
    path("sanctions/no-mentor/", mentoring.mentor_missing_view, name="mentor_missing"),
    path(
        "sanctions/follow-ups/overdue/",
        mentoring.followup_overdue_view,
        name="followup_overdue",
    ),
    path("sanctions/reuse-due/", mentoring.reuse_due_view, name="reuse_due"),
    path("sanctions/reuse/", mentoring.reuse_list_view, name="reuse_list"),
]
