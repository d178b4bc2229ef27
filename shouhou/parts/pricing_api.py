"""REST API of the pricing rules (收费标准) and the service records (服务记录), issue 11.

`/api/v1/pricing-rules` (list, create, get, update, delete) and `/api/v1/service-records` (list with
filters, and `/export` as an Excel file).
"""

from datetime import datetime, time
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from shouhou.core import permissions
from shouhou.core.api_types import ApiDate, Id, Money, NonBlank
from shouhou.core.api_utils import ERRORS, PageQuery, page_of, paginate
from shouhou.core.excel import xlsx_response

from . import api_records, queries
from .models import PricingRule, ServiceRecord

pricing_router = Router(tags=["pricing rules"])
records_router = Router(tags=["service records"])


class CategoryRefOut(Schema):
    id: int
    name: str


class PricingRuleOut(Schema):
    id: int
    name: str
    priority: int
    enabled: bool
    applies_to: str
    part_category: CategoryRefOut | None
    service_category: str
    warranty: str
    customers: str
    customer_tag: str
    effect: str
    value: Decimal
    created_at: datetime
    updated_at: datetime


AppliesTo = Literal[tuple(PricingRule.AppliesTo.values)]
Warranty = Literal[tuple(PricingRule.Warranty.values)]
Customers = Literal[tuple(PricingRule.Customers.values)]
Effect = Literal[tuple(PricingRule.Effect.values)]


class PricingRuleIn(Schema):
    name: NonBlank = Field(max_length=50)
    priority: int = Field(100, ge=0, le=9999, description="Rules are tried from the smallest number up")
    enabled: bool = True
    applies_to: AppliesTo = "all"
    part_category_id: Id | None = None
    service_category: str = Field("", max_length=50)
    warranty: Warranty = Field("any", description="保内 `in`, 保外 `out`, or `any`")
    customers: Customers = Field("any", description="`any`, or `tag`: customers carrying `customer_tag`")
    customer_tag: str = Field("", max_length=30)
    effect: Effect = Field("free", description="`free`, `percent` of the sale price, `fixed` unit price, "
                                               "`discount` % off the sale price")
    value: Money = Field(Decimal("0"), description="The percentage (0–100) or the fixed unit price")


class PricingRulePatchIn(Schema):
    name: NonBlank | None = Field(None, max_length=50)
    priority: int | None = Field(None, ge=0, le=9999)
    enabled: bool | None = None
    applies_to: AppliesTo | None = None
    part_category_id: Id | None = None
    service_category: str | None = Field(None, max_length=50)
    warranty: Warranty | None = None
    customers: Customers | None = None
    customer_tag: str | None = Field(None, max_length=30)
    effect: Effect | None = None
    value: Money | None = None


class PricingRuleFilters(PageQuery):
    q: str | None = Field(None, max_length=100, description="Part of the rule's name")
    enabled: bool | None = None


@pricing_router.get("", response={200: page_of(PricingRuleOut), **ERRORS})
def list_pricing_rules(request, filters: Query[PricingRuleFilters]):
    permissions.require(request.auth, "service_item.view")
    found = api_records.listed(queries.pricing_rules(request.auth), filters, ("name__icontains",))
    return paginate(found.order_by("priority", "id"), filters)


api_records.record_routes(pricing_router, name="pricing_rule", out=PricingRuleOut, create_in=PricingRuleIn,
                          patch_in=PricingRulePatchIn, argument="rule", nullable=("part_category_id",))


# --- 服务记录 --------------------------------------------------------------------------------------------------

class ServiceItemRefOut(Schema):
    id: int
    name: str
    number: str
    category: str
    unit: str


class ActorOut(Schema):
    id: int
    name: str


class ServiceRecordOut(Schema):
    id: int
    kind: str
    service_item: ServiceItemRefOut
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    work_order_id: int | None
    order_number: str
    customer_id: int | None
    product_id: int | None
    actor: ActorOut | None
    created_at: datetime


class ServiceRecordSearch(Schema):
    """The filters of the service records (the export takes these, without paging)."""

    q: str | None = Field(None, max_length=100, description="Part of the service item's name or number, "
                                                          "or of the work-order number")
    kind: Literal[tuple(ServiceRecord.Kind.values)] | None = None
    service_item_id: Id | None = None
    work_order_id: Id | None = None
    customer_id: Id | None = None
    product_id: Id | None = None
    date_from: ApiDate | None = Field(None, description="From this day (company time zone), yyyy-mm-dd")
    date_to: ApiDate | None = Field(None, description="Up to and including this day, yyyy-mm-dd")


class ServiceRecordFilters(ServiceRecordSearch, PageQuery):
    pass


def _records(request, filters):
    permissions.require(request.auth, "service_item.view")
    found = queries.service_records(request.auth).filter(queries.service_record_search(filters.q))
    for key in ("kind", "service_item_id", "work_order_id", "customer_id", "product_id"):
        if getattr(filters, key) is not None:
            found = found.filter(**{key: getattr(filters, key)})
    zone = timezone.get_current_timezone()
    if filters.date_from:
        found = found.filter(created_at__gte=datetime.combine(filters.date_from, time.min, zone))
    if filters.date_to:
        found = found.filter(created_at__lt=datetime.combine(filters.date_to, time.max, zone))
    return found.order_by("-created_at", "-id")


@records_router.get("", response={200: page_of(ServiceRecordOut), **ERRORS})
def list_service_records(request, filters: Query[ServiceRecordFilters]):
    """服务记录 (SVC-03): service items used on work orders; a reopened order's reversal rows have kind
    `reversal` and negative quantities."""
    return paginate(_records(request, filters), filters)


EXPORT_LIMIT = 50_000


@records_router.get("/export", response={200: None, **ERRORS},
                    openapi_extra={"responses": {"200": {"description": "An Excel workbook (.xlsx)", "content": {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}}})
def export_service_records(request, filters: Query[ServiceRecordSearch]):
    """The filtered records as an Excel file (at most 50,000 rows).
    Needs the service-item export permission."""
    permissions.require(request.auth, "service_item.export")
    rows = [(str(r.get_kind_display()), r.service_item.name, r.service_item.number, r.service_item.category,
             r.quantity, r.unit_price, r.amount, timezone.localtime(r.created_at).replace(tzinfo=None),
             r.actor.name if r.actor_id else "", r.order_number)
            for r in _records(request, filters)[:EXPORT_LIMIT]]
    from django.utils.translation import gettext as _

    headers = [_("Type"), _("Service item name"), _("Service item number"), _("Category"), _("Quantity"),
               _("Unit price"), _("Amount"), _("Time"), _("Operator"), _("Work-order number")]
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    return xlsx_response(headers, rows, f"service-records-{stamp}.xlsx", _("Service records"))


