"""Navigation entries, the home counter and the usage count of products (GEN-04, SYS-09)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import register_home_counter, register_nav
from shouhou.system.queries import register_usage_counter

from . import queries
from .models import Product

# 客户信息 section: 产品管理, 产品模板, 产品类型, 产品二维码 (after the customer pages)
register_nav("customers", _("Products"), "products:list", perm="product.view", order=30)
register_nav("customers", _("Product templates"), "products:templates", perm="product.view", order=31)
register_nav("customers", _("Product types"), "products:types", perm="product.view", order=32)
register_nav("customers", _("Product QR codes"), "products:qrcodes", perm="product.qrcode", order=33)


def visible_product_count(user):
    return queries.visible_products(user).count()


def company_product_count(tenant):
    return Product.objects.filter(tenant=tenant).count()


register_home_counter("products", _("Number of products"), visible_product_count, "products:list", perm="product.view",
                      order=30, icon="bi-box-seam")
register_usage_counter("products", _("Products"), company_product_count, order=50)

from shouhou.system.menu import register_hub_card  # noqa: E402

register_hub_card("customers", _("Product settings"), "products:settings", perm="product.settings",
                  icon="bi-box", description=_("Custom fields, QR codes and mobile search"), order=20)
