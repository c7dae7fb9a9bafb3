"""节假日安排 (mounted at /calendar/, namespace "calendar")."""

from django.urls import path

from . import views_calendar

app_name = "calendar"
urlpatterns = [
    path("", views_calendar.calendar_list, name="calendar_list"),
    path("<int:year>/", views_calendar.calendar_year, name="calendar_year"),
]
