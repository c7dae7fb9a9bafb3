from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "apps.cadres"
    verbose_name = "干部信息"

    def ready(self) -> None:
        # Registrations: the 三龄两历 tab and its list export, the roster export.
        from . import exports_checks, roster, tabs_checks  # noqa: F401
