"""Ranked candidates (派单推荐, issue 10): for one order, the people who could take it, best first, each
with the reasons in words. The console's assign dialog, the phone's transfer picker and
`GET /api/v1/work-orders/{id}/candidates` all use `ranked_candidates`.

Who: `pickers.assignable_users` (active colleagues with work-order access; WOSET-D3 hidden work statuses,
WOSET-D1 dispatch by team, ACC-06 启用按服务团队派单 and 隐藏非团队内成员), minus the current assignee,
minus anyone missing one of the skills the order's type requires.

Ranking (score 0…100, higher first; ties by distance, then name):
- distance from the order's address to the person's position: his last reported position when fresher
  than `workorder.position_fresh_hours` (default 4 h), else the location of his first team that has one.
  Straight-line (haversine) for everyone; when road distances are configured (settings.MAPS_ROAD_DISTANCE,
  default on when a map key is set) the best ROAD_TOP are re-measured by road through the map adapter.
  Unknown distance costs UNKNOWN_DISTANCE_PENALTY. People on the WOSET-D4 hidden list
  (`workorder.hide_position_user_ids`) are ranked as if their position were unknown and are never shown
  with a position or a distance.
- load: his open orders (已指派/已接受/进行中) planned today and this week (company time zone);
- clashes: his open orders planned within CLASH_WINDOW of this order's planned time.

Statements: the people (one statement, team location as subqueries), the required skills, and ONE grouped
query for every candidate's loads and clashes — never one per person.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.accounts.models import Team, User
from shouhou.core import company_settings, geo
from shouhou.core.tenancy import require_tenant

from ..models import WorkOrder
from .pickers import OPEN_WORK, assignable_users

CLASH_WINDOW = timedelta(hours=2)
ROAD_TOP = 10
MAX_CANDIDATES = 500
DISTANCE_WEIGHT = 0.5  # points per km, up to DISTANCE_CAP km
DISTANCE_CAP = 100
UNKNOWN_DISTANCE_PENALTY = 30
TODAY_WEIGHT = 10
WEEK_WEIGHT = 2
CLASH_WEIGHT = 40


@dataclass
class RankedCandidate:
    user: User
    score: float
    distance_km: float | None
    distance_kind: str  # "road", "straight" or "" (unknown / hidden)
    position_source: str  # "reported", "team", "hidden" or ""
    open_orders_today: int
    open_orders_week: int
    clashes: int
    work_status: str | None
    reasons: list = field(default_factory=list)
    position: tuple | None = None

    @property
    def user_id(self):
        return self.user.pk

    @property
    def name(self):
        return self.user.name


def required_skills(order_type):
    return list(order_type.required_skills.order_by("sort_order", "pk").values_list("pk", "name"))


def eligible_users(actor, order, orders=()):
    """The people the order may go to: assignable (which includes every required skill), not its assignee.
    For a batch (`orders`, `order` among them) the people EVERY selected order may go to."""
    users = assignable_users(actor, orders=orders) if orders else assignable_users(actor, order)
    if order.assignee_id:
        users = users.exclude(pk=order.assignee_id)
    return users


def ranked_candidates(actor, order, *, search="", limit=None, orders=()):
    """The candidates of `order` for `actor`, best first (see the module docstring). A batch (批量指派) passes
    its `orders`: the people every one of them may go to, ranked against `order` (the first of them)."""
    skills = required_skills(order.order_type)
    users = eligible_users(actor, order, orders)
    search = (search or "").strip()
    if search:
        users = users.filter(Q(name__icontains=search) | Q(phone__contains=search))
    located = Team.objects.filter(members=OuterRef("pk"), latitude__isnull=False, longitude__isnull=False).order_by(
        "sort_order", "pk")
    rows = list(users.annotate(
        team_latitude=Subquery(located.values("latitude")[:1]),
        team_longitude=Subquery(located.values("longitude")[:1]),
        team_name=Subquery(located.values("name")[:1]),
    ).select_related("work_status")[:MAX_CANDIDATES])
    loads = _loads(order, [user.pk for user in rows])
    hidden = {int(pk) for pk in company_settings.get("workorder.hide_position_user_ids") or [] if str(pk).isdigit()}
    fresh_after = timezone.now() - timedelta(hours=float(company_settings.get("workorder.position_fresh_hours") or 0))
    skill_names = "、".join(name for _pk, name in skills)
    ranked = []
    for user in rows:
        candidate = _measure(order, user, hidden, fresh_after)
        load = loads.get(user.pk, {})
        candidate.open_orders_today = load.get("today", 0)
        candidate.open_orders_week = load.get("week", 0)
        candidate.clashes = load.get("clash", 0)
        ranked.append(candidate)
    if _road_distances():
        nearest = sorted((c for c in ranked if c.distance_km is not None), key=lambda c: c.distance_km)
        _measure_roads(order, nearest[:ROAD_TOP])
    for candidate in ranked:
        _score(candidate, order, skill_names)
    ranked.sort(key=_order_key)
    return ranked[:limit] if limit else ranked


def ranked_for_new_order(actor, order_type, *, customer=None, latitude=None, longitude=None, planned_at=None,
                         search="", limit=None):
    """The ranking for an order not saved yet (the new-order pages' 负责人 picker): a draft of it with its
    type (required skills, the type's teams), customer (its service team), position and planned time."""
    draft = WorkOrder(order_type=order_type, latitude=latitude, longitude=longitude, planned_at=planned_at)
    if customer is not None:
        draft.customer = customer
    return ranked_candidates(actor, draft, search=search, limit=limit)


def first_of(orders):
    """The order a batch is ranked against: the earliest created (the 待指派 list's first row)."""
    return min(orders, key=lambda order: (order.created_at, order.pk))


def _order_key(candidate):
    distance = candidate.distance_km if candidate.distance_km is not None else float("inf")
    return (-candidate.score, distance, candidate.user.name, candidate.user.pk)


def _measure(order, user, hidden, fresh_after):
    status = user.work_status.name if user.work_status_id and user.work_status else None
    candidate = RankedCandidate(user=user, score=0, distance_km=None, distance_kind="", position_source="",
                                open_orders_today=0, open_orders_week=0, clashes=0, work_status=status)
    if user.pk in hidden:
        candidate.position_source = "hidden"
        return candidate
    if user.last_latitude is not None and user.last_located_at and user.last_located_at >= fresh_after:
        position, candidate.position_source = (user.last_latitude, user.last_longitude), "reported"
    elif user.team_latitude is not None:
        position, candidate.position_source = (user.team_latitude, user.team_longitude), "team"
    else:
        return candidate
    candidate.position = (float(position[0]), float(position[1]))
    if order.latitude is not None and order.longitude is not None:
        candidate.distance_km = round(geo.distance_km(order.latitude, order.longitude, *candidate.position), 2)
        candidate.distance_kind = "straight"
    return candidate


def _road_distances():
    configured = getattr(settings, "MAPS_ROAD_DISTANCE", None)
    return bool(getattr(settings, "MAPS_AMAP_KEY", "")) if configured is None else bool(configured)


def _measure_roads(order, nearest):
    """Re-measure the nearest few by road through the map adapter (straight line kept when it fails)."""
    adapter = geo.maps()
    destination = (float(order.latitude), float(order.longitude)) if order.latitude is not None else None
    for candidate in nearest:
        if destination is None or candidate.distance_km is None:
            continue
        road = adapter.road_distance_km(candidate.position, destination)
        if road is not None:
            candidate.distance_km, candidate.distance_kind = round(float(road), 2), "road"


def _loads(order, user_ids):
    """{user id: {"today", "week", "clash"}}: ONE grouped query over the candidates' open orders."""
    if not user_ids:
        return {}
    tenant = require_tenant()
    zone = ZoneInfo(tenant.time_zone or "Asia/Shanghai")
    today = timezone.localtime(timezone.now(), zone).date()
    day_start = datetime.combine(today, time.min, tzinfo=zone)
    week_start = datetime.combine(today - timedelta(days=today.weekday()), time.min, tzinfo=zone)
    counts = {
        "today": Count("pk", filter=Q(planned_at__gte=day_start, planned_at__lt=day_start + timedelta(days=1))),
        "week": Count("pk", filter=Q(planned_at__gte=week_start, planned_at__lt=week_start + timedelta(days=7))),
    }
    if order.planned_at:
        counts["clash"] = Count("pk", filter=Q(planned_at__gt=order.planned_at - CLASH_WINDOW,
                                               planned_at__lt=order.planned_at + CLASH_WINDOW))
    rows = (WorkOrder.objects.filter(assignee_id__in=user_ids, status__in=OPEN_WORK).exclude(pk=order.pk)
            .order_by().values("assignee_id").annotate(**counts))
    return {row["assignee_id"]: row for row in rows}


def _score(candidate, order, skill_names):
    penalty = 0.0
    reasons = []
    if candidate.position_source == "hidden":
        penalty += UNKNOWN_DISTANCE_PENALTY
        reasons.append(_("Position hidden"))
    elif candidate.distance_km is not None:
        penalty += min(candidate.distance_km, DISTANCE_CAP) * DISTANCE_WEIGHT
        kind = _("by road") if candidate.distance_kind == "road" else _("straight line")
        source = (_("last reported position") if candidate.position_source == "reported"
                  else _("team location (%(team)s)") % {"team": candidate.user.team_name})
        reasons.append(_("%(km)s km away (%(kind)s, from the %(source)s)") % {
            "km": f"{candidate.distance_km:.1f}", "kind": kind, "source": source})
    elif order.latitude is None:
        penalty += UNKNOWN_DISTANCE_PENALTY
        reasons.append(_("Distance unknown: the order's address has no position"))
    else:
        penalty += UNKNOWN_DISTANCE_PENALTY
        reasons.append(_("Distance unknown: no recent position and no team location"))
    penalty += candidate.open_orders_today * TODAY_WEIGHT + candidate.open_orders_week * WEEK_WEIGHT
    reasons.append(_("%(today)d open orders today, %(week)d this week") % {
        "today": candidate.open_orders_today, "week": candidate.open_orders_week})
    if skill_names:
        reasons.append(_("Has the required skills: %(skills)s") % {"skills": skill_names})
    if candidate.clashes:
        penalty += candidate.clashes * CLASH_WEIGHT
        reasons.append(_("Planned-time clash: %(n)d open orders within 2 hours of this one") % {
            "n": candidate.clashes})
    candidate.score = round(max(0.0, 100.0 - penalty), 1)
    candidate.reasons = reasons
