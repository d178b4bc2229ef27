"""Reads of the settlement page (审核结算, WO-15), the phone's 工单结算 (MOB-07) and the API.

The orders on the page are the actor's visible work orders (his work-order data scope) that are either
未结算 — finished, of a type whose flow has 结算 on — or 已结算 — settled, visited or closed with a current
Settlement. Each row carries the frozen settled amount (`settled_amount`, `settled_at`) and `amount_due`:
the settled amount once settled, the order's 合计费用 until then."""

from datetime import timedelta

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from shouhou.core import permissions
from shouhou.core.errors import NotFound
from shouhou.workorders import flow
from shouhou.workorders.models import Status
from shouhou.workorders.queries import orders as order_queries
from shouhou.workorders.queries import types as type_queries

from .models import Settlement

SETTLED_STATUSES = (Status.SETTLED, Status.VISITED, Status.CLOSED)
MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(0, output_field=MONEY)
RECENT_DAYS = 30


def settling_type_ids():
    """The company's work-order types whose flow has 结算 switched on."""
    types = type_queries.all_types().prefetch_related(None).only("pk", "flow")
    return [t.pk for t in types if flow.is_enabled(flow.normalize(t.flow), "settle")]


def unsettled_q(type_ids):
    return Q(order_type_id__in=type_ids, status=Status.FINISHED)


SETTLED_Q = Q(has_settlement=True, status__in=SETTLED_STATUSES)


def _current(field):
    return Subquery(Settlement.objects.filter(order=OuterRef("pk"), is_current=True).values(field)[:1])


def settlement_orders(actor, *, base=None):
    """The orders of the settlement page, annotated (see the module's note)."""
    permissions.require(actor, "settlement.view")
    qs = base if base is not None else order_queries.list_work_orders(actor)
    qs = qs.annotate(
        has_settlement=Exists(Settlement.objects.filter(order=OuterRef("pk"), is_current=True)),
        settled_amount=_current("amount"), settled_at=_current("settled_at"),
    ).annotate(amount_due=Case(When(SETTLED_Q, then=F("settled_amount")), default=F("total_amount"),
                               output_field=MONEY))
    return qs.filter(unsettled_q(settling_type_ids()) | SETTLED_Q)


def total_of(qs):
    """当前合计: the amounts of the filtered list, summed in one query."""
    return qs.order_by().aggregate(total=Coalesce(Sum("amount_due"), ZERO))["total"]


def kpis(actor):
    """The four cards: 未结算工单数量 / 未结算费用 (now), 近30天已结算工单 / 近30天已结算费用, in one query."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    type_ids = settling_type_ids()
    recent = SETTLED_Q & Q(settled_at__gte=since)
    unsettled = unsettled_q(type_ids)
    row = settlement_orders(actor).order_by().aggregate(
        unsettled_count=Count("pk", filter=unsettled),
        unsettled_amount=Coalesce(Sum("total_amount", filter=unsettled), ZERO),
        recent_count=Count("pk", filter=recent),
        recent_amount=Coalesce(Sum("settled_amount", filter=recent), ZERO))
    return row


def is_settled(order):
    return bool(getattr(order, "has_settlement", False)) and order.status in SETTLED_STATUSES


def get_settlement_order(actor, pk):
    """One order of the settlement page (404 outside the actor's scope or not on the page)."""
    order = settlement_orders(actor).filter(pk=pk).first()
    if order is None:
        raise NotFound()
    return order


def current_settlement(actor, order):
    """The order's current Settlement (its frozen lines), or None; the order is read in the actor's scope."""
    if not order_queries.visible_work_orders(actor).filter(pk=order.pk).exists():
        raise NotFound()
    return Settlement.objects.filter(order=order, is_current=True).select_related("settled_by").first()


def settlements_of(orders):
    """{order_id: current Settlement} for orders already read in scope (a page of the API's list)."""
    rows = Settlement.objects.filter(order_id__in=[o.pk for o in orders], is_current=True).select_related(
        "settled_by")
    return {row.order_id: row for row in rows}


TAB_KEYS = ("all", "settled", "unsettled")


def tab_condition(tab):
    """全部 / 已结算 / 未结算 over settlement_orders."""
    if tab == "settled":
        return SETTLED_Q
    if tab == "unsettled":
        return ~SETTLED_Q
    return Q()


def filter_tab(qs, tab):
    return qs.filter(tab_condition(tab))
