"""URLs of research campaigns, 知事识人, special assessment and inaction findings (namespace
`assessment`, set by urls.py)."""

from django.urls import path

from apps.assessment.views import inaction, research, special, taskrecords

urlpatterns = [
    path("research/", research.campaign_list_view, name="campaign_list"),
    path("research/new/", research.campaign_create_view, name="campaign_create"),
    path("research/<int:pk>/", research.campaign_detail_view, name="campaign_detail"),
    path("research/<int:pk>/teams/", research.campaign_teams_view, name="campaign_teams"),
    path(
        "research/<int:pk>/teams/<int:team_id>/remove/",
        research.campaign_remove_team_view,
        name="campaign_remove_team",
    ),
    path("research/<int:pk>/visits/new/", research.visit_create_view, name="visit_create"),
    path("research/visits/<int:pk>/", research.visit_detail_view, name="visit_detail"),
    path(
        "research/visits/<int:pk>/observations/",
        research.observation_add_view,
        name="observation_add",
    ),
    path(
        "research/visits/<int:pk>/follow-up/",
        research.visit_follow_up_view,
        name="visit_follow_up",
    ),
    path("tasks/", taskrecords.taskrecord_list_view, name="taskrecord_list"),
    path("tasks/new/", taskrecords.taskrecord_create_view, name="taskrecord_create"),
    path("tasks/<int:pk>/edit/", taskrecords.taskrecord_edit_view, name="taskrecord_edit"),
    path("tasks/pick-cadre/", taskrecords.cadre_pick_view, name="cadre_pick"),
    path("key-work/new/", taskrecords.keywork_create_view, name="keywork_create"),
    path("units/<int:unit_id>/key-work/", taskrecords.keywork_list_view, name="keywork_list"),
    path("special/", special.special_list_view, name="special_list"),
    path("special/new/", special.special_create_view, name="special_create"),
    path("inaction/", inaction.inaction_list_view, name="inaction_list"),
    path("inaction/new/", inaction.inaction_create_view, name="inaction_create"),
    path("inaction/<int:pk>/", inaction.inaction_detail_view, name="inaction_detail"),
    path("inaction/<int:pk>/decide/", inaction.inaction_decide_view, name="inaction_decide"),
]
