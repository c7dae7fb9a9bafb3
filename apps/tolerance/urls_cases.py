"""Pages of the 容错纠错 cases and 澄清正名 (namespace `tolerance`, mounted at /tolerance/)."""

from django.urls import URLPattern, path

from apps.tolerance.views import cases, clarifications

urlpatterns: list[URLPattern] = [
    path("cases/", cases.case_list_view, name="case_list"),
    path("cases/new/", cases.case_create_view, name="case_create"),
    path("cases/<int:pk>/", cases.case_detail_view, name="case_detail"),
    *[
        path(
            f"cases/<int:pk>/{action.replace('_', '-')}/",
            cases.case_action_view,
            {"action": action},
            name=f"case_{action}",
        )
        for action in ("accept", "not_accept", "verify", "determine", "conclude", "close")
    ],
    path("cases/<int:pk>/evidence/", cases.evidence_upload_view, name="case_evidence_add"),
    path("cases/evidence/<int:pk>/", cases.evidence_download_view, name="case_evidence"),
    path("cases/corrections/<int:pk>/done/", cases.correction_done_view, name="correction_done"),
    path("cases/corrections/overdue/", cases.correction_overdue_view, name="correction_overdue"),
    path("clarifications/", clarifications.clarification_list_view, name="clarification_list"),
    path(
        "clarifications/new/",
        clarifications.clarification_create_view,
        name="clarification_create",
    ),
    path(
        "clarifications/<int:pk>/edit/",
        clarifications.clarification_edit_view,
        name="clarification_edit",
    ),
]
