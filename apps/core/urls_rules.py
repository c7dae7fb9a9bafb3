from django.urls import path

from . import views_rules

app_name = "rules"
urlpatterns = [path("", views_rules.rule_param_list, name="rule_param_list")]
