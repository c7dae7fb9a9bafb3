from django.apps import AppConfig


class FrontlineConfig(AppConfig):
    name = "apps.frontline"
    label = "frontline"
    verbose_name = "围绕中心任务"

    def ready(self) -> None:
        # Registrations: demo data, rule parameters, list exports, the cadre page's tab.
        from . import demo, exports, params, tabs  # noqa: F401
