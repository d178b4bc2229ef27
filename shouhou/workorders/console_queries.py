"""Scoped reads the console pages need beyond queries.py (DESIGN §4): pickers, related data, usage counts.

Every read of work orders goes through `queries.visible_work_orders`; customers and products through
their apps' scoped queries, so a picker never offers what the actor could not open.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from shouhou.core import permissions
from shouhou.core.errors import NotFound
from shouhou.core.models import Activity
from shouhou.customers.models import Address, Contact

from . import flow, queries
from .models import AddonComponent, Approval, ComponentEntry, ServiceOption, Status, StatusSpan, WorkOrderType

PICK_LIMIT = 20
RELATED_LIMIT = 10


# --- customers and products for the pickers ----------------------------------------------------------

def visible_customers(actor):
    """Customers the actor may pick: the customers app's scoped query."""
    from shouhou.customers import queries as customer_queries

    return customer_queries.visible_customers(actor)


def search_customers(actor, text, limit=PICK_LIMIT):
    """Customers matching a name, number or phone, for the picker (search as you type)."""
    from shouhou.customers import queries as customer_queries

    customers = visible_customers(actor)
    text = (text or "").strip()
    if text:
        customers = customers.filter(customer_queries.search_condition(text))
    return list(customers.order_by("-created_at", "-pk")[:limit])


def pickable_customer(actor, pk):
    """One customer the actor may pick, or None."""
    if pk in (None, ""):
        return None
    try:
        return visible_customers(actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def customer_contacts(customer):
    return list(Contact.objects.filter(customer=customer)) if customer else []


def customer_addresses(customer):
    return list(Address.objects.filter(customer=customer)) if customer else []


def visible_products(actor):
    from shouhou.products import queries as product_queries

    return product_queries.visible_products(actor)


def products_for_customer(actor, customer, text="", limit=PICK_LIMIT):
    """The customer's products first, then products not linked to any customer (picking one links it)."""
    products = visible_products(actor)
    products = products.filter(Q(customer=customer) | Q(customer__isnull=True)) if customer else products.filter(
        customer__isnull=True)
    text = (text or "").strip()
    if text:
        products = products.filter(Q(name__icontains=text) | Q(number__icontains=text)
                                   | Q(serial_number__icontains=text))
    return list(products.order_by("customer_id", "-created_at", "-pk")[:limit])


def pickable_product(actor, pk):
    if pk in (None, ""):
        return None
    try:
        return visible_products(actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


# --- related data on the detail page and other apps' tabs ----------------------------------------------

def other_orders_of_product(actor, order, limit=RELATED_LIMIT):
    """Other orders of the same product (关联数据), newest first."""
    if order.product_id is None:
        return []
    return list(queries.list_work_orders(actor).filter(product_id=order.product_id).exclude(pk=order.pk)
                .order_by("-created_at", "-pk")[:limit])


def orders_for(actor, *, customer=None, product=None, limit=RELATED_LIMIT):
    """(orders, total, open count) of a customer or a product within the actor's scope."""
    permissions.require(actor, "workorder.view")
    qs = queries.list_work_orders(actor)
    qs = qs.filter(customer=customer) if customer is not None else qs.filter(product=product)
    counts = qs.order_by().aggregate(total=Count("pk"), open=Count("pk", filter=Q(status__in=flow.OPEN_STATUSES)))
    return list(qs.order_by("-created_at", "-pk")[:limit]), counts["total"], counts["open"]


def customer_for_tab(actor, pk):
    """The customer of a work-order tab, within the actor's customer scope (else NotFound)."""
    return permissions.get_visible_or_404(visible_customers(actor), pk=pk)


def product_for_tab(actor, pk):
    return permissions.get_visible_or_404(visible_products(actor), pk=pk)


# --- exceptions, approvals, time ----------------------------------------------------------------------

@dataclass
class OpenFlag:
    key: str
    label: str
    since: datetime | None
    detail: str = ""


FLAG_LABELS = {
    "is_paused": _("Paused"), "is_overdue": _("Overdue"), "is_rejected": _("Rejected back"),
    "awaiting_approval": _("Awaiting approval"), "location_anomaly": _("Location anomaly"),
}
FLAG_VERBS = {"is_rejected": "rejected", "location_anomaly": "location_anomaly", "is_overdue": "overdue"}


def open_flags(order):
    """The order's open exception flags (工单异常), each with since when and the reason recorded."""
    flags = []
    for key, label in FLAG_LABELS.items():
        if not getattr(order, key):
            continue
        since, detail = _flag_origin(order, key)
        flags.append(OpenFlag(key, label, since, detail))
    return flags


def _flag_origin(order, key):
    if key == "is_paused":
        span = StatusSpan.objects.filter(order=order, paused=True, ended_at=None).order_by("-started_at").first()
        entry = _last_entry(order, "paused")
        return (span.started_at if span else None), (entry.note if entry else "")
    if key == "awaiting_approval":
        approval = queries.pending_approval(order)
        if approval is None:
            return None, ""
        return approval.created_at, str(flow.ACTION_LABELS.get(approval.action, approval.action))
    entry = _last_entry(order, FLAG_VERBS[key])
    if key == "is_overdue":
        return order.deadline_at, entry.summary if entry else ""
    return (entry.created_at if entry else None), (entry.note or entry.summary if entry else "")


def _last_entry(order, verb):
    content_type = ContentType.objects.get_for_model(order._meta.model)
    return (Activity.objects.filter(content_type=content_type, object_id=str(order.pk), verb=verb)
            .order_by("-created_at", "-pk").first())


def approval_counts(actor):
    """Counts for the approvals inbox tabs, in one query each side (approver / requester)."""
    decided = queries.approvals_inbox(actor, "all").order_by().aggregate(
        pending=Count("pk", filter=Q(state=Approval.State.PENDING)),
        approved=Count("pk", filter=Q(state=Approval.State.APPROVED)),
        refused=Count("pk", filter=Q(state=Approval.State.REFUSED)))
    decided["mine"] = queries.approvals_inbox(actor, "pending", requested=True).count()
    return decided


@dataclass
class TimeRow:
    status: str
    label: str
    seconds: float


def time_rows(order):
    """(rows per status in flow order, report) for the 用时 tab (WO-32)."""
    report = queries.time_in_statuses(order)
    rows = [TimeRow(status, Status(status).label, seconds) for status, seconds in report.per_status.items()]
    order_of = {status: index for index, status in enumerate(Status.values)}
    rows.sort(key=lambda row: order_of.get(row.status, 99))
    return rows, report


# --- settings pages -----------------------------------------------------------------------------------

def types_with_usage():
    """Every type with its teams, components and the number of orders (a used type cannot be deleted)."""
    return list(queries.all_types().annotate(order_count=Count("orders", distinct=True)))


def components_with_usage():
    """The component library with 使用统计 (entries filled in) and the types it is applied to."""
    return list(AddonComponent.objects.annotate(entry_count=Count("entries", distinct=True))
                .prefetch_related("types").order_by("pk"))


def component_entries(order, component):
    return list(ComponentEntry.objects.filter(order=order, component=component).select_related("created_by"))


def component_and_entry(order, component_id, entry_id):
    """An enabled component of the order's type and one of its entries on the order, or NotFound."""
    component = type_of_order_component(order, component_id)
    entry = next((e for e in component_entries(order, component) if e.pk == entry_id), None)
    if entry is None:
        raise NotFound()
    return component, entry


def service_option_lists():
    """{kind: [options in order]} with disabled ones, for the settings page."""
    lists = {kind: [] for kind in ServiceOption.Kind.values}
    for option in queries.service_options(active_only=False).order_by("kind", "sort_order", "pk"):
        lists[option.kind].append(option)
    return lists


def get_type(pk):
    return permissions.get_visible_or_404(queries.all_types(), pk=pk)


def get_component(pk):
    return permissions.get_visible_or_404(AddonComponent.objects.all(), pk=pk)


def get_service_option(pk):
    return permissions.get_visible_or_404(ServiceOption.objects.all(), pk=pk)


def type_of_order_component(order, component_id):
    """An enabled component of the order's type (a tab on its detail), or NotFound."""
    return permissions.get_visible_or_404(order.order_type.components.filter(is_enabled=True), pk=component_id)


def assignable_orders(actor):
    """The 待指派 list of the assign page (WO-07): pending orders in the actor's scope."""
    return queries.list_work_orders(actor).filter(status__in=[Status.PENDING, Status.POOLED])


def pending_assignment_count(actor):
    return queries.visible_work_orders(actor).filter(status=Status.PENDING).count()


def my_pending_approval_count(actor):
    return queries.approvals_inbox(actor, "pending").count()


def type_choices(actor):
    """[(id, name)] of the company's types, for the list's type filter."""
    return list(WorkOrderType.objects.order_by("sort_order", "pk").values_list("pk", "name"))
