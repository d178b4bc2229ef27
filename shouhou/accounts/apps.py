from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shouhou.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import importers, menu, permissions, signals  # noqa: F401
