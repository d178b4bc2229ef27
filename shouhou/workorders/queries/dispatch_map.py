"""地图派单 (WO-25, issue 10): what the dispatch map, the assign dialog's map and the pool's map draw.

Every position is stored in WGS-84 and leaves here as the [lat, lng] the configured map draws
(`core.geo.map_point`: wgs84, gcj02 or bd09). People on the WOSET-D4 list (`workorder.hide_position_user_ids`)
are never in these answers: not as a point, not in a distance list.

- `map_orders(actor, show)`: the orders of the actor's scope with a position — to dispatch (待指派, 工单池)
  or every open one — and how many have none.
- `map_engineers(actor)`: the people the actor may give orders to (`pickers.assignable_users`), each at his
  fresh reported position or his team's location, with work status, open and today-done counts and when his
  phone last reported; one statement for the people, one grouped statement for the counts.
- `order_distances(actor, order)`: the ranked candidates (`candidates.ranked_candidates`) nearest first.
"""

from datetime import timedelta

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from shouhou.accounts.models import Team
from shouhou.core import company_settings, geo

from .. import policy
from ..models import Status
from . import candidates as candidate_queries
from . import pickers
from .orders import visible_work_orders
from .pool import pool_list

TO_DISPATCH = [Status.PENDING, Status.POOLED]
OPEN_STATUSES = [Status.PENDING, Status.POOLED, Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS]
SHOW_CHOICES = ("dispatch", "open")
MAP_LIMIT = 500


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def order_point(order, *, actor=None, with_actions=False):
    """One order as the maps draw it."""
    row = {
        "id": order.pk, "number": order.number, "customer": order.customer.name, "address": order.address_text,
        "status": order.status, "status_label": str(order.get_status_display()),
        "priority": order.priority, "priority_label": str(order.get_priority_display()),
        "planned_at": _when(order.planned_at), "assignee": order.assignee.name if order.assignee_id else "",
        "point": geo.map_point(order.latitude, order.longitude),
        "url": reverse("workorders:detail", args=[order.pk]),
    }
    if with_actions:
        row["version"] = order.version
        row["assignable"] = "assign" in policy.allowed_actions(actor, order)
    return row


def map_orders(actor, show="dispatch"):
    """{"orders": [...], "unlocated": n}: the orders of the actor's scope to show on the dispatch map."""
    statuses = OPEN_STATUSES if show == "open" else TO_DISPATCH
    orders = visible_work_orders(actor).filter(status__in=statuses)
    located = (orders.filter(latitude__isnull=False, longitude__isnull=False)
               .select_related("customer", "assignee", "order_type").order_by("planned_at", "-created_at", "pk"))
    return {"orders": [order_point(order, actor=actor, with_actions=True) for order in located[:MAP_LIMIT]],
            "unlocated": orders.filter(latitude__isnull=True).count()}


def fresh_after():
    return timezone.now() - timedelta(hours=float(company_settings.get("workorder.position_fresh_hours") or 0))


def map_engineers(actor):
    """{"engineers": [...], "unlocated": n}: the people the actor may assign, where they are (never anyone on
    the hidden-position list)."""
    located = Team.objects.filter(members=OuterRef("pk"), latitude__isnull=False, longitude__isnull=False).order_by(
        "sort_order", "pk")
    users = list(pickers.assignable_users(actor).exclude(pk__in=candidate_queries.hidden_position_ids()).annotate(
        team_latitude=Subquery(located.values("latitude")[:1]),
        team_longitude=Subquery(located.values("longitude")[:1]),
        team_name=Subquery(located.values("name")[:1]),
    ).select_related("work_status")[:MAP_LIMIT])
    counts = pickers.today_counts([user.pk for user in users])
    since = fresh_after()
    rows, unlocated = [], 0
    for user in users:
        if user.last_latitude is not None and user.last_located_at and user.last_located_at >= since:
            point, source = geo.map_point(user.last_latitude, user.last_longitude), "reported"
        elif user.team_latitude is not None:
            point, source = geo.map_point(user.team_latitude, user.team_longitude), "team"
        else:
            unlocated += 1
            continue
        status = user.work_status if user.work_status_id else None
        load = counts.get(user.pk, {})
        rows.append({
            "id": user.pk, "name": user.name, "point": point, "source": source,
            "team": user.team_name or "",
            "work_status": status.name if status else "", "status_color": status.color if status else "",
            "open": load.get("open", 0), "done_today": load.get("done", 0),
            "last_seen": _when(user.last_located_at),
        })
    return {"engineers": rows, "unlocated": unlocated}


def order_distances(actor, order, ranked=None):
    """The order's candidates with a known position, nearest first (then best score): the list beside the
    map and the dialog's map (which passes the `ranked` candidates it has already). Hidden people (WOSET-D4)
    are left out."""
    rows = []
    for candidate in ranked if ranked is not None else candidate_queries.ranked_candidates(actor, order):
        if candidate.position_source in ("hidden", "") or candidate.position is None:
            continue
        user = candidate.user
        rows.append({
            "user_id": user.pk, "name": user.name, "distance_km": candidate.distance_km,
            "distance_kind": candidate.distance_kind, "score": candidate.score, "source": candidate.position_source,
            "open_orders_today": candidate.open_orders_today,
            "open_orders_week": candidate.open_orders_week, "clashes": candidate.clashes,
            "work_status": candidate.work_status or "",
            "status_color": user.work_status.color if user.work_status_id and user.work_status else "",
            "point": geo.map_point(*candidate.position),
            "reasons": [str(reason) for reason in candidate.reasons],
        })
    rows.sort(key=lambda row: (row["distance_km"] is None, row["distance_km"] or 0, -row["score"], row["name"]))
    return rows


def pool_points(actor, origin=None):
    """The pool's map view (console and phone): the claimable orders with a position (with their straight-line
    distance from `origin`, a WGS-84 (lat, lng), when given), and how many have none."""
    orders = pool_list(actor)
    located = orders.filter(latitude__isnull=False, longitude__isnull=False).select_related("customer", "assignee")
    rows = []
    for order in located[:MAP_LIMIT]:
        row = order_point(order)
        if origin is not None:
            row["distance_km"] = round(geo.distance_km(*origin, order.latitude, order.longitude), 1)
        rows.append(row)
    if origin is not None:
        rows.sort(key=lambda row: row["distance_km"])
    return {"orders": rows, "unlocated": orders.filter(latitude__isnull=True).count()}
