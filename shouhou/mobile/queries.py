"""Reads the phone pages need on top of workorders.queries (architecture §4): counters, tabs, today's work.

Every work order read here starts from `workorders.queries.orders.visible_work_orders`, so a counter on the
phone never disagrees with the list or the detail behind it.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core import company_settings, permissions
from shouhou.core.errors import ValidationFailed
from shouhou.core.tenancy import require_tenant
from shouhou.workorders import flow
from shouhou.workorders.models import Receipt, Status
from shouhou.workorders.queries import approvals as approval_queries
from shouhou.workorders.queries import orders as order_queries
from shouhou.workorders.queries import pickers

OPEN = Q(status__in=flow.OPEN_STATUSES)

# MOB-11: the phone's tabs (key, label, condition), the first is the default
TABS = [
    ("open", _("Unfinished"), OPEN),
    ("assigned", _("Assigned"), Q(status=Status.ASSIGNED)),
    ("accepted", _("Accepted"), Q(status=Status.ACCEPTED)),
    ("in_progress", _("In progress"), Q(status=Status.IN_PROGRESS)),
]
# reached from the home counters; shown as a tab only while open
EXTRA_TABS = [
    ("pending", _("To be assigned"), Q(status=Status.PENDING)),
    ("exception", _("Exceptions"), order_queries.TAB_BY_KEY["exception"].condition),
]
TAB_CONDITIONS = {key: condition for key, _label, condition in [*TABS, *EXTRA_TABS]}
# the scope dropdown, narrowing the actor's data scope (全部 = everything the scope lets them see)
SCOPES = [
    ("assigned", _("Assigned to me")),
    ("collaborating", _("I collaborate on")),
    ("created", _("Created by me")),
    ("all", _("All")),
]


def default_scope(actor):
    """An engineer starts on their own orders; a dispatcher on everything they may see."""
    return "assigned" if permissions.has_perm(actor, "workorder.execute") else "all"


def scoped_orders(actor, *, scope, text=""):
    """The actor's orders narrowed by the scope dropdown and the search box (number, customer, phone)."""
    return order_queries.filter_work_orders(actor, scope=scope, q=text or None)


def tab_counts(orders):
    """{tab: count} of the phone's tabs, in one aggregate query."""
    return orders.order_by().aggregate(**{key: Count("pk", filter=cond) for key, cond in TAB_CONDITIONS.items()})


def tab_orders(orders, tab):
    if tab not in TAB_CONDITIONS:
        raise ValidationFailed(details={"tab": [_("Unknown tab.")]})
    return orders.filter(TAB_CONDITIONS[tab]).order_by("-created_at", "-pk")


def start_of_today():
    zone = ZoneInfo(require_tenant().time_zone or "Asia/Shanghai")
    return datetime.combine(timezone.localtime(timezone.now(), zone).date(), time.min, tzinfo=zone)


def finished_today(actor):
    """今日完成工单 (MOB-19): orders the actor completed since midnight in the company's time zone."""
    return order_queries.visible_work_orders(actor).filter(assignee=actor, finished_at__gte=start_of_today()).count()


def pending_approvals(actor):
    return approval_queries.approvals_inbox(actor, "pending").count()


def receipt_of(order):
    """The order's receipt (draft or submitted), or None; the order itself was read through its scope."""
    return Receipt.objects.filter(order=order).select_related("submitted_by").first()


# --- the customer picker of 新建工单 (MOB-12) ------------------------------------------------------------------

SERVED_LIMIT = 50


def customer_search_allowed():
    """客户管理设置 "移动端查询" (customer.mobile_search): may the phone search all customers?"""
    return bool(company_settings.get("customer.mobile_search"))


def served_customers(actor, limit=SERVED_LIMIT):
    """The customers the actor already serves — of work orders assigned to them or that they collaborate
    on — within their customer scope, the most recently ordered first. What the picker offers when
    customer search on the phone is off."""
    mine = order_queries.visible_work_orders(actor).filter(
        order_queries.scope_condition(actor, "assigned") | order_queries.scope_condition(actor, "collaborating"))
    latest = mine.filter(customer=OuterRef("pk")).order_by("-created_at", "-pk").values("created_at")[:1]
    return list(pickers.visible_customers(actor).filter(pk__in=mine.values("customer_id"))
                .annotate(last_ordered_at=Subquery(latest)).order_by("-last_ordered_at", "-pk")[:limit])


def component_tabs(order):
    """[(component, entries)] of the enabled add-on components of the order's type (WO-28)."""
    return [(component, order_queries.component_entries(order, component))
            for component in order.order_type.components.filter(is_enabled=True)]
