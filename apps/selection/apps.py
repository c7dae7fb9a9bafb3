from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "apps.selection"
    label = "selection"
    verbose_name = "选拔任用"

    def ready(self) -> None:
        # Registrations: rule parameters.
        from . import demo, exports, exports_procedure, params  # noqa: F401
