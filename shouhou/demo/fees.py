"""Demo data of issue 11's receipt fees: the company's pricing rules (收费标准) and a few orders completed
with parts from the engineers' personal stock and service items, so the 合计费用 column, the service
records, the 备件使用 tabs and the stock records show real use. Each step adds only what is missing."""

import random
from decimal import Decimal

from django.db.models import F

from shouhou.core.errors import DomainError
from shouhou.demo.customers import SEED
from shouhou.parts import services as part_services
from shouhou.parts.models import PartCategory, PricingRule, ServiceItem, ServiceRecord, StockLevel
from shouhou.products.models import Product
from shouhou.workorders.models import WorkOrderType
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import orders as order_services

ENGINEERS = ("李强", "马超", "朱磊", "胡军", "郭涛", "高峰")
RECEIPTS = ["更换故障配件，试机运行正常。", "清洗保养并更换易损件，已告知客户使用注意事项。",
            "检测发现部件老化，已更换，运行稳定。", "上门维修完成，客户确认签字。"]


def seed(owner, *, users):
    _rules(owner)
    if ServiceRecord.objects.exists():
        return
    rng = random.Random(SEED + 111)
    order_type = WorkOrderType.objects.filter(is_enabled=True).order_by("id").first()
    products = list(Product.objects.filter(customer__isnull=False).select_related("customer").order_by("id")[:40])
    items = list(ServiceItem.objects.filter(enabled=True).order_by("number"))
    if order_type is None or not products or not items:
        return
    for index, name in enumerate(ENGINEERS):
        engineer = users.get(name)
        if engineer is None:
            continue
        held = list(StockLevel.objects.filter(holder=engineer, quantity__gt=F("reserved"), part__serial_tracked=False)
                    .select_related("part").order_by("part__number")[:2])
        if not held:
            continue
        product = products[index % len(products)]
        try:
            _complete(owner, engineer, order_type, product, held, rng.sample(items, k=min(2, len(items))),
                      RECEIPTS[index % len(RECEIPTS)])
        except DomainError:  # e.g. the customer's service team does not include him: skip that one
            continue


def _complete(owner, engineer, order_type, product, held, items, content):
    order = order_services.create_work_order(actor=owner, order_type=order_type, customer=product.customer,
                                             product=product, priority="normal",
                                             description=f"{product.name} 故障报修")
    order = order_actions.assign(actor=owner, order=order, assignee=engineer)
    order = order_actions.accept(actor=engineer, order=order)
    order = order_actions.start(actor=engineer, order=order)
    order_actions.complete(actor=engineer, order=order, content=content,
                           parts=[{"part_id": level.part_id, "quantity": "1"} for level in held[:2]],
                           service_items=[{"service_item_id": item.pk, "quantity": "1"} for item in items])


def _rules(owner):
    if PricingRule.objects.exists():
        return
    part_services.create_pricing_rule(actor=owner, name="保内备件免费", priority=10, applies_to="parts",
                                      warranty="in", effect="free")
    part_services.create_pricing_rule(actor=owner, name="保内检测免费", priority=20, applies_to="services",
                                      service_category="检测", warranty="in", effect="free")
    part_services.create_pricing_rule(actor=owner, name="合同客户保外九折", priority=30, warranty="out",
                                      customers="tag", customer_tag="合同客户", effect="discount",
                                      value=Decimal("10"))
    category = PartCategory.objects.order_by("sort_order", "id").first()
    if category is not None:
        part_services.create_pricing_rule(actor=owner, name=f"保外{category.name}按售价九五折", priority=40,
                                          applies_to="parts", part_category_id=category.pk, warranty="out",
                                          effect="percent", value=Decimal("95"))
