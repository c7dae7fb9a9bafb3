from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "apps.units"
    verbose_name = "组织机构"
