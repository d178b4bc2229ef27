"""Navigation entries of spare parts and service items (GEN-04 备件管理 / 服务项目)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import register_nav

register_nav("parts", _("Spare parts"), "parts:list", perm="part.view", order=10)
register_nav("parts", _("Part categories"), "parts:categories", perm="part.view", order=15)
register_nav("parts", _("Warehouses"), "parts:warehouses", perm="stock.view", order=20)
register_nav("parts", _("Stock"), "parts:stock", perm="stock.view", order=30)
register_nav("parts", _("Stock records"), "parts:movements", perm="stock.view", order=40)
register_nav("parts", _("Requisitions"), "parts:requisitions", perm="stock.request", order=50)
register_nav("parts", _("Returns"), "parts:returns", perm="stock.request", order=55)
register_nav("parts", _("Personal stock"), "parts:personal", perm="stock.view", order=60)
register_nav("parts", _("Service items"), "parts:items", perm="service_item.view", order=70)
register_nav("parts", _("Pricing rules"), "parts:pricing", perm="service_item.view", order=75)
register_nav("parts", _("Service records"), "parts:service_records", perm="service_item.view", order=80)
