"""Scoped reads of customers, contacts and addresses (architecture §4, §6; CUS-08, CUS-09).

Data scope of the `customer` module: own = customers the actor owns or created; team = also the
customers whose service team is one of the actor's teams (or their sub-teams); all = the company.
With the setting "按照服务团队区分客户" (customer.partition_by_team) on, anyone without the "all"
scope only sees customers of their own teams — and customers that have no team yet, so a customer
someone just created without a team does not vanish from their list.
"""

import json
import math

from django.db import connection
from django.db.models import BooleanField, CharField, Expression, F, Func, Q
from django.db.utils import NotSupportedError
from django.urls import reverse_lazy

from shouhou.core import company_settings, geo, permissions
from shouhou.core.tenancy import require_tenant
from shouhou.core.validators import normalize_phone

from .models import Address, Contact, Customer

Owners = Customer.owners.through
MAX_NEARBY_KM = 500
NEARBY_LIMIT = 200
PHONE_SEARCH_MIN_DIGITS = 3


# --- data scope -------------------------------------------------------------------------------------

def owned_condition(user):
    return Q(pk__in=Owners.objects.filter(user_id=user.pk).values("customer_id"))


def _own(user):
    return owned_condition(user) | Q(created_by=user)


def _team(team_ids):
    return Q(service_team__in=team_ids)


def scope_condition(actor):
    """The Q limiting customers to what `actor` may see (data scope, then the team partition)."""
    condition = permissions.scope_filter(actor, "customer", own=_own, team=_team)
    scope = permissions.data_scope(actor, "customer")
    if scope not in (None, permissions.SCOPE_ALL) and company_settings.get("customer.partition_by_team"):
        condition &= Q(service_team__isnull=True) | Q(service_team__in=permissions.user_team_ids(actor))
    return condition


def visible_customers(actor):
    """Customers of the actor's company within their data scope (no joins that repeat rows)."""
    return Customer.objects.filter(scope_condition(actor))


def list_customers(actor):
    """visible_customers with what a list row or an API item shows, loaded up front."""
    return (visible_customers(actor).select_related("service_team", "created_by")
            .prefetch_related("owners"))


def get_customer(actor, pk):
    """One customer the actor may see; absent and out of scope are the same NotFound (404)."""
    permissions.require(actor, "customer.view")
    return permissions.get_visible_or_404(list_customers(actor), pk=pk)


def owned_by(user):
    """Customers `user` owns (我负责的), within what they may see."""
    return visible_customers(user).filter(owned_condition(user))


def created_by(user):
    return visible_customers(user).filter(created_by=user)


def contacts_of(customer):
    return Contact.objects.filter(customer=customer)


def addresses_of(customer):
    return Address.objects.filter(customer=customer)


# --- search and filters -----------------------------------------------------------------------------

def search_condition(text):
    """Name, number, or — when the text has digits enough — the phone of any of its contacts."""
    text = (text or "").strip()
    if not text:
        return Q()
    # Text without letters that have a case (Chinese, digits) matches the same rows case-sensitively,
    # which skips upper-casing every name (about a third of the search's cost on PostgreSQL).
    lookup = "contains" if text.upper() == text.lower() else "icontains"
    condition = Q(**{f"name__{lookup}": text}) | Q(**{f"number__{lookup}": text})
    digits = normalize_phone(text)
    if digits.isdigit() and len(digits) >= PHONE_SEARCH_MIN_DIGITS:
        phones = Contact.objects.filter(phone__contains=digits).values("customer_id")
        condition |= Q(contact_phone__contains=digits) | Q(pk__in=phones)
    return condition


class HasTag(Expression):
    """`tag` is one of the items of the JSON list column `tags` (containment on PostgreSQL)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, tag, column="tags"):
        super().__init__(output_field=BooleanField())
        self.column = F(column) if isinstance(column, str) else column
        self.tag = tag

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"tag filters are not implemented for {connection.vendor}.")

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        return f"({sql} @> %s::jsonb)", [*params, json.dumps([self.tag])]

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        return f"EXISTS (SELECT 1 FROM json_each({sql}) AS tag_item WHERE tag_item.value = %s)", [*params, self.tag]


def tag_condition(tag):
    return Q(HasTag(tag))


class _TagItems(Func):
    """PostgreSQL: one row per tag of the JSON list (a set-returning function in the select list)."""

    function = "jsonb_array_elements_text"
    output_field = CharField()


# Walks the index (tenant, tags) from one distinct tag list to the next (a "loose index scan"): one
# index probe per distinct list instead of reading every customer.
DISTINCT_TAG_LISTS_SQL = """
WITH RECURSIVE lists(tags) AS (
    (SELECT tags FROM customers_customer WHERE tenant_id = %(tenant)s AND tags > '[]'::jsonb
     ORDER BY tags LIMIT 1)
    UNION ALL
    SELECT (SELECT c.tags FROM customers_customer c WHERE c.tenant_id = %(tenant)s AND c.tags > lists.tags
            ORDER BY c.tags LIMIT 1)
    FROM lists WHERE lists.tags IS NOT NULL
)
SELECT tags FROM lists WHERE tags IS NOT NULL LIMIT %(lists)s
"""
MAX_TAG_LISTS = 20_000


def tags_in_use(actor, limit=200):
    """The distinct tags of the customers the actor sees, for filter choices."""
    customers = visible_customers(actor).exclude(tags=[])
    if connection.vendor == "postgresql" and permissions.data_scope(actor, "customer") == permissions.SCOPE_ALL:
        return _company_tags(limit)
    if connection.vendor == "postgresql":
        rows = (customers.annotate(tag=_TagItems("tags")).order_by("tag").values_list("tag", flat=True)
                .distinct()[:limit])
        return list(rows)
    seen = set()
    for tags in customers.order_by("-created_at").values_list("tags", flat=True)[:2000]:
        seen.update(tag for tag in tags or [] if isinstance(tag, str))
    return sorted(seen)[:limit]


def _company_tags(limit):
    """Every tag of the active company's customers (an actor with the "all" scope sees them all)."""
    tenant = require_tenant()
    with connection.cursor() as cursor:
        cursor.execute(DISTINCT_TAG_LISTS_SQL, {"tenant": tenant.pk, "lists": MAX_TAG_LISTS})
        found = set()
        for (tags,) in cursor.fetchall():
            tags = json.loads(tags) if isinstance(tags, str) else tags
            found.update(tag for tag in tags or [] if isinstance(tag, str))
    return sorted(found)[:limit]


# --- nearby customers (CUS-09) ------------------------------------------------------------------------

def nearby_customers(actor, lat, lng, km, *, exclude_id=None, limit=NEARBY_LIMIT):
    """[(customer, distance in km)] within `km` of the point, nearest first.

    A bounding box on the indexed latitude/longitude columns narrows the rows in SQL; the exact
    great-circle distance is then computed here, so corners of the box outside the circle drop out.
    """
    lat, lng, km = float(lat), float(lng), min(float(km), MAX_NEARBY_KM)
    if not (math.isfinite(lat) and math.isfinite(lng) and km > 0):
        return []
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(lat, lng, km)
    candidates = list_customers(actor).filter(
        latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lng, longitude__lte=max_lng)
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    found = []
    for customer in candidates:
        distance = geo.distance_km(lat, lng, customer.latitude, customer.longitude)
        if distance <= km:
            customer.distance_km = round(distance, 2)
            found.append((customer, distance))
    found.sort(key=lambda pair: (pair[1], pair[0].pk))
    return found[:limit]


def nearby_of(actor, customer, km, *, limit=NEARBY_LIMIT):
    """Customers near another customer's default address; none when it has no coordinates."""
    if customer.latitude is None or customer.longitude is None:
        return []
    return nearby_customers(actor, customer.latitude, customer.longitude, km, exclude_id=customer.pk, limit=limit)


# --- the "customer" reference kind of the form engine ---------------------------------------------------

def _resolve(ids):
    return Customer.objects.filter(pk__in=ids)


def match_customers(texts):
    """{text: [ids]} of the active company's customers whose name or number is the text (Excel import)."""
    found = {text: [] for text in texts}
    wanted = set(texts)
    rows = Customer.objects.filter(Q(name__in=wanted) | Q(number__in=wanted)).values_list("pk", "name", "number")
    for pk, name, number in rows:
        for text in {name, number} & wanted:
            if pk not in found[text]:
                found[text].append(pk)
    return found


def register_customer_reference():
    """Fields of kind "customer" validate against the editor's visible customers (the company's without one)."""
    from shouhou.core.forms_engine import register_reference_kind

    register_reference_kind("customer", _resolve, label=lambda customer: customer.name, match=match_customers,
                            search_url=reverse_lazy("customers:pick"), visible=visible_customers)
