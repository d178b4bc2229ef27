from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shouhou.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from shouhou.core import api_auth

        from . import importers, menu, permissions, queries, services, signals  # noqa: F401

        queries.register_user_reference()  # the form engine's "user" fields
        api_auth.register_token_lookup(services.user_for_token)  # the API's Bearer tokens
