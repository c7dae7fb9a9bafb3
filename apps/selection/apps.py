from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "apps.selection"
    label = "selection"
    verbose_name = "选拔任用"

    def ready(self) -> None:
        # Registrations: rule parameters, demo data, list exports, the cadre page's tab and badge.
        from . import (  # noqa: F401
            badges,
            demo,
            exports,
            exports_candidates,
            exports_procedure,
            exports_rank,
            exports_reserve,
            params,
            tabs,
        )
