from django.apps import AppConfig


class FrontlineConfig(AppConfig):
    name = "apps.frontline"
    label = "frontline"
    verbose_name = "围绕中心任务"

    def ready(self) -> None:
        # Registrations: rule parameters, list exports, the cadre page's 一线经历 tab.
        from . import exports, params, tabs  # noqa: F401
