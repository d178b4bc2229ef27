"""What the home pages (console `/` and phone `/m/`) count about work orders, in ONE statement (issue 15).

Every figure is about open orders (待指派 … 进行中), so the count reads the open rows only (the status index)
however many finished orders the company has. Two sets are counted:

- "mine": the open orders assigned to the actor — what a field engineer must act on;
- "scope": the open orders of the actor's data scope (own / team / all) — what a dispatcher or manager
  watches. `attention_set` says which of the two the act-now figures (超时, 即将超时, 今日计划) cover.

Each figure has the link of the work-order list (console) that shows exactly the counted rows, built from
the list's own parameters (tab, scope, f_open, f_flag, f_deadline, f_planned_from/to).
"""

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core import permissions

from .. import flow
from ..models import Status
from .orders import visible_work_orders

DUE_SOON = timedelta(hours=24)  # 即将超时: the node's deadline falls within the next 24 hours

SCOPE_LABELS = {
    permissions.SCOPE_OWN: _("Work orders I created, handle or collaborate on"),
    permissions.SCOPE_TEAM: _("Work orders of my teams"),
    permissions.SCOPE_ALL: _("All work orders of the company"),
}


def today_range(now=None):
    """[start, end) of today in the current time zone: what the list's date filters call a day."""
    local = timezone.localtime(now or timezone.now())
    start = datetime.combine(local.date(), time.min, tzinfo=local.tzinfo)
    return start, start + timedelta(days=1)


def due_soon_condition(now=None):
    now = now or timezone.now()
    return Q(is_overdue=False, deadline_at__gt=now, deadline_at__lte=now + DUE_SOON)


def attention_set(actor):
    """"scope" for those who dispatch (their act-now figures cover what they dispatch), else "mine"."""
    return "scope" if permissions.has_perm(actor, "workorder.assign") else "mine"


def scope_label(actor):
    return SCOPE_LABELS.get(permissions.data_scope(actor, "workorder"), "")


def figures(actor, now=None):
    """{name: count} of the open orders the home pages show, in one aggregate statement."""
    now = now or timezone.now()
    start, end = today_range(now)
    mine = Q(assignee_id=actor.pk)
    overdue, due_soon, planned_today = Q(is_overdue=True), due_soon_condition(now), Q(planned_at__gte=start,
                                                                                      planned_at__lt=end)
    counts = {
        "open": Count("pk"),
        "pending": Count("pk", filter=Q(status=Status.PENDING)),
        "in_progress": Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        "exception": Count("pk", filter=Q(is_exception=True)),
        "overdue": Count("pk", filter=overdue),
        "due_soon": Count("pk", filter=due_soon),
        "planned_today": Count("pk", filter=planned_today),
        "mine_open": Count("pk", filter=mine),
        "mine_overdue": Count("pk", filter=mine & overdue),
        "mine_due_soon": Count("pk", filter=mine & due_soon),
        "mine_planned_today": Count("pk", filter=mine & planned_today),
    }
    return (visible_work_orders(actor).filter(status__in=flow.OPEN_STATUSES).order_by()
            .aggregate(**counts))


def planned_today(actor, which, limit=5, now=None):
    """The open orders planned for today (of `which`: "mine" or "scope"), earliest first."""
    start, end = today_range(now)
    orders = visible_work_orders(actor).filter(status__in=flow.OPEN_STATUSES, planned_at__gte=start,
                                               planned_at__lt=end)
    if which == "mine":
        orders = orders.filter(assignee_id=actor.pk)
    return list(orders.select_related("customer", "order_type").order_by("planned_at", "pk")[:limit])


def list_url(which, now=None, **params):
    """The console list of the open orders of `which` ("mine" / "scope") narrowed by `params`."""
    query = {"tab": params.pop("tab", "all"), "scope": "assigned" if which == "mine" else "all"}
    if query["tab"] == "all":
        query["f_open"] = "1"
    if params.pop("today", False):
        day = timezone.localdate(now)
        query.update(f_planned_from=day.isoformat(), f_planned_to=day.isoformat())
    query.update(params)
    return f"{reverse('workorders:list')}?{urlencode(query)}"
