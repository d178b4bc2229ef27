"""REST API of products, product templates and product types (architecture §11; PRD-01…11).

Thin: parse, call one service or query, render. Custom fields travel under "fields" and are checked
by the form engine (400 with "fields.<key>" errors); another company's object is a 404.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q
from ninja import Query, Router, Schema, Status
from pydantic import Field

from shouhou.core import forms_engine, permissions
from shouhou.core.api_types import ApiDate, Count, Id, Latitude, Longitude, NonBlank
from shouhou.core.api_utils import ERRORS, PageQuery, idempotent, page_of, paginate
from shouhou.core.text_guard import MultilineStr

from . import queries, services

router = Router()
products_router = Router(tags=["products"])
templates_router = Router(tags=["product templates"])
types_router = Router(tags=["product types"])


# --- schemas ------------------------------------------------------------------------------------------------

class RefOut(Schema):
    id: int
    name: str


class CustomerRefOut(RefOut):
    number: str


class ProductTypeOut(Schema):
    id: int
    name: str
    sort_order: int


class ProductOut(Schema):
    id: int
    name: str
    number: str
    serial_number: str
    product_type: RefOut | None
    customer: CustomerRefOut | None
    template_id: int | None
    purchase_date: date | None
    install_date: date | None
    warranty_end: date | None
    in_warranty: bool | None = Field(description="null when the warranty end date is unknown")
    location: str
    latitude: Decimal | None
    longitude: Decimal | None
    fields: dict[str, Any]
    qr_url: str = Field(description="The public page the product's QR code opens")
    created_by: RefOut | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_qr_url(obj, context):
        known = getattr(obj, "absolute_qr_url", None)  # set by create (its response is stored for replays)
        if known:
            return known
        request = (context or {}).get("request")
        return queries.public_url(request, obj) if request is not None else queries.public_path(obj)


class ProductIn(Schema):
    name: str = Field("", max_length=100, description="Required unless a template gives it")
    number: str = Field("", max_length=50, description="Required unless a template gives the prefix")
    serial_number: str = Field("", max_length=80)
    product_type_id: Id | None = None
    customer_id: Id | None = None
    template_id: Id | None = Field(None, description="Create from this template (PRD-03): what you leave "
                                                      "out is copied from it")
    purchase_date: ApiDate | None = None
    install_date: ApiDate | None = None
    warranty_end: ApiDate | None = None
    location: str = Field("", max_length=200)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    fields: dict[str, Any] = {}


class ProductPatchIn(Schema):
    name: NonBlank | None = Field(None, max_length=100)
    number: NonBlank | None = Field(None, max_length=50)
    serial_number: str | None = Field(None, max_length=80)
    product_type_id: Id | None = None
    customer_id: Id | None = None
    purchase_date: ApiDate | None = None
    install_date: ApiDate | None = None
    warranty_end: ApiDate | None = None
    location: str | None = Field(None, max_length=200)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    fields: dict[str, Any] | None = Field(None, description="Custom fields to change; null removes a value")


class ProductFilters(PageQuery):
    q: str | None = Field(None, max_length=100, description="Part of the name, number, serial number or customer")
    customer_id: Id | None = None
    product_type_id: Id | None = None
    template_id: Id | None = None
    warranty: Literal["in", "expired"] | None = None
    created_by_me: bool = False


class TemplateOut(Schema):
    id: int
    name: str
    number: str
    product_type: RefOut | None
    warranty_months: int | None
    description: str
    fields: dict[str, Any]
    created_by: RefOut | None
    created_at: datetime
    updated_at: datetime


class TemplateIn(Schema):
    name: NonBlank = Field(max_length=100)
    number: NonBlank = Field(max_length=40, description="Products made from it are numbered <number>-0001 …")
    product_type_id: Id | None = None
    warranty_months: Count | None = Field(None, ge=0, le=600)
    description: MultilineStr = Field("", max_length=2000)
    fields: dict[str, Any] = Field({}, description="Custom values copied to products; required ones may be empty")


class TemplatePatchIn(Schema):
    name: NonBlank | None = Field(None, max_length=100)
    number: NonBlank | None = Field(None, max_length=40)
    product_type_id: Id | None = None
    warranty_months: Count | None = Field(None, ge=0, le=600)
    description: MultilineStr | None = Field(None, max_length=2000)
    fields: dict[str, Any] | None = Field(None, description="Replaces the template's custom values")


class TemplateFilters(PageQuery):
    q: str | None = Field(None, max_length=100, description="Part of the name or number")
    product_type_id: Id | None = None


class ProductTypeIn(Schema):
    name: NonBlank = Field(max_length=50)


# --- products ---------------------------------------------------------------------------------------------------

def _product(actor, product_id):
    return queries.get_product(actor, product_id)


@products_router.get("", response={200: page_of(ProductOut), **ERRORS})
def list_products(request, filters: Query[ProductFilters]):
    """Products in your data scope, newest first. Custom fields filter as `cf_<key>[__op]=value`
    (ops: exact, icontains, in, all, gte, lte, isnull) on the fields marked searchable or not."""
    actor = request.auth
    permissions.require(actor, "product.view")
    found = queries.list_products(actor).filter(queries.search_condition(filters.q))
    for name in ("customer_id", "product_type_id", "template_id"):
        value = getattr(filters, name)
        if value is not None:
            found = found.filter(**{name: value})
    if filters.warranty:
        found = found.filter(queries.warranty_condition(filters.warranty))
    if filters.created_by_me:
        found = found.filter(created_by=actor)
    schema = forms_engine.get_schema(queries.FORM_TARGET)
    custom = forms_engine.filters_from_params(schema, request.GET)
    if custom:
        found = found.filter(forms_engine.filter_q(schema, custom))
    return paginate(found.order_by("-created_at", "-id"), filters)


@products_router.post("", response={201: ProductOut, **ERRORS})
@idempotent(ProductOut)
def create_product(request, payload: ProductIn):
    """A product; with `template_id`, the fields you leave out come from the template."""
    if payload.template_id is not None:
        values = payload.dict(exclude_unset=True)
        template_id = values.pop("template_id")
        product = services.create_from_template(actor=request.auth, template_id=template_id, **values)
    else:
        values = payload.dict()
        values.pop("template_id")
        product = services.create_product(actor=request.auth, **values)
    created = _product(request.auth, product.pk)
    created.absolute_qr_url = queries.public_url(request, created)
    return Status(201, created)


@products_router.get("/{int:product_id}", response={200: ProductOut, **ERRORS})
def get_product(request, product_id: Id):
    return _product(request.auth, product_id)


@products_router.patch("/{int:product_id}", response={200: ProductOut, **ERRORS})
def update_product(request, product_id: Id, payload: ProductPatchIn):
    """Change what you send (null clears a field); `fields` merges into the custom values."""
    product = _product(request.auth, product_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("fields") is None:
        changes.pop("fields", None)
    services.update_product(actor=request.auth, product=product, **changes)
    return _product(request.auth, product_id)


@products_router.delete("/{int:product_id}", response={204: None, **ERRORS})
def delete_product(request, product_id: Id):
    services.delete_product(actor=request.auth, product=_product(request.auth, product_id))
    return Status(204, None)


@products_router.post("/{int:product_id}/regenerate-qrcode", response={200: ProductOut, **ERRORS})
def regenerate_qrcode(request, product_id: Id):
    """A new QR code: the old one then opens a "this code was replaced" page."""
    services.regenerate_qr_token(actor=request.auth, product=_product(request.auth, product_id))
    return _product(request.auth, product_id)


# --- templates ---------------------------------------------------------------------------------------------------

def _template(actor, template_id):
    return queries.get_template(actor, template_id)


@templates_router.get("", response={200: page_of(TemplateOut), **ERRORS})
def list_templates(request, filters: Query[TemplateFilters]):
    found = queries.templates(request.auth)
    if filters.q:
        found = found.filter(Q(name__icontains=filters.q) | Q(number__icontains=filters.q))
    if filters.product_type_id is not None:
        found = found.filter(product_type_id=filters.product_type_id)
    return paginate(found.order_by("-created_at", "-id"), filters)


@templates_router.post("", response={201: TemplateOut, **ERRORS})
@idempotent(TemplateOut)
def create_template(request, payload: TemplateIn):
    template = services.create_template(actor=request.auth, **payload.dict())
    return Status(201, _template(request.auth, template.pk))


@templates_router.get("/{int:template_id}", response={200: TemplateOut, **ERRORS})
def get_template(request, template_id: Id):
    return _template(request.auth, template_id)


@templates_router.patch("/{int:template_id}", response={200: TemplateOut, **ERRORS})
def update_template(request, template_id: Id, payload: TemplatePatchIn):
    template = _template(request.auth, template_id)
    changes = payload.dict(exclude_unset=True)
    for required in ("name", "number"):
        if required in changes and changes[required] is None:
            changes.pop(required)
    if changes.get("fields") is None:
        changes.pop("fields", None)
    services.update_template(actor=request.auth, template=template, **changes)
    return _template(request.auth, template_id)


@templates_router.delete("/{int:template_id}", response={204: None, **ERRORS})
def delete_template(request, template_id: Id):
    services.delete_templates(actor=request.auth, templates=[_template(request.auth, template_id)])
    return Status(204, None)


# --- product types ---------------------------------------------------------------------------------------------

@types_router.get("", response={200: page_of(ProductTypeOut), **ERRORS})
def list_types(request, filters: Query[PageQuery]):
    """The company's product types in their order."""
    permissions.require(request.auth, "product.view")
    return paginate(queries.product_types(), filters)


@types_router.post("", response={201: ProductTypeOut, **ERRORS})
@idempotent(ProductTypeOut)
def create_type(request, payload: ProductTypeIn):
    return Status(201, services.create_product_type(actor=request.auth, name=payload.name))


router.add_router("/products", products_router)
router.add_router("/product-templates", templates_router)
router.add_router("/product-types", types_router)
