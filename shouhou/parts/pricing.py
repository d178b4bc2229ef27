"""收费标准: what a receipt's lines cost the customer (issue 11, PAY-06).

`quote(order, lines)` prices parts and service items by the company's pricing rules (models.PricingRule):
the enabled rules are tried in priority order, the first that matches a line decides its unit price and
discount; a line no rule matches is charged at its sale price. A rule matches by the kind of line, the
part's category or the service item's category, the warranty state of the order's product (保内 / 保外)
and the customer (any, or customers with a tag such as 合同客户). Everything is Decimal, rounded to cents
(half up) per unit price and per line.

The order is read, never imported (workorders sits above parts): `order.product.warranty_end`,
`order.customer.tags` and `order.created_at`.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shouhou.core.tenancy import require_tenant
from shouhou.core.working_hours import zone_of

from .models import Part, PricingRule

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
IN, OUT = PricingRule.Warranty.IN, PricingRule.Warranty.OUT


@dataclass
class PricedLine:
    kind: str  # "part" | "service"
    item: object  # Part | ServiceItem
    quantity: Decimal
    sale_price: Decimal
    unit_price: Decimal
    discount: Decimal  # percent off, 0…100
    line_total: Decimal
    warranty: str  # "in" | "out"
    rule: str = ""  # the name of the rule that priced it
    overridden: bool = False


def cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(quantity, unit_price, discount):
    return cents(Decimal(quantity) * unit_price * (HUNDRED - discount) / HUNDRED)


def warranty_state(order):
    """保内 ("in") when the order's product is under warranty on the order's date in the company's time
    zone, else 保外 ("out"; also when there is no product or its warranty end is unknown)."""
    product = getattr(order, "product", None)
    end = getattr(product, "warranty_end", None) if product is not None else None
    if end is None:
        return OUT
    created = getattr(order, "created_at", None)
    if created is None:
        from django.utils import timezone

        created = timezone.now()
    day = created.astimezone(zone_of(require_tenant())).date()
    return IN if end >= day else OUT


def active_rules():
    return list(PricingRule.objects.filter(enabled=True).order_by("priority", "id"))


def matches(rule, kind, item, warranty, tags):
    if rule.applies_to == PricingRule.AppliesTo.PARTS and kind != "part":
        return False
    if rule.applies_to == PricingRule.AppliesTo.SERVICES and kind != "service":
        return False
    if rule.part_category_id is not None and (kind != "part" or item.category_id != rule.part_category_id):
        return False
    if rule.service_category and (kind != "service" or item.category != rule.service_category):
        return False
    if rule.warranty != PricingRule.Warranty.ANY and rule.warranty != warranty:
        return False
    if rule.customers == PricingRule.Customers.TAG and rule.customer_tag not in tags:
        return False
    return True


def apply_effect(rule, sale_price):
    """(unit price, discount %) of a line the rule prices."""
    effect = PricingRule.Effect
    if rule.effect == effect.FREE:
        return Decimal("0.00"), Decimal(0)
    if rule.effect == effect.PERCENT:
        return cents(sale_price * rule.value / HUNDRED), Decimal(0)
    if rule.effect == effect.FIXED:
        return cents(rule.value), Decimal(0)
    return cents(sale_price), min(rule.value, HUNDRED)


def quote(order, lines, *, rules=None):
    """[PricedLine] for `lines`: dicts {kind: "part"|"service", item, quantity, unit_price=None,
    discount=None}. A given unit_price or discount (an allowed override, WOSET-R2) replaces the rule's."""
    if not lines:
        return []
    rules = active_rules() if rules is None else rules
    warranty = warranty_state(order)
    customer = getattr(order, "customer", None)
    tags = set(getattr(customer, "tags", None) or [])
    priced = []
    for line in lines:
        kind, item = line["kind"], line["item"]
        sale = cents(item.sale_price)
        unit, discount, name = sale, Decimal(0), ""
        for rule in rules:
            if matches(rule, kind, item, warranty, tags):
                unit, discount = apply_effect(rule, sale)
                name = rule.name
                break
        overridden = False
        if line.get("unit_price") is not None and cents(line["unit_price"]) != unit:
            unit, overridden = cents(line["unit_price"]), True
        if line.get("discount") is not None and Decimal(line["discount"]) != discount:
            discount, overridden = Decimal(line["discount"]), True
        quantity = Decimal(line["quantity"])
        priced.append(PricedLine(kind=kind, item=item, quantity=quantity, sale_price=sale, unit_price=unit,
                                 discount=discount, line_total=line_total(quantity, unit, discount),
                                 warranty=warranty, rule=name, overridden=overridden))
    return priced


def total(priced):
    return sum((line.line_total for line in priced), Decimal("0.00"))


def is_part(item):
    return isinstance(item, Part)
