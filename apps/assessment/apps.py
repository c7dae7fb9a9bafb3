from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "apps.assessment"
    label = "assessment"
    verbose_name = "考核评价"

    def ready(self) -> None:
        # Registrations: rule parameters, list exports, the cadre page's tabs.
        from . import demo, exports, form_sections, params, tabs  # noqa: F401
