"""REST API of spare parts, warehouses, stock, requisitions, returns and service items (issue 11).

Thin: parse, call one service or query, render. Another company's object is a 404; an id of an object
you may not use is a 400 field error (core.references); a move beyond on-hand is a 400 naming the line
and the quantity available.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q
from ninja import Query, Router, Schema, Status
from pydantic import Field

from shouhou.core import forms_engine, permissions
from shouhou.core.api_types import Id, Money, NonBlank, Quantity, Version
from shouhou.core.api_utils import ERRORS, PageQuery, idempotent, page_of, paginate
from shouhou.core.errors import ValidationFailed
from shouhou.core.text_guard import MultilineStr

from . import api_records, custom_fields, queries, services
from .models import StockMovement, StockRequest, Warehouse
from .services import images

router = Router()
parts_router = Router(tags=["spare parts"])
warehouses_router = Router(tags=["warehouses"])
stock_router = Router(tags=["stock"])
requisitions_router = Router(tags=["requisitions"])
returns_router = Router(tags=["returns"])
items_router = Router(tags=["service items"])

Search = Field(None, max_length=100)


# --- schemas ------------------------------------------------------------------------------------------------

class RefOut(Schema):
    id: int
    name: str


class PartRefOut(RefOut):
    number: str
    unit: str


class PartOut(Schema):
    id: int
    number: str
    name: str
    category: RefOut | None
    specification: str
    unit: str
    sale_price: Decimal
    cost_price: Decimal
    description: str
    enabled: bool
    in_mall: bool
    serial_tracked: bool
    image_url: str | None = Field(None, description="The part's picture (/files/<key>, for signed-in users who may "
                                                    "see parts)")
    fields: dict[str, Any] = Field(description="Custom values by key (the part form of the form designer)")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_image_url(part):
        return images.url(part)


class ImageIn(Schema):
    """A picture sent in JSON: JPEG, PNG, GIF or WebP (checked from its bytes), at most 5 MB."""

    name: NonBlank = Field(max_length=200, description="the file name")
    content_base64: str = Field(max_length=images.MAX_BASE64, description="the picture, base64")


class PartIn(Schema):
    number: NonBlank = Field(max_length=50)
    name: NonBlank = Field(max_length=100)
    category_id: Id | None = None
    specification: str = Field("", max_length=100)
    unit: str = Field("", max_length=20)
    sale_price: Money = Decimal("0")
    cost_price: Money = Decimal("0")
    description: MultilineStr = Field("", max_length=2000)
    enabled: bool = True
    in_mall: bool = False
    serial_tracked: bool = False
    fields: dict[str, Any] = Field({}, description="Custom values by key, checked by the form engine")
    image: ImageIn | None = Field(None, description="The part's picture")


class PartPatchIn(Schema):
    number: NonBlank | None = Field(None, max_length=50)
    name: NonBlank | None = Field(None, max_length=100)
    category_id: Id | None = None
    specification: str | None = Field(None, max_length=100)
    unit: str | None = Field(None, max_length=20)
    sale_price: Money | None = None
    cost_price: Money | None = None
    description: MultilineStr | None = Field(None, max_length=2000)
    enabled: bool | None = None
    in_mall: bool | None = None
    serial_tracked: bool | None = None
    fields: dict[str, Any] | None = Field(None, description="Custom values to change; null removes a value")
    image: ImageIn | None = Field(None, description="Replaces the picture (the old file is released)")
    remove_image: bool = Field(False, description="Takes the picture off (its file is released)")


class PartFilters(PageQuery):
    q: str | None = Field(None, max_length=100, description="Part of the name, number or specification")
    category_id: Id | None = None
    enabled: bool | None = None


class WarehouseOut(Schema):
    id: int
    name: str
    kind: Literal["spare", "defective", "regional"]
    region: str
    enabled: bool
    managers: list[RefOut]

    @staticmethod
    def resolve_managers(obj):
        return list(obj.managers.all())


class WarehouseIn(Schema):
    name: NonBlank = Field(max_length=50)
    kind: Literal["spare", "defective", "regional"] = "spare"
    region: str = Field("", max_length=100)
    manager_ids: list[Id] = Field([], max_length=200)
    enabled: bool = True


class WarehousePatchIn(Schema):
    name: NonBlank | None = Field(None, max_length=50)
    kind: Literal["spare", "defective", "regional"] | None = None
    region: str | None = Field(None, max_length=100)
    manager_ids: list[Id] | None = Field(None, max_length=200)
    enabled: bool | None = None


class LevelOut(Schema):
    id: int
    part: PartRefOut
    category: RefOut | None
    specification: str
    warehouse: RefOut | None
    warehouse_kind: str | None
    holder: RefOut | None
    quantity: Decimal
    reserved: Decimal = Field(description="不可用数量: held for an unsubmitted receipt")
    safety_quantity: Decimal | None
    below_safety: bool

    @staticmethod
    def resolve_category(obj):
        return obj.part.category

    @staticmethod
    def resolve_specification(obj):
        return obj.part.specification

    @staticmethod
    def resolve_warehouse_kind(obj):
        return obj.warehouse.kind if obj.warehouse_id else None


class StockFilters(PageQuery):
    warehouse_id: Id | None = None
    holder_id: Id | None = None
    part_id: Id | None = None
    q: str | None = Field(None, max_length=100, description="Part of the part's name, number or specification")
    below_safety: bool = Field(False, description="Only rows below their safety stock (库存提醒)")


class MovementOut(Schema):
    id: int
    kind: str
    part: PartRefOut
    warehouse: RefOut | None
    holder: RefOut | None
    quantity: Decimal = Field(description="Signed: + into the place, - out of it")
    balance: Decimal = Field(description="On hand at the place after this movement")
    unit_cost: Decimal
    reason: str
    batch: str
    counterpart: str
    request_id: int | None
    work_order_id: int | None
    serials: list[str]
    actor: RefOut | None
    created_at: datetime


class MovementFilters(PageQuery):
    warehouse_id: Id | None = None
    holder_id: Id | None = None
    part_id: Id | None = None
    kind: Literal[tuple(StockMovement.Kind.values)] | None = None  # type: ignore[valid-type]
    batch: str | None = Field(None, max_length=32)


class LineIn(Schema):
    part_id: Id
    quantity: Quantity
    serials: list[NonBlank] = Field([], max_length=1000, description="Serial numbers of a serial-tracked part, "
                                                                    "as many as the quantity")


class StockInLineIn(LineIn):
    unit_cost: Money | None = Field(None, description="Default: the part's cost price")


class StockInIn(Schema):
    warehouse_id: Id
    lines: list[StockInLineIn] = Field(min_length=1, max_length=200)
    reason: str = Field("", max_length=200)


class StockOutIn(Schema):
    warehouse_id: Id
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    reason: str = Field("", max_length=200)


class TransferIn(StockOutIn):
    to_warehouse_id: Id


class AllocateIn(StockOutIn):
    holder_id: Id = Field(description="The person whose personal stock receives the parts")


class SafetyIn(Schema):
    warehouse_id: Id
    part_id: Id
    safety_quantity: Decimal | None = Field(None, ge=0, le=Decimal("99999999999"), max_digits=14, decimal_places=3,
                                            description="null: no safety stock")


class MovesOut(Schema):
    batch: str
    movements: list[MovementOut]


class RequestLineOut(Schema):
    id: int
    part: PartRefOut
    quantity: Decimal
    approved_quantity: Decimal | None
    serials: list[str]


class RequestOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    requester: RefOut
    warehouse: RefOut
    note: str
    decided_by: RefOut | None
    decided_at: datetime | None
    decision_note: str
    version: int
    lines: list[RequestLineOut]
    created_at: datetime

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class RequestLineIn(Schema):
    part_id: Id
    quantity: Quantity


class RequestIn(Schema):
    warehouse_id: Id
    lines: list[RequestLineIn] = Field(min_length=1, max_length=200)
    note: MultilineStr = Field("", max_length=500)


class ApproveLineIn(Schema):
    part_id: Id
    quantity: Decimal = Field(ge=0, le=Decimal("99999999999"), max_digits=14, decimal_places=3,
                              description="0 approves none of the line")


class ApproveIn(Schema):
    expected_version: Version | None = Field(None, description="409 if the request changed since you read it")
    lines: list[ApproveLineIn] | None = Field(None, max_length=200,
                                              description="Approve part: the approved quantity of each line "
                                                          "(a line left out gets none). Omit to approve all.")
    note: MultilineStr = Field("", max_length=500)


class DecisionIn(Schema):
    expected_version: Version | None = Field(None, description="409 if the request changed since you read it")
    note: MultilineStr = Field("", max_length=500)


class WithdrawIn(Schema):
    expected_version: Version | None = Field(None, description="409 if the request changed since you read it")


class RequestFilters(PageQuery):
    status: Literal[tuple(StockRequest.Status.values)] | None = None  # type: ignore[valid-type]
    warehouse_id: Id | None = None
    mine: bool = Field(False, description="Only your own")


class ServiceItemOut(Schema):
    id: int
    number: str
    name: str
    category: str
    unit: str
    sale_price: Decimal
    cost_price: Decimal
    enabled: bool
    in_mall: bool
    created_at: datetime


class ServiceItemIn(Schema):
    number: NonBlank = Field(max_length=50)
    name: NonBlank = Field(max_length=100)
    category: str = Field("", max_length=50)
    unit: str = Field("", max_length=20)
    sale_price: Money = Decimal("0")
    cost_price: Money = Decimal("0")
    enabled: bool = True
    in_mall: bool = False


class ServiceItemPatchIn(Schema):
    number: NonBlank | None = Field(None, max_length=50)
    name: NonBlank | None = Field(None, max_length=100)
    category: str | None = Field(None, max_length=50)
    unit: str | None = Field(None, max_length=20)
    sale_price: Money | None = None
    cost_price: Money | None = None
    enabled: bool | None = None
    in_mall: bool | None = None


class ServiceItemFilters(PageQuery):
    q: str | None = Field(None, max_length=100, description="Part of the name or number")
    enabled: bool | None = None


def _changes(payload):
    return {key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None}


# --- parts --------------------------------------------------------------------------------------------------

@parts_router.get("", response={200: page_of(PartOut), **ERRORS})
def list_parts(request, filters: Query[PartFilters]):
    permissions.require(request.auth, "part.view")
    found = queries.parts(request.auth).filter(queries.part_search(filters.q))
    if filters.category_id is not None:
        found = found.filter(category_id=filters.category_id)
    if filters.enabled is not None:
        found = found.filter(enabled=filters.enabled)
    schema = custom_fields.schema()
    custom = forms_engine.filters_from_params(schema, request.GET)
    if custom:
        found = found.filter(forms_engine.filter_q(schema, custom))
    return paginate(found.order_by("number", "id"), filters)


def _with_image(values):
    """The service's arguments: an API picture becomes an upload the service checks (bytes, size)."""
    image = values.pop("image", None)
    if image is not None:
        errors = {}
        values["image"] = images.decode(image["name"], image["content_base64"], errors)
        if errors:
            raise ValidationFailed(details=errors)
    return values


@parts_router.post("", response={201: PartOut, **ERRORS})
@idempotent(PartOut)
def create_part(request, payload: PartIn):
    """A part; `fields` holds its custom values, `image` an optional picture (base64)."""
    part = services.create_part(actor=request.auth, **_with_image(payload.dict()))
    return Status(201, queries.get_part(request.auth, part.pk))


@parts_router.get("/{int:part_id}", response={200: PartOut, **ERRORS})
def get_part(request, part_id: Id):
    return queries.get_part(request.auth, part_id)


@parts_router.patch("/{int:part_id}", response={200: PartOut, **ERRORS})
def update_part(request, part_id: Id, payload: PartPatchIn):
    """Change what you send; `fields` merges into the custom values (null removes one); `image` replaces
    the picture and `remove_image` takes it off."""
    changes = payload.dict(exclude_unset=True)
    changes = {key: value for key, value in changes.items() if value is not None or key == "category_id"}
    services.update_part(actor=request.auth, part=queries.get_part(request.auth, part_id), **_with_image(changes))
    return queries.get_part(request.auth, part_id)


@parts_router.delete("/{int:part_id}", response={204: None, **ERRORS})
def delete_part(request, part_id: Id):
    services.delete_part(actor=request.auth, part=queries.get_part(request.auth, part_id))
    return Status(204, None)


# --- warehouses -------------------------------------------------------------------------------------------

@warehouses_router.get("", response={200: page_of(WarehouseOut), **ERRORS})
def list_warehouses(request, filters: Query[PageQuery]):
    """The warehouses in your data scope (a keeper: those he manages)."""
    permissions.require(request.auth, "stock.view")
    return paginate(queries.visible_warehouses(request.auth).prefetch_related("managers").order_by("name", "id"),
                    filters)


@warehouses_router.post("", response={201: WarehouseOut, **ERRORS})
@idempotent(WarehouseOut)
def create_warehouse(request, payload: WarehouseIn):
    warehouse = services.create_warehouse(actor=request.auth, **payload.dict())
    return Status(201, Warehouse.objects.prefetch_related("managers").get(pk=warehouse.pk))


@warehouses_router.get("/{int:warehouse_id}", response={200: WarehouseOut, **ERRORS})
def get_warehouse(request, warehouse_id: Id):
    return queries.get_warehouse(request.auth, warehouse_id)


@warehouses_router.patch("/{int:warehouse_id}", response={200: WarehouseOut, **ERRORS})
def update_warehouse(request, warehouse_id: Id, payload: WarehousePatchIn):
    warehouse = queries.get_warehouse(request.auth, warehouse_id)
    services.update_warehouse(actor=request.auth, warehouse=warehouse, **_changes(payload))
    return queries.get_warehouse(request.auth, warehouse_id)


@warehouses_router.delete("/{int:warehouse_id}", response={204: None, **ERRORS})
def delete_warehouse(request, warehouse_id: Id):
    services.delete_warehouse(actor=request.auth, warehouse=queries.get_warehouse(request.auth, warehouse_id))
    return Status(204, None)


# --- stock --------------------------------------------------------------------------------------------------

@stock_router.get("", response={200: page_of(LevelOut), **ERRORS})
def list_stock(request, filters: Query[StockFilters]):
    """On hand by warehouse (`?warehouse_id=`) or person (`?holder_id=`), within your data scope."""
    permissions.require(request.auth, "stock.view")
    found = queries.stock_levels(request.auth).filter(_part_q(filters.q))
    for name in ("warehouse_id", "holder_id", "part_id"):
        value = getattr(filters, name)
        if value is not None:
            found = found.filter(**{name: value})
    if filters.below_safety:
        found = found.filter(queries.below_safety())
    return paginate(found.order_by("part__number", "warehouse_id", "holder_id", "id"), filters)


def _part_q(text):
    text = (text or "").strip()
    if not text:
        return Q()
    return Q(part__name__icontains=text) | Q(part__number__icontains=text) | Q(part__specification__icontains=text)


@stock_router.get("/movements", response={200: page_of(MovementOut), **ERRORS})
def list_movements(request, filters: Query[MovementFilters]):
    """出入库记录 of the places in your data scope, newest first."""
    permissions.require(request.auth, "stock.view")
    found = queries.movements(request.auth)
    for name in ("warehouse_id", "holder_id", "part_id", "kind", "batch"):
        value = getattr(filters, name)
        if value is not None:
            found = found.filter(**{name: value})
    return paginate(found.order_by("-created_at", "-id"), filters)


def _moved(request, rows):
    movements = list(queries.movements(request.auth).filter(pk__in=[row.pk for row in rows]).order_by("id"))
    return Status(201, {"batch": rows[0].batch if rows else "", "movements": movements})


def _lines(payload):
    return [line.dict() for line in payload.lines]


@stock_router.post("/in", response={201: MovesOut, **ERRORS})
@idempotent(MovesOut)
def stock_in(request, payload: StockInIn):
    """入库 into a warehouse you manage."""
    return _moved(request, services.stock_in(actor=request.auth, warehouse_id=payload.warehouse_id,
                                             lines=_lines(payload), reason=payload.reason))


@stock_router.post("/out", response={201: MovesOut, **ERRORS})
@idempotent(MovesOut)
def stock_out(request, payload: StockOutIn):
    """出库 from a warehouse you manage; beyond on-hand is a 400 with the quantity available."""
    return _moved(request, services.stock_out(actor=request.auth, warehouse_id=payload.warehouse_id,
                                              lines=_lines(payload), reason=payload.reason))


@stock_router.post("/transfer", response={201: MovesOut, **ERRORS})
@idempotent(MovesOut)
def transfer(request, payload: TransferIn):
    """调拨 from a warehouse you manage to another warehouse."""
    return _moved(request, services.transfer(actor=request.auth, warehouse_id=payload.warehouse_id,
                                             to_warehouse_id=payload.to_warehouse_id, lines=_lines(payload),
                                             reason=payload.reason))


@stock_router.post("/allocate", response={201: MovesOut, **ERRORS})
@idempotent(MovesOut)
def allocate(request, payload: AllocateIn):
    """分配 from a warehouse you manage into a person's personal stock."""
    return _moved(request, services.allocate(actor=request.auth, warehouse_id=payload.warehouse_id,
                                             holder_id=payload.holder_id, lines=_lines(payload),
                                             reason=payload.reason))


@stock_router.post("/safety", response={200: LevelOut, **ERRORS})
def set_safety(request, payload: SafetyIn):
    """设置安全库存 of a part in a warehouse you manage."""
    level = services.set_safety_stock(actor=request.auth, warehouse_id=payload.warehouse_id,
                                      part_id=payload.part_id, safety_quantity=payload.safety_quantity)
    return queries.get_level(request.auth, level.pk)


# --- requisitions and returns ------------------------------------------------------------------------------

def _request_routes(sub, kind, create):
    @sub.get("", response={200: page_of(RequestOut), **ERRORS},
             operation_id=f"list_{kind}s", url_name=f"list_{kind}s")
    def list_requests(request, filters: Query[RequestFilters]):
        if not permissions.has_perm(request.auth, "stock.request"):
            permissions.require(request.auth, "stock.view")
        found = queries.requests(request.auth, kind).prefetch_related("lines__part")
        if filters.status:
            found = found.filter(status=filters.status)
        if filters.warehouse_id is not None:
            found = found.filter(warehouse_id=filters.warehouse_id)
        if filters.mine:
            found = found.filter(requester=request.auth)
        return paginate(found.order_by("-created_at", "-id"), filters)

    @sub.post("", response={201: RequestOut, **ERRORS},
              operation_id=f"create_{kind}", url_name=f"create_{kind}")
    @idempotent(RequestOut)
    def create_request(request, payload: RequestIn):
        made = create(actor=request.auth, warehouse_id=payload.warehouse_id,
                      lines=[line.dict() for line in payload.lines], note=payload.note)
        return Status(201, queries.get_request(request.auth, made.pk, kind))

    @sub.get("/{int:request_id}", response={200: RequestOut, **ERRORS},
              operation_id=f"get_{kind}", url_name=f"get_{kind}")
    def get_request(request, request_id: Id):
        return queries.get_request(request.auth, request_id, kind)

    @sub.post("/{int:request_id}/approve", response={200: RequestOut, **ERRORS},
              operation_id=f"approve_{kind}", url_name=f"approve_{kind}")
    def approve(request, request_id: Id, payload: ApproveIn):
        """Approve all (no `lines`) or part; the parts move at once."""
        target = queries.get_request(request.auth, request_id, kind)
        lines = None if payload.lines is None else [line.dict() for line in payload.lines]
        services.approve_request(actor=request.auth, stock_request=target, lines=lines, note=payload.note,
                                 expected_version=payload.expected_version)
        return queries.get_request(request.auth, request_id, kind)

    @sub.post("/{int:request_id}/refuse", response={200: RequestOut, **ERRORS},
              operation_id=f"refuse_{kind}", url_name=f"refuse_{kind}")
    def refuse(request, request_id: Id, payload: DecisionIn):
        target = queries.get_request(request.auth, request_id, kind)
        services.refuse_request(actor=request.auth, stock_request=target, note=payload.note,
                                expected_version=payload.expected_version)
        return queries.get_request(request.auth, request_id, kind)

    @sub.post("/{int:request_id}/withdraw", response={200: RequestOut, **ERRORS},
              operation_id=f"withdraw_{kind}", url_name=f"withdraw_{kind}")
    def withdraw(request, request_id: Id, payload: WithdrawIn | None = None):
        """The requester takes back his pending request."""
        target = queries.get_request(request.auth, request_id, kind)
        services.withdraw_request(actor=request.auth, stock_request=target,
                                  expected_version=payload.expected_version if payload else None)
        return queries.get_request(request.auth, request_id, kind)


_request_routes(requisitions_router, StockRequest.Kind.REQUISITION, services.create_requisition)
_request_routes(returns_router, StockRequest.Kind.RETURN, services.create_return)


# --- service items ----------------------------------------------------------------------------------------

@items_router.get("", response={200: page_of(ServiceItemOut), **ERRORS})
def list_service_items(request, filters: Query[ServiceItemFilters]):
    permissions.require(request.auth, "service_item.view")
    found = api_records.listed(queries.service_items(request.auth), filters, ("name__icontains", "number__icontains"))
    return paginate(found.order_by("number", "id"), filters)


api_records.record_routes(items_router, name="service_item", out=ServiceItemOut, create_in=ServiceItemIn,
                          patch_in=ServiceItemPatchIn, argument="item")


router.add_router("/parts", parts_router)
router.add_router("/warehouses", warehouses_router)
router.add_router("/stock", stock_router)
router.add_router("/requisitions", requisitions_router)
router.add_router("/returns", returns_router)
router.add_router("/service-items", items_router)

# 收费标准 and 服务记录 (issue 11)
from .pricing_api import pricing_router, records_router  # noqa: E402

router.add_router("/pricing-rules", pricing_router)
router.add_router("/service-records", records_router)
