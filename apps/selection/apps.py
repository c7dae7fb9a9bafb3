from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "apps.selection"
    label = "selection"
    verbose_name = "选拔任用"

    def ready(self) -> None:
        # Registrations: rule parameters.
        from . import badges, demo, exports, exports_procedure, exports_reserve, params  # noqa: F401
