"""关闭工单 (WO-20): the orders that have passed every enabled node of their type's flow and wait to be closed.

Where an order waits for 关闭 depends on its type: the close row of the type's flow table runs from the
status of the last enabled node before it (已完成, 已结算 or 已回访). The condition is built from the company's
types (a handful) as (type, status) pairs, so the list is one query."""

from django.db.models import Q

from .. import flow
from ..models import WorkOrderType
from . import orders as order_queries


def closing_condition():
    """Q of the orders standing where their type's flow waits for 关闭 (nothing when there is no type)."""
    condition = Q(pk__in=[])
    for order_type in WorkOrderType.objects.only("pk", "flow"):
        sources = flow.table(flow.normalize(order_type.flow))["close"].sources
        condition |= Q(order_type_id=order_type.pk, status__in=sorted(sources))
    return condition


def closable_orders(actor):
    """The 关闭工单 list's rows in the actor's scope (type, customer and assignee joined)."""
    return order_queries.list_work_orders(actor).filter(closing_condition())
