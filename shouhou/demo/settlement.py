"""Demo data of settlement (issue 12): a work-order type with 结算 on (上门维修（收费）) and eight of its orders
completed with charged service items — five settled by the settlement clerk (two with an adjustment and its
reason), three waiting for settlement — all through the services.

Seeded once: a company that already has the type keeps it as it is (seeding twice adds nothing)."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from shouhou.accounts.models import User
from shouhou.core.errors import ValidationFailed
from shouhou.parts.models import ServiceItem
from shouhou.settlement import services as settlement_services
from shouhou.workorders import flow
from shouhou.workorders.models import WorkOrderType
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import types as type_services

from . import workorders as workorder_demo
from .customers import HistoryClock, history, local_moment

TYPE_NAME = "上门维修（收费）"
ORDERS = [  # (service item quantities by position, settle?, adjustment, reason)
    ((1, 1), True, None, ""),
    ((2,), True, "-20.00", "老客户优惠"),
    ((1, 2), True, None, ""),
    ((1,), True, "30.00", "夜间加急上门"),
    ((3,), True, None, ""),
    ((1, 1), False, None, ""),
    ((2, 1), False, None, ""),
    ((1,), False, None, ""),
]


def _user(phone):
    return User.objects.for_tenant().filter(phone=phone, is_active=True).first()


def seed(owner, *, customers):
    customers = list(customers)
    items = list(ServiceItem.objects.filter(sale_price__gt=0).order_by("pk")[:3])
    if WorkOrderType.objects.filter(name=TYPE_NAME).exists() or not customers or not items:
        return None
    config = flow.default_flow()
    config["settle"]["enabled"] = True
    order_type = type_services.save_type(actor=owner, name=TYPE_NAME, color="#13a8a8", flow=config)
    engineer = _user("13800000002") or owner  # 李强
    clerk = _user("13800000005") or owner  # 杨敏, 财务结算员
    today = timezone.localdate()
    clock = HistoryClock()
    now = clock.at
    with history(clock):  # each step at its moment of the last three weeks, in office hours
        for index, spec in enumerate(ORDERS):
            _one(owner, engineer, clerk, order_type, customers[(index * 7) % len(customers)], items, spec, clock,
                 today - timedelta(days=2 + index * 2))
    with history(clock):  # their notices older than two days have been read, as the history's have
        workorder_demo.read_old_notifications(SimpleNamespace(clock=clock, now=now))
    return order_type


def _one(owner, engineer, clerk, order_type, customer, items, spec, clock, day):
    quantities, settle, adjustment, reason = spec
    clock.set(local_moment(day, 9, 10))
    order = order_services.create_work_order(actor=owner, order_type=order_type, customer=customer,
                                             priority="normal", description="设备故障，上门检修")
    clock.advance(20)
    try:
        order = order_actions.assign(actor=owner, order=order, assignee=engineer)
        worker = engineer
    except ValidationFailed:  # the engineer does not serve this customer's team
        order = order_actions.assign(actor=owner, order=order, assignee=owner)
        worker = owner
    clock.advance(15)
    order = order_actions.accept(actor=worker, order=order)
    clock.advance(70)
    order = order_actions.start(actor=worker, order=order)
    clock.advance(95)
    lines = [{"service_item_id": items[position % len(items)].pk, "quantity": str(quantity)}
             for position, quantity in enumerate(quantities)]
    order = order_actions.complete(actor=worker, order=order, content="已更换故障部件，设备运行正常",
                                   service_items=lines)
    if settle:
        clock.set(local_moment(day + timedelta(days=1), 10, 30))
        settlement_services.settle(actor=clerk, order=order, adjustment=adjustment, reason=reason)
