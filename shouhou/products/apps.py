from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "shouhou.products"
    label = "products"
    verbose_name = "Products"

    def ready(self):
        from . import permissions  # noqa: F401
