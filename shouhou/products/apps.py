from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "shouhou.products"
    label = "products"
    verbose_name = "Products"

    def ready(self):
        from . import importers, menu, permissions, queries, settings_decl  # noqa: F401

        queries.register_product_form()
        from . import file_owners

        file_owners.register()  # who may read the files its objects reference (core.files)
        from shouhou.core import object_tabs

        object_tabs.register_tab("customer", "products", rows=queries.products_of_customer)  # 产品 tab
