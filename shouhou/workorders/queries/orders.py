"""Scoped reads of work orders (architecture §4, §6): lists and details agree. The list and its tabs and
filters, the detail's parts (timeline, notes, approvals, flags, time in statuses) and other apps'
tabs of related orders.

Data scope of the `workorder` module: own = orders the actor created, is assigned or collaborates on;
team = also orders whose assignee or creator is in the actor's teams (and sub-teams) or whose
customer's service team is one of them; all = the whole company.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.models import User
from shouhou.core import bounds, forms_engine, permissions, timeline
from shouhou.core.errors import NotFound, ValidationFailed
from shouhou.core.models import Activity

from .. import flow
from ..models import (
    Approval,
    ComponentEntry,
    Note,
    ServiceOption,
    Status,
    StatusSpan,
    WorkOrder,
    WorkOrderType,
)
from . import pickers
from .types import type_of_order_component

Collaboration = WorkOrder.collaborators.through


def _own(user):
    collaborating = Collaboration.objects.filter(user_id=user.pk).values("workorder_id")
    return Q(created_by=user) | Q(assignee=user) | Q(pk__in=collaborating)


def _team(team_ids):
    members = User.objects.filter(Q(teams__in=team_ids) | Q(led_teams__in=team_ids)).values("pk")
    return Q(assignee__in=members) | Q(created_by__in=members) | Q(customer__service_team__in=team_ids)


def visible_work_orders(actor):
    """Work orders of the actor's company within their data scope (no joins that repeat rows)."""
    return WorkOrder.objects.filter(permissions.scope_filter(actor, "workorder", own=_own, team=_team))


def list_work_orders(actor):
    """visible_work_orders with what a list row shows: type, customer and assignee joined, product and
    service options fetched in one small query each. PostgreSQL takes ~20 ms to PLAN the join of all
    seven tables — on every list page, detail and API action — and under 1 ms for four."""
    return visible_work_orders(actor).select_related("order_type", "customer", "assignee").prefetch_related(
        "product", "service_type", "service_content")


def load_service_options(order):
    """Set the order's service type and content from one query (instead of one lazy query each)."""
    ids = {order.service_type_id, order.service_content_id} - {None}
    if not ids:
        return order
    options = {option.pk: option for option in ServiceOption.objects.filter(pk__in=ids)}
    for name in ("service_type", "service_content"):
        option_id = getattr(order, f"{name}_id")
        if option_id in options:
            setattr(order, name, options[option_id])
    return order


def get_work_order(actor, pk):
    return permissions.get_visible_or_404(list_work_orders(actor), pk=pk)


def deciding_orders(actor):
    """Ids (a subquery) of the orders a pending approval asks the actor to decide (not his own request)."""
    mine = Approval.approvers.through.objects.filter(approval_id=OuterRef("pk"), user_id=actor.pk)
    return (Approval.objects.filter(Exists(mine), state=Approval.State.PENDING).exclude(requested_by_id=actor.pk)
            .values("order_id"))


def open_work_order(actor, pk):
    """(order, read_only) for the detail pages: an order within the actor's scope, or one he must decide
    on, opened read-only for that purpose (an approver outside the order's scope); else NotFound."""
    try:
        return get_work_order(actor, pk), False
    except NotFound:
        pass
    orders = (WorkOrder.objects.filter(pk__in=deciding_orders(actor))
              .select_related("order_type", "customer", "assignee").prefetch_related("product", "service_type",
                                                                                    "service_content"))
    return permissions.get_visible_or_404(orders, pk=pk), True


def can_open(actor, pk):
    try:
        open_work_order(actor, pk)
    except NotFound:
        return False
    return True


TRANSFERRED = _("This work order has been transferred to someone else.")


def gone_message(actor, pk):
    """The dead-end page's words (core.gone) for a link to order `pk` the actor cannot open, or None."""
    return TRANSFERRED if transferred_away(actor, pk) else None


def transferred_away(actor, pk):
    """Whether a link to order `pk` the actor may no longer open should say "transferred to someone else":
    the order exists in his company (the manager sees no other), he cannot open it now, and its timeline
    shows it moved away from him (an assignee change from him, or his removal from the collaborators).
    The dead-end page (core.gone) asks it; a missing or another company's order is False, like any id."""
    pk = bounds.parse_id(pk)
    if pk is None or can_open(actor, pk) or not WorkOrder.objects.filter(pk=pk).exists():
        return False
    content_type = ContentType.objects.get_for_model(WorkOrder)
    name = actor.name
    for changes in (Activity.objects.filter(content_type=content_type, object_id=str(pk))
                    .values_list("changes", flat=True)):
        for change in changes or []:
            if not isinstance(change, dict):
                continue
            if change.get("field") == "assignee" and change.get("old") == name and change.get("new") != name:
                return True
            if (change.get("field") == "collaborators" and name in str(change.get("old", "")).split("、")
                    and name not in str(change.get("new", "")).split("、")):
                return True
    return False


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    condition: Q
    other: bool = False  # shown under 其他


TABS = [
    Tab("pending", _("To be assigned"), Q(status=Status.PENDING)),
    Tab("assigned", _("Assigned"), Q(status=Status.ASSIGNED)),
    Tab("accepted", _("Accepted"), Q(status=Status.ACCEPTED)),
    Tab("in_progress", _("In progress"), Q(status=Status.IN_PROGRESS)),
    Tab("exception", _("Exceptions"), Q(is_exception=True, status__in=flow.OPEN_STATUSES)),
    Tab("all", _("All"), Q()),
    Tab("finished", _("Finished"), Q(status__in=[Status.FINISHED, Status.SETTLED, Status.VISITED]), other=True),
    Tab("closed", _("Closed"), Q(status=Status.CLOSED), other=True),
    Tab("cancelled", _("Cancelled"), Q(status=Status.CANCELLED), other=True),
]


TAB_BY_KEY = {tab.key: tab for tab in TABS}


SCOPES = {
    "all": _("All"), "created": _("Created by me"), "assigned": _("Assigned to me"),
    "collaborating": _("I collaborate on"),
}


def tab_condition(key):
    tab = TAB_BY_KEY.get(key or "all")
    if tab is None:
        raise ValidationFailed(details={"tab": [_("Unknown tab.")]})
    return tab.condition


def _statuses(condition):
    """The statuses a tab's condition selects: None for every status, False when it is not a status test."""
    if not condition.children:
        return None
    if len(condition.children) == 1 and not condition.negated and isinstance(condition.children[0], tuple):
        lookup, value = condition.children[0]
        if lookup == "status":
            return {value}
        if lookup == "status__in":
            return set(value)
    return False


def tab_counts(actor, base_qs=None):
    """{tab key: count}: one count per status (GROUP BY status, an index-only scan of the status indexes)
    from which the status tabs are summed, and one count per other tab (异常, a few rows by its index).
    One aggregate of nine conditional counts had to read every row; with 1,000,000 orders that is ~10x slower."""
    base_qs = (visible_work_orders(actor) if base_qs is None else base_qs).order_by()
    per_status = dict(base_qs.values_list("status").annotate(count=Count("*")))  # COUNT(*): no heap read
    counts = {}
    for tab in TABS:
        statuses = _statuses(tab.condition)
        if statuses is False:
            counts[tab.key] = base_qs.filter(tab.condition).count()
        else:
            counts[tab.key] = sum(n for status, n in per_status.items() if statuses is None or status in statuses)
    return counts


def scope_condition(actor, scope):
    if scope in (None, "", "all"):
        return Q()
    if scope == "created":
        return Q(created_by=actor)
    if scope == "assigned":
        return Q(assignee=actor)
    if scope == "collaborating":
        return Q(pk__in=Collaboration.objects.filter(user_id=actor.pk).values("workorder_id"))
    raise ValidationFailed(details={"scope": [_("Unknown scope.")]})


def filter_work_orders(actor, *, tab=None, scope=None, type_id=None, q=None, assignee_id=None, status=None,
                       customer_id=None, product_id=None, priority=None, fields=None, base_qs=None):
    """The list's filters (AND). `fields` filters custom fields of the chosen type through the engine."""
    qs = list_work_orders(actor) if base_qs is None else base_qs
    qs = qs.filter(scope_condition(actor, scope)).filter(tab_condition(tab) if tab else Q())
    if type_id is not None:
        qs = qs.filter(order_type_id=type_id)
    if q:
        q = q.strip()
        qs = qs.filter(Q(number__icontains=q) | Q(customer__name__icontains=q) | Q(customer__number__iexact=q)
                       | Q(contact_phone__contains=q))
    for column, value in (("assignee_id", assignee_id), ("customer_id", customer_id),
                          ("product_id", product_id), ("priority", priority)):
        if value is not None:
            qs = qs.filter(**{column: value})
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise ValidationFailed(details={"status": [_("Unknown status.")]})
        qs = qs.filter(status__in=statuses)
    if fields:
        qs = qs.filter(_custom_field_condition(type_id, fields))
    return qs


def _custom_field_condition(type_id, fields):
    if type_id is None:
        raise ValidationFailed(details={"type_id": [_("Choose a work-order type to filter by its fields.")]})
    order_type = WorkOrderType.objects.filter(pk=type_id).first()
    if order_type is None:
        raise ValidationFailed(details={"type_id": [_("Choose a valid option; that one does not exist.")]})
    return forms_engine.filter_q(forms_engine.get_schema(order_type.form_target), fields)


def timeline_of(order, limit=200):
    return timeline.entries_for(order, limit=limit)


def notes_of(order):
    return Note.objects.filter(order=order).select_related("author")


def order_approvals(order):
    return Approval.objects.filter(order=order).select_related("requested_by", "decided_by").prefetch_related(
        "approvers")


def pending_approval(order):
    return Approval.objects.filter(order=order, state=Approval.State.PENDING).first()


def component_entries(order, component):
    return list(ComponentEntry.objects.filter(order=order, component=component).select_related("created_by"))


RELATED_LIMIT = 10


def other_orders_of_product(actor, order, limit=RELATED_LIMIT):
    """Other orders of the same product (关联数据), newest first."""
    if order.product_id is None:
        return []
    return list(list_work_orders(actor).filter(product_id=order.product_id).exclude(pk=order.pk)
                .order_by("-created_at", "-pk")[:limit])


def orders_for(actor, *, customer=None, product=None, limit=RELATED_LIMIT):
    """(orders, total, open count) of a customer or a product within the actor's scope."""
    permissions.require(actor, "workorder.view")
    qs = list_work_orders(actor)
    qs = qs.filter(customer=customer) if customer is not None else qs.filter(product=product)
    counts = qs.order_by().aggregate(total=Count("pk"), open=Count("pk", filter=Q(status__in=flow.OPEN_STATUSES)))
    return list(qs.order_by("-created_at", "-pk")[:limit]), counts["total"], counts["open"]


def customer_for_tab(actor, pk):
    """The customer of a work-order tab, within the actor's customer scope (else NotFound)."""
    return permissions.get_visible_or_404(pickers.visible_customers(actor), pk=pk)


def product_for_tab(actor, pk):
    return permissions.get_visible_or_404(pickers.visible_products(actor), pk=pk)


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
        approval = pending_approval(order)
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


@dataclass
class TimeReport:
    per_status: dict = field(default_factory=dict)  # status -> seconds, pauses excluded
    paused_seconds: float = 0
    total_seconds: float = 0  # from creation to completion (or now), pauses excluded
    working_seconds: float = 0  # accepted + in progress, pauses excluded


def time_in_statuses(order, now=None):
    """Time spent in each status and in total, pauses excluded, from the order's StatusSpans."""
    now = now or timezone.now()
    report = TimeReport()
    for span in StatusSpan.objects.filter(order=order).order_by("started_at", "pk"):
        seconds = max(((span.ended_at or now) - span.started_at).total_seconds(), 0)
        if span.paused:
            report.paused_seconds += seconds
            continue
        report.per_status[span.status] = report.per_status.get(span.status, 0) + seconds
        if span.status in flow.OPEN_STATUSES:
            report.total_seconds += seconds
        if span.status in flow.WORKING_STATUSES:
            report.working_seconds += seconds
    return report


@dataclass
class TimeRow:
    status: str
    label: str
    seconds: float


def time_rows(order):
    """(rows per status in flow order, report) for the 用时 tab (WO-32)."""
    report = time_in_statuses(order)
    rows = [TimeRow(status, Status(status).label, seconds) for status, seconds in report.per_status.items()]
    order_of = {status: index for index, status in enumerate(Status.values)}
    rows.sort(key=lambda row: order_of.get(row.status, 99))
    return rows, report


def assignable_orders(actor):
    """The 待指派 list of the assign page (WO-07): pending orders in the actor's scope."""
    return list_work_orders(actor).filter(status__in=[Status.PENDING, Status.POOLED])


def pending_assignment_count(actor):
    return visible_work_orders(actor).filter(status=Status.PENDING).count()


def component_and_entry(order, component_id, entry_id):
    """An enabled component of the order's type and one of its entries on the order, or NotFound."""
    component = type_of_order_component(order, component_id)
    entry = next((e for e in component_entries(order, component) if e.pk == entry_id), None)
    if entry is None:
        raise NotFound()
    return component, entry
