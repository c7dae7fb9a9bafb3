from django.apps import AppConfig


class ToleranceConfig(AppConfig):
    name = "apps.tolerance"
    label = "tolerance"
    verbose_name = "激励保护（容错纠错 · 受处分干部帮带）"

    def ready(self) -> None:
        # Registrations: rule parameters, list exports, the cadre page's tab.
        from . import demo, exports, form_sections, params, tabs  # noqa: F401
