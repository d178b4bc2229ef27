"""Ten recurring plans (计划任务) for the demo company (issue 10, "Demo data"), made through plans.services:
monthly remote checks, quarterly site inspections, weekly visits, one on the 31st, one to the pool, one
assigned by the auto-assignment rules (自动派单).

Call it with the demo company active, after its customers, products and work-order types exist. Names already
present are kept, so seeding twice adds nothing."""

import datetime as dt

from shouhou.accounts.models import User
from shouhou.core.errors import ValidationFailed
from shouhou.plans import services
from shouhou.plans.models import Plan
from shouhou.workorders.models import WorkOrderType

DEMO_PLANS = [
    {"name": "月度远程巡检", "freq": "monthly", "interval": 1, "day_of_month": 5, "days_ahead": 3},
    {"name": "季度现场巡检", "freq": "monthly", "interval": 3, "day_of_month": 15, "days_ahead": 7},
    {"name": "每周设备点检", "freq": "weekly", "interval": 1, "weekdays": [0], "days_ahead": 1},
    {"name": "双周空调滤网清洗", "freq": "weekly", "interval": 2, "weekdays": [1, 4], "days_ahead": 2},
    {"name": "月末数据备份检查", "freq": "monthly", "interval": 1, "day_of_month": 31, "days_ahead": 2},
    {"name": "半年度保养", "freq": "monthly", "interval": 6, "day_of_month": 10, "days_ahead": 14},
    {"name": "年度安全检测", "freq": "monthly", "interval": 12, "day_of_month": 20, "days_ahead": 30,
     "count": 3},
    {"name": "每十天耗材补充", "freq": "daily", "interval": 10, "days_ahead": 1, "dispatch_mode": "auto"},
    {"name": "机房温湿度巡查（工单池）", "freq": "weekly", "interval": 1, "weekdays": [2], "days_ahead": 1,
     "dispatch_mode": "pool"},
    {"name": "新设备试运行回访", "freq": "daily", "interval": 7, "days_ahead": 0, "count": 4},
]


def seed(actor, *, customers, products=()):
    """Create the demo plans (once); the periodic job creates their orders as they fall due (left to it so
    the demo's work-order history stays as the work-order seeder made it). Returns the plans."""
    customers = list(customers)
    order_type = WorkOrderType.objects.filter(is_enabled=True).order_by("sort_order", "pk").first()
    engineers = list(User.objects.for_tenant().filter(is_active=True).exclude(pk=actor.pk).order_by("pk")[:10])
    if not customers or order_type is None:
        return []
    existing = set(Plan.objects.filter(name__in=[p["name"] for p in DEMO_PLANS]).values_list("name", flat=True))
    today = services.company_today(actor.tenant)
    by_customer = {}
    for product in products:
        by_customer.setdefault(product.customer_id, product)
    plans = []
    for index, values in enumerate(DEMO_PLANS):
        if values["name"] in existing:
            continue
        customer = customers[index % len(customers)]
        values = {"dispatch_mode": "assignee", **values}
        if values["dispatch_mode"] == "assignee":
            values["assignee"] = engineers[index % len(engineers)] if engineers else actor
        try:
            plan = services.create_plan(actor=actor, order_type=order_type, customer=customer,
                                        product=by_customer.get(customer.pk),
                                        start_date=today - dt.timedelta(days=index), **values)
        except ValidationFailed:  # an engineer outside the customer's team: the owner takes it
            values["assignee"] = actor if values["dispatch_mode"] == "assignee" else None
            plan = services.create_plan(actor=actor, order_type=order_type, customer=customer,
                                        start_date=today - dt.timedelta(days=index), **values)
        plans.append(plan)
    return plans
