from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "shouhou.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self):
        from . import forms, importers, menu, permissions, queries, settings_decl  # noqa: F401

        forms.register_form_target()
        queries.register_customer_reference()
        from . import file_owners

        file_owners.register()  # who may read the files its objects reference (core.files)
