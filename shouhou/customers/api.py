"""REST API of customers, their contacts and addresses, and nearby customers (architecture §11; CUS-01…09).

Every endpoint is thin: parse, call a query (reads, within the caller's data scope) or a service
(writes), render. Custom-field values travel under "fields"; the form engine validates them, so an
invalid value is a 400 with the error under "fields.<key>". Another company's customer is a 404.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from shouhou.core import forms_engine, regions
from shouhou.core.api_types import ApiDate, Flag, Id, NonBlank
from shouhou.core.api_utils import ERRORS, PageQuery, idempotent, page_of, paginate
from shouhou.core.errors import NotFound
from shouhou.core.permissions import require

from . import contact_services, queries, services
from .models import Address, Contact, Customer

router = Router(tags=["customers"])
CustomerStatus = Literal[tuple(Customer.Status.values)]
ORDERINGS = {"created_at", "-created_at", "name", "-name", "number", "-number", "updated_at", "-updated_at"}


# --- schemas ------------------------------------------------------------------------------------------

class RefOut(Schema):
    id: int
    name: str


class ContactOut(Schema):
    id: int
    name: str
    phone: str
    email: str
    position: str
    note: str
    is_default: bool


class ContactIn(Schema):
    name: NonBlank = Field(max_length=50)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    position: str = Field("", max_length=50)
    note: str = Field("", max_length=200)
    is_default: Flag = False


class ContactPatchIn(Schema):
    name: NonBlank | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    position: str | None = Field(None, max_length=50)
    note: str | None = Field(None, max_length=200)
    is_default: Flag | None = Field(None, description="true makes it the default; the default stays until "
                                                        "another is made default")


REGION_TEXT = "A name (common variants too: 上海 or 上海市, 广西 or 广西壮族自治区) or a GB/T 2260 code"
REGION_CODE = r"^(\d{6})?$"


class AddressOut(Schema):
    id: int
    province: str
    city: str
    district: str
    province_code: str = Field(description="GB/T 2260 code; empty when the name did not match (地区待修正)")
    city_code: str
    district_code: str
    region_unmatched: bool = Field(description="A region part has no code: pick the region again")
    detail: str
    latitude: Decimal | None
    longitude: Decimal | None
    is_default: bool


class AddressIn(Schema):
    province: str = Field("", max_length=30, description=REGION_TEXT)
    city: str = Field("", max_length=30, description=REGION_TEXT + "; a municipality's city is itself (上海市)")
    district: str = Field("", max_length=30, description=REGION_TEXT)
    province_code: str = Field("", pattern=REGION_CODE, description="Instead of the name (wins over it)")
    city_code: str = Field("", pattern=REGION_CODE)
    district_code: str = Field("", pattern=REGION_CODE)
    detail: str = Field("", max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90, description="Empty: located from the address")
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    is_default: Flag = False


class AddressPatchIn(Schema):
    province: str | None = Field(None, max_length=30, description=REGION_TEXT + "; send the three parts together")
    city: str | None = Field(None, max_length=30)
    district: str | None = Field(None, max_length=30)
    province_code: str | None = Field(None, pattern=REGION_CODE)
    city_code: str | None = Field(None, pattern=REGION_CODE)
    district_code: str | None = Field(None, pattern=REGION_CODE)
    detail: str | None = Field(None, max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    is_default: Flag | None = None


class CustomerOut(Schema):
    id: int
    number: str
    name: str
    status: str
    service_team: RefOut | None
    owners: list[RefOut]
    tags: list[str]
    contact_name: str = Field(description="The default contact")
    contact_phone: str
    province: str = Field(description="The default address")
    city: str
    district: str
    province_code: str
    city_code: str
    district_code: str
    address_detail: str
    latitude: Decimal | None
    longitude: Decimal | None
    fields: dict[str, Any] = Field(description="Custom-field values by field key (GET /form-schemas/customer)")
    created_by: RefOut | None
    created_at: datetime
    updated_at: datetime


class CustomerDetailOut(CustomerOut):
    contacts: list[ContactOut]
    addresses: list[AddressOut]


class NearbyOut(CustomerOut):
    distance_km: float


class CustomerIn(Schema):
    name: NonBlank = Field(max_length=100)
    number: str = Field("", max_length=30, description="Empty: the next number with the company's prefix")
    status: CustomerStatus = "active"
    service_team_id: Id | None = None
    owner_ids: list[Id] = []
    tags: list[str] = []
    fields: dict[str, Any] = {}
    contacts: list[ContactIn] = Field([], description="The first is the default unless one is marked")
    addresses: list[AddressIn] = Field([], description="Required when the company requires an address")


class CustomerPatchIn(Schema):
    name: NonBlank | None = Field(None, max_length=100)
    status: CustomerStatus | None = None
    service_team_id: Id | None = None
    owner_ids: list[Id] | None = Field(None, description="Replaces the owners")
    tags: list[str] | None = Field(None, description="Replaces the tags")
    fields: dict[str, Any] | None = Field(None, description="Merged into the stored values; null removes a key")


class CustomerFilters(PageQuery):
    q: str | None = Field(None, max_length=100, description="Part of the name, number or a contact's phone")
    status: CustomerStatus | None = None
    service_team_id: Id | None = None
    owner_id: Id | None = None
    tag: str | None = Field(None, max_length=20)
    created_from: ApiDate | None = None
    created_to: ApiDate | None = None
    ordering: Literal[tuple(sorted(ORDERINGS))] = Field("-created_at", description="'-' for descending")


class NearbyQuery(PageQuery):
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    km: float = Field(5, gt=0, le=queries.MAX_NEARBY_KM)


class KmQuery(PageQuery):
    km: float = Field(5, gt=0, le=queries.MAX_NEARBY_KM)


# --- customers --------------------------------------------------------------------------------------------

def _customer(request, customer_id):
    return queries.get_customer(request.auth, customer_id)


def _detail(request, customer_id):
    """The customer with its contacts and addresses (CustomerDetailOut reads the related managers)."""
    return _customer(request, customer_id)


@router.get("/customers", response={200: page_of(CustomerOut), **ERRORS})
def list_customers(request, filters: Query[CustomerFilters]):
    """Customers within your data scope. Custom fields filter with `cf_<key>=value` (or
    `cf_<key>__<op>` with op icontains, in, gte, lte, isnull …) for fields marked searchable."""
    require(request.auth, "customer.view")
    customers = queries.list_customers(request.auth)
    if filters.q:
        customers = customers.filter(queries.search_condition(filters.q))
    for name, value in (("status", filters.status), ("service_team_id", filters.service_team_id)):
        if value is not None:
            customers = customers.filter(**{name: value})
    if filters.owner_id is not None:
        customers = customers.filter(owners=filters.owner_id)
    if filters.tag:
        customers = customers.filter(queries.tag_condition(filters.tag))
    if filters.created_from:
        customers = customers.filter(created_at__date__gte=filters.created_from)
    if filters.created_to:
        customers = customers.filter(created_at__date__lte=filters.created_to)
    schema = services.schema()
    custom = forms_engine.filters_from_params(schema, request.GET)
    if custom:
        customers = customers.filter(forms_engine.filter_q(schema, custom))
    ordering = filters.ordering if filters.ordering in ORDERINGS else "-created_at"
    return paginate(customers.order_by(ordering, "-pk"), filters)


@router.post("/customers", response={201: CustomerDetailOut, **ERRORS})
@idempotent(CustomerDetailOut)
def create_customer(request, payload: CustomerIn):
    customer = services.create_customer(actor=request.auth, request=request, **payload.dict())
    return Status(201, _detail(request, customer.pk))


@router.get("/customers/nearby", response={200: page_of(NearbyOut), **ERRORS})
def nearby(request, filters: Query[NearbyQuery]):
    """Customers (with coordinates) within `km` of the point, nearest first, with their distance."""
    require(request.auth, "customer.view")
    found = queries.nearby_customers(request.auth, filters.lat, filters.lng, filters.km)
    return paginate([customer for customer, _distance in found], filters)


@router.get("/customers/{int:customer_id}", response={200: CustomerDetailOut, **ERRORS})
def get_customer(request, customer_id: Id):
    return _detail(request, customer_id)


@router.patch("/customers/{int:customer_id}", response={200: CustomerDetailOut, **ERRORS})
def update_customer(request, customer_id: Id, payload: CustomerPatchIn):
    """Change the fields you send. `fields` is merged: keys you send change, `null` clears one."""
    customer = _customer(request, customer_id)
    changes = payload.dict(exclude_unset=True)
    for name in ("name", "status", "owner_ids", "tags", "fields"):
        if name in changes and changes[name] is None:
            del changes[name]
    services.update_customer(actor=request.auth, customer=customer, request=request, **changes)
    return _detail(request, customer_id)


@router.delete("/customers/{int:customer_id}", response={204: None, **ERRORS})
def delete_customer(request, customer_id: Id):
    """Delete a customer with its contacts and addresses; 409 while it has work orders."""
    services.delete_customer(actor=request.auth, customer=_customer(request, customer_id), request=request)
    return Status(204, None)


@router.get("/customers/{int:customer_id}/nearby", response={200: page_of(NearbyOut), **ERRORS})
def nearby_of_customer(request, customer_id: Id, filters: Query[KmQuery]):
    """Customers within `km` of this customer's default address, nearest first."""
    customer = _customer(request, customer_id)
    found = queries.nearby_of(request.auth, customer, filters.km)
    return paginate([other for other, _distance in found], filters)


# --- contacts -------------------------------------------------------------------------------------------

def _contact(request, customer_id, contact_id):
    customer = _customer(request, customer_id)
    contact = queries.contacts_of(customer).filter(pk=contact_id).first()
    if contact is None:
        raise NotFound()
    return contact


@router.get("/customers/{int:customer_id}/contacts", response={200: page_of(ContactOut), **ERRORS})
def list_contacts(request, customer_id: Id, filters: Query[PageQuery]):
    """The customer's contacts, the default first."""
    return paginate(queries.contacts_of(_customer(request, customer_id)), filters)


@router.post("/customers/{int:customer_id}/contacts", response={201: ContactOut, **ERRORS})
@idempotent(ContactOut)
def create_contact(request, customer_id: Id, payload: ContactIn):
    contact = contact_services.add_contact(actor=request.auth, customer=_customer(request, customer_id),
                                           **payload.dict())
    return Status(201, Contact.objects.get(pk=contact.pk))


@router.get("/customers/{int:customer_id}/contacts/{int:contact_id}", response={200: ContactOut, **ERRORS})
def get_contact(request, customer_id: Id, contact_id: Id):
    return _contact(request, customer_id, contact_id)


@router.patch("/customers/{int:customer_id}/contacts/{int:contact_id}", response={200: ContactOut, **ERRORS})
def update_contact(request, customer_id: Id, contact_id: Id, payload: ContactPatchIn):
    contact = _contact(request, customer_id, contact_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    contact_services.update_contact(actor=request.auth, contact=contact, **changes)
    return _contact(request, customer_id, contact_id)


@router.delete("/customers/{int:customer_id}/contacts/{int:contact_id}", response={204: None, **ERRORS})
def delete_contact(request, customer_id: Id, contact_id: Id):
    contact_services.delete_contact(actor=request.auth, contact=_contact(request, customer_id, contact_id))
    return Status(204, None)


# --- addresses ------------------------------------------------------------------------------------------

def _address(request, customer_id, address_id):
    customer = _customer(request, customer_id)
    address = queries.addresses_of(customer).filter(pk=address_id).first()
    if address is None:
        raise NotFound()
    return address


@router.get("/customers/{int:customer_id}/addresses", response={200: page_of(AddressOut), **ERRORS})
def list_addresses(request, customer_id: Id, filters: Query[PageQuery]):
    """The customer's addresses, the default first."""
    return paginate(queries.addresses_of(_customer(request, customer_id)), filters)


@router.post("/customers/{int:customer_id}/addresses", response={201: AddressOut, **ERRORS})
@idempotent(AddressOut)
def create_address(request, customer_id: Id, payload: AddressIn):
    """Add an address; without coordinates it is located through the maps adapter when possible."""
    address = contact_services.add_address(actor=request.auth, customer=_customer(request, customer_id),
                                           **payload.dict())
    return Status(201, Address.objects.get(pk=address.pk))


@router.get("/customers/{int:customer_id}/addresses/{int:address_id}", response={200: AddressOut, **ERRORS})
def get_address(request, customer_id: Id, address_id: Id):
    return _address(request, customer_id, address_id)


@router.patch("/customers/{int:customer_id}/addresses/{int:address_id}", response={200: AddressOut, **ERRORS})
def update_address(request, customer_id: Id, address_id: Id, payload: AddressPatchIn):
    """Change the parts you send; a changed address without new coordinates is located again."""
    address = _address(request, customer_id, address_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("is_default") is None:
        changes.pop("is_default", None)
    contact_services.update_address(actor=request.auth, address=address, **changes)
    return _address(request, customer_id, address_id)


@router.delete("/customers/{int:customer_id}/addresses/{int:address_id}", response={204: None, **ERRORS})
def delete_address(request, customer_id: Id, address_id: Id):
    contact_services.delete_address(actor=request.auth, address=_address(request, customer_id, address_id))
    return Status(204, None)


# --- administrative divisions (core.regions) -------------------------------------------------------------

class RegionOut(Schema):
    code: str
    name: str


class RegionQuery(Schema):
    parent: str = Field("", pattern=REGION_CODE, description="Empty: the provinces; a province: its cities; "
                                                             "a city: its districts")


class SplitQuery(Schema):
    text: str = Field(min_length=1, max_length=200)


class SplitOut(Schema):
    province: str
    province_code: str
    city: str
    city_code: str
    district: str
    district_code: str
    detail: str


@router.get("/regions", response={200: list[RegionOut], **ERRORS}, tags=["regions"])
def list_regions(request, filters: Query[RegionQuery]):
    """The children of a division (GB/T 2260): the 34 provincial units, a province's cities, a city's districts.
    A municipality (上海市) has one city, itself (code 310100)."""
    if filters.parent and regions.get(filters.parent) is None:
        raise NotFound()
    return [node.as_json() for node in regions.children(filters.parent)]


@router.get("/regions/split", response={200: SplitOut, **ERRORS}, tags=["regions"])
def split_address(request, filters: Query[SplitQuery]):
    """识别地址: a free-text address cut into province, city, district (with codes) and the rest."""
    return regions.split(filters.text)
