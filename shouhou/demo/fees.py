"""Demo data of issue 11's receipt fees: the company's pricing rules (收费标准); added only when missing."""

from decimal import Decimal

from shouhou.parts import services as part_services
from shouhou.parts.models import PartCategory, PricingRule


def seed(owner, *, users):
    """The pricing rules, before the orders: the demo orders' completions (demo/workorders.py with
    demo/receipts.py) price their receipts' parts and service items by them."""
    _rules(owner)


def _rules(owner):
    if PricingRule.objects.exists():
        return
    part_services.create_pricing_rule(actor=owner, name="保内备件免费", priority=10, applies_to="parts",
                                      warranty="in", effect="free")
    part_services.create_pricing_rule(actor=owner, name="保内检测免费", priority=20, applies_to="services",
                                      service_category="检测", warranty="in", effect="free")
    part_services.create_pricing_rule(actor=owner, name="长期合作客户保外九折", priority=30, warranty="out",
                                      customers="tag", customer_tag="长期合作", effect="discount",
                                      value=Decimal("10"))
    category = PartCategory.objects.order_by("sort_order", "id").first()
    if category is not None:
        part_services.create_pricing_rule(actor=owner, name=f"保外{category.name}按售价九五折", priority=40,
                                          applies_to="parts", part_category_id=category.pk, warranty="out",
                                          effect="percent", value=Decimal("95"))
