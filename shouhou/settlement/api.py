"""REST API of settlement (审核结算, WO-15): `GET /settlements` (the list with its KPI figures and 当前合计)
and `POST /settlements` (结算 / 批量结算: `{order_ids, adjustment?, reason?, fields?, note?}`, all or none).
The work order's own `POST /work-orders/{id}/close` is the work-order module's (workorders/api.py)."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from shouhou.core.api_types import Id, NonBlank
from shouhou.core.api_utils import ERRORS, MAX_PAGE_SIZE, PageQuery, idempotent
from shouhou.workorders import order_facts
from shouhou.workorders.api_schemas import FeeLineOut
from shouhou.workorders.queries import orders as order_queries

from . import queries, services

router = Router()
settlements_router = Router(tags=["settlement"])

Adjustment = Field(None, ge=-services.MAX_ADJUSTMENT, le=services.MAX_ADJUSTMENT, max_digits=11, decimal_places=2,
                   description="Added to each order's fees (negative: a discount); the settled amount may not fall "
                               "below 0. A non-zero adjustment needs a `reason`.")


class RefOut(Schema):
    id: int
    name: str


class SettlementOut(Schema):
    id: int
    lines: list[FeeLineOut] = Field(description="the fee lines as they were when settled (frozen)")
    fees_total: Decimal
    adjustment: Decimal
    reason: str
    amount: Decimal = Field(description="the settled amount: fees_total + adjustment (frozen)")
    fields: dict[str, Any] = Field(description="the company's settlement fields (GET /form-schemas/settlement)")
    note: str
    settled_by: RefOut
    settled_at: datetime


class SettlementRowOut(Schema):
    order_id: int
    number: str
    order_type: RefOut
    customer: RefOut
    assignee: RefOut | None
    status: str
    finished_at: datetime | None
    settled: bool = Field(description="已结算 (true) or 未结算 (false)")
    awaiting_approval: bool = Field(description="a settlement asked for waits for its approval")
    total_amount: Decimal = Field(description="合计费用: the settled amount once settled, else the order's fees")
    payment_status: str | None = Field(description='"paid" / "unpaid" / "refunded" once a payments module '
                                                   "provides it, else null")
    settlement: SettlementOut | None


class KpisOut(Schema):
    unsettled_count: int = Field(description="未结算工单数量")
    unsettled_amount: Decimal = Field(description="未结算费用")
    recent_count: int = Field(description="近30天已结算工单")
    recent_amount: Decimal = Field(description="近30天已结算费用")


class SettlementPageOut(Schema):
    count: int
    page: int
    page_size: int
    current_total: Decimal = Field(description="当前合计: the amounts of every row the filters match")
    kpis: KpisOut
    results: list[SettlementRowOut]


class SettlementFilters(PageQuery):
    tab: Literal["all", "settled", "unsettled"] = Field("all", description="全部 / 已结算 / 未结算")
    search: NonBlank | None = Field(None, max_length=50, description="工单编号 / 客户名称 / 电话")


class SettleIn(Schema):
    order_ids: list[Id] = Field(min_length=1, max_length=services.MAX_BATCH)
    adjustment: Decimal | None = Adjustment
    reason: str = Field("", max_length=services.MAX_REASON)
    fields: dict[str, Any] = Field({}, description="the company's settlement fields by key")
    note: str = Field("", max_length=services.MAX_NOTE)


class SettleOut(Schema):
    results: list[SettlementRowOut]


def _rows(orders):
    orders = list(orders)
    settlements = queries.settlements_of(orders)
    payment = order_facts.many("payment_status", orders)
    rows = []
    for order in orders:
        settlement = settlements.get(order.pk) if order.status in queries.SETTLED_STATUSES else None
        rows.append({
            "order_id": order.pk, "number": order.number, "order_type": order.order_type,
            "customer": order.customer, "assignee": order.assignee, "status": order.status,
            "finished_at": order.finished_at, "settled": settlement is not None,
            "awaiting_approval": order.awaiting_approval,
            "total_amount": settlement.amount if settlement is not None else order.total_amount,
            "payment_status": payment.get(order.pk), "settlement": settlement})
    return rows


@settlements_router.get("", response={200: SettlementPageOut, **ERRORS})
def list_settlements(request, filters: Query[SettlementFilters]):
    """The settlement page's rows (newest finished first) with the four KPI figures and 当前合计."""
    actor = request.auth
    qs = queries.settlement_orders(actor)
    if filters.search:
        qs = order_queries.filter_work_orders(actor, q=filters.search, base_qs=qs)
    qs = queries.filter_tab(qs, filters.tab)
    page_size = min(filters.page_size, MAX_PAGE_SIZE)
    start = (filters.page - 1) * page_size
    return {"count": qs.count(), "page": filters.page, "page_size": page_size,
            "current_total": queries.total_of(qs), "kpis": queries.kpis(actor),
            "results": _rows(qs.order_by("-finished_at", "-pk")[start:start + page_size])}


@settlements_router.post("", response={201: SettleOut, **ERRORS})
@idempotent(SettleOut)
def settle(request, payload: SettleIn):
    """结算 the orders (one or many, all or none). Each must be finished, of a type with 结算 on, in your
    scope (another company's or an out-of-scope id: 404); a 结算 node with an approval rule records a request
    instead (`awaiting_approval`), settled once approved."""
    actor = request.auth
    orders = services.batch_settle(actor=actor, orders=payload.order_ids, adjustment=payload.adjustment,
                                   reason=payload.reason, fields=payload.fields, note=payload.note)
    fresh = order_queries.list_work_orders(actor).filter(pk__in=[o.pk for o in orders]).order_by("pk")
    return Status(201, {"results": _rows(fresh)})


router.add_router("/settlements", settlements_router)
