from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "apps.cadres"
    verbose_name = "干部信息"
