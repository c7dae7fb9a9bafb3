from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        # Registrations: Excel exports of the account lists.
        from . import exports  # noqa: F401
