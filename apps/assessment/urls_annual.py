"""Routine and annual assessment pages under /assessment/ (namespace `assessment`)."""

from django.urls import URLPattern, path

from apps.assessment.views import annual, annual_import, routine

urlpatterns: list[URLPattern] = [
    path("routine/", routine.routine_overview_view, name="routine_overview"),
    path(
        "routine/<int:unit_id>/<int:year>/<int:period>/",
        routine.routine_grid_view,
        name="routine_grid",
    ),
    path("annual/", annual.annual_overview_view, name="annual_overview"),
    path("annual/open/", annual.annual_open_view, name="annual_open"),
    path("annual/<int:sheet_id>/", annual.annual_grid_view, name="annual_grid"),
    path("annual/<int:sheet_id>/submit/", annual.annual_submit_view, name="annual_submit"),
    path("annual/<int:sheet_id>/reopen/", annual.annual_reopen_view, name="annual_reopen"),
    path("annual/flags/", annual.annual_flags_view, name="annual_flags"),
    path("annual/flags/<int:pk>/done/", annual.annual_flag_done_view, name="annual_flag_done"),
    path("annual/proposals/", annual.annual_proposals_view, name="annual_proposals"),
    *(
        path(
            f"annual/proposals/<int:pk>/{decision}/",
            annual.annual_proposal_decide_view,
            {"decision": decision},
            name=f"annual_proposal_{decision}",
        )
        for decision in ("confirm", "decline")
    ),
    path("annual/chart/", annual.annual_chart_view, name="annual_chart"),
    path("annual/import/", annual_import.annual_import_view, name="annual_import"),
    path(
        "annual/import/template/",
        annual_import.annual_import_template_view,
        name="annual_import_template",
    ),
    path(
        "annual/import/<int:job_id>/",
        annual_import.annual_import_preview_view,
        name="annual_import_preview",
    ),
    path(
        "annual/import/<int:job_id>/commit/",
        annual_import.annual_import_commit_view,
        name="annual_import_commit",
    ),
]
