from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "shouhou.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self):
        from . import permissions  # noqa: F401
