from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "shouhou.products"
    label = "products"
    verbose_name = "Products"

    def ready(self):
        from . import importers, menu, permissions, settings_decl  # noqa: F401
        from .queries import register_product_form

        register_product_form()
        from . import file_owners

        file_owners.register()  # who may read the files its objects reference (core.files)
