"""Scoped reads of products, product types and templates, and the QR-code lookup (architecture §4, §6).

Data scope of the `product` module: own = products the actor created or whose customer they own;
team = also products whose customer is served by one of the actor's teams (or sub-teams), and
products created by members of those teams; all = the company.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core import company_settings, permissions
from shouhou.core.tenancy import tenant_context

from .models import Product, ProductTemplate, ProductType, RevokedQrToken

FORM_TARGET = "product"
PICK_LIMIT = 20


# --- data scope ---------------------------------------------------------------------------------------

def _customer_owners():
    from shouhou.customers.models import Customer

    return Customer.owners.through


def _own(user):
    owned = _customer_owners().objects.filter(user_id=user.pk).values("customer_id")
    return Q(created_by=user) | Q(customer_id__in=owned)


def _team(team_ids):
    from shouhou.accounts.models import Team

    members = Team.members.through.objects.filter(team_id__in=team_ids).values("user_id")
    return Q(customer__service_team__in=team_ids) | Q(created_by_id__in=members)


def scope_condition(actor):
    return permissions.scope_filter(actor, "product", own=_own, team=_team)


def visible_products(actor):
    """Products of the actor's company within their data scope."""
    return Product.objects.filter(scope_condition(actor))


def list_products(actor):
    """visible_products with what a list row or an API item shows, loaded up front."""
    return visible_products(actor).select_related("product_type", "customer", "created_by", "template")


def get_product(actor, pk):
    """One product the actor may see; absent and out of scope are the same NotFound (404)."""
    permissions.require(actor, "product.view")
    return permissions.get_visible_or_404(list_products(actor), pk=pk)


def search_condition(text):
    """Product name, number or serial number, or the customer's name."""
    text = (text or "").strip()
    if not text:
        return Q()
    return (Q(name__icontains=text) | Q(number__icontains=text) | Q(serial_number__icontains=text)
            | Q(customer__name__icontains=text))


def warranty_condition(state, today=None):
    """Products in warranty ("in") or out of it ("expired"); products without an end date are neither."""
    today = today or timezone.localdate()
    if state == "in":
        return Q(warranty_end__gte=today)
    if state == "expired":
        return Q(warranty_end__lt=today)
    return Q()


def other_products_of_customer(actor, product, limit=50):
    """The customer's other products the actor may see (the detail page's side list)."""
    if product.customer_id is None:
        return Product.objects.none()
    return (visible_products(actor).filter(customer_id=product.customer_id).exclude(pk=product.pk)
            .select_related("product_type").order_by("-created_at", "-id")[:limit])


def pick_products(actor, text, customer_id=None, limit=PICK_LIMIT):
    """Products for a picker: matching `text`, optionally of one customer."""
    permissions.require(actor, "product.view")
    found = list_products(actor).filter(search_condition(text))
    if customer_id:
        found = found.filter(customer_id=customer_id)
    return found.order_by("name", "id")[:limit]


def visible_customer(actor, customer_id):
    """The customer with this id if the actor may see it, else None (another company's too)."""
    from shouhou.customers.queries import visible_customers

    if customer_id in (None, ""):
        return None
    try:
        return visible_customers(actor).filter(pk=int(customer_id)).first()
    except (TypeError, ValueError):
        return None


# --- product types (PRD-11) and templates (PRD-07) -------------------------------------------------

def product_types():
    """The company's product types in their order (a company-wide list, not scoped)."""
    return ProductType.objects.order_by("sort_order", "id")


def product_type_choices():
    return [(t.pk, t.name) for t in product_types()]


def type_usage_counts():
    """{type id: number of products of that type}."""
    from django.db.models import Count

    rows = Product.objects.filter(product_type__isnull=False).values("product_type").annotate(n=Count("id"))
    return {row["product_type"]: row["n"] for row in rows}


def templates(actor):
    """The company's product templates; reading them needs product.view (to create from one)."""
    permissions.require(actor, "product.view")
    return ProductTemplate.objects.select_related("product_type", "created_by")


def get_template(actor, pk):
    return permissions.get_visible_or_404(templates(actor), pk=pk)


def template_choices(actor):
    return [(t.pk, f"{t.name}（{t.number}）") for t in templates(actor).order_by("name", "id")]


# --- the customer page's 产品 tab (registered with core.object_tabs in apps.py) ---------------------------

def products_of_customer(actor, customer):
    """The customer's products within the actor's product scope; None (no tab) without the permission."""
    if not permissions.has_perm(actor, "product.view"):
        return None
    return visible_products(actor).filter(customer=customer)


# --- the public QR page (PRD-08) --------------------------------------------------------------------------

@dataclass
class QrLookup:
    """What a scanned token names: a product (state "ok"), a replaced code ("revoked"), or nothing."""

    state: str  # ok, revoked, disabled, unknown
    product: Product | None = None


def lookup_qr_token(token):
    """Find a token across every company (a scan comes with no company active).

    This is the one read of product data without an active tenant: it names the manager
    `all_tenants` explicitly and returns the product, whose tenant the caller then activates.
    """
    token = (token or "").strip()
    if not token or len(token) > Product._meta.get_field("qr_token").max_length:
        return QrLookup("unknown")
    product = (Product.all_tenants.select_related("tenant").filter(qr_token=token, tenant__is_active=True)
               .first())
    if product is None:
        revoked = RevokedQrToken.all_tenants.filter(token=token, tenant__is_active=True).exists()
        return QrLookup("revoked" if revoked else "unknown")
    with tenant_context(product.tenant):
        if not company_settings.get("product.qrcode_enabled"):
            return QrLookup("disabled")
    return QrLookup("ok", product)


def public_path(product):
    return reverse("qr:product", args=[product.qr_token])


def public_url(request, product):
    """The absolute address a product's QR code encodes."""
    return request.build_absolute_uri(public_path(product))


# --- the form engine: the product form and the "product" reference kind -----------------------------

SYSTEM_FIELDS = [
    {"key": "name", "label": _("Product name"), "kind": "text", "required": True},
    {"key": "number", "label": _("Product number"), "kind": "text", "required": True},
    {"key": "serial_number", "label": _("Serial number"), "kind": "text"},
    {"key": "product_type", "label": _("Product type"), "kind": "text"},
    {"key": "customer", "label": _("Customer"), "kind": "customer"},
    {"key": "purchase_date", "label": _("Purchase date"), "kind": "date"},
    {"key": "install_date", "label": _("Installation date"), "kind": "date"},
    {"key": "warranty_end", "label": _("Warranty end date"), "kind": "date"},
    {"key": "location", "label": _("Location"), "kind": "location"},
]


def _resolve(ids):
    return Product.objects.filter(pk__in=ids)


def match_products(texts):
    """{text: [ids]} of the active company's products whose number, serial number or name is the text."""
    found = {text: [] for text in texts}
    wanted = set(texts)
    rows = (Product.objects.filter(Q(number__in=wanted) | Q(serial_number__in=wanted) | Q(name__in=wanted))
            .values_list("pk", "name", "number", "serial_number"))
    for pk, name, number, serial in rows:
        for text in {name, number, serial} & wanted:
            if pk not in found[text]:
                found[text].append(pk)
    return found


def register_product_form():
    """The product form (PRD-04) with its locked system fields, and fields of kind "product"
    validated against the editor's visible products (the company's without one)."""
    from shouhou.core.forms_engine import register_reference_kind, register_target

    register_target(FORM_TARGET, label=_("Product"), system_fields=SYSTEM_FIELDS)
    register_reference_kind("product", _resolve, label=str, match=match_products,
                            search_url=reverse_lazy("products:pick"), visible=visible_products)
