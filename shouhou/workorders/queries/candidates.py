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

Every eligible person is ranked (up to MAX_PEOPLE); the best MAX_CANDIDATES (or `limit`) are answered, each
with its User (USER_FIELDS, work status attached) and its reasons.

Statements: the required skills, the roles with access, the people (one statement: plain rows with the work
status joined), the located teams and their memberships (each team's location read once, not once per
person), and ONE grouped query for every candidate's loads and clashes (an index-only scan of
wo_open_by_assignee) — never one per person. Speed: bench/candidates.py (docs/benchmarks.md).
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.accounts.models import Team, User, WorkStatus
from shouhou.core import company_settings, geo
from shouhou.core.tenancy import require_tenant

from ..models import WorkOrder
from .pickers import OPEN_WORK, assignable_users

CLASH_WINDOW = timedelta(hours=2)
LOADS_BY_ID = 200  # up to this many candidates, their loads are read by their ids; more, the company's at once
ROAD_TOP = 10
MAX_PEOPLE = 5000  # the most people read and ranked (a bound; the bench company has 2,000 engineers)
MAX_CANDIDATES = 500  # the most candidates answered: the best ones
DISTANCE_WEIGHT = 0.5  # points per km, up to DISTANCE_CAP km
DISTANCE_CAP = 100
UNKNOWN_DISTANCE_PENALTY = 30
TODAY_WEIGHT = 10
WEEK_WEIGHT = 2
CLASH_WEIGHT = 40
# what a candidate's User carries (the others are deferred: the password, the login counters, the timestamps —
# each timestamp of 2,000 rows costs ~3 ms to convert); what its work status carries
USER_FIELDS = ["id", "tenant_id", "account", "name", "phone", "email", "service_phone", "job_title", "is_active",
               "work_status_id", "language", "last_latitude", "last_longitude", "last_located_at"]
STATUS_FIELDS = ["id", "tenant_id", "name", "color", "sort_order"]


@dataclass(slots=True)  # 1,463 made per ranking: slots make them cheaper to make and read
class RankedCandidate:
    user: User | None  # set for the answered candidates (the best MAX_CANDIDATES or `limit`)
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
    row: tuple = ()  # the person's row: USER_FIELDS, the located team, STATUS_FIELDS
    team_name: str | None = None

    @property
    def user_id(self):
        return self.row[_PK] if self.row else self.user.pk

    @property
    def name(self):
        return self.row[_NAME] if self.row else self.user.name


_PK, _NAME = USER_FIELDS.index("id"), USER_FIELDS.index("name")
_LAT, _LNG, _AT = (USER_FIELDS.index(name) for name in ("last_latitude", "last_longitude", "last_located_at"))
_TEAM = len(USER_FIELDS)
_STATUS = _TEAM + 1


def hidden_position_ids():
    """WOSET-D4: the ids of the people whose position is never shown (on any map, in any distance)."""
    return {int(pk) for pk in company_settings.get("workorder.hide_position_user_ids") or [] if str(pk).isdigit()}


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
    """The candidates of `order` for `actor`, best first (see the module docstring): every eligible person is
    ranked (up to MAX_PEOPLE, by name), the best `limit` (at most MAX_CANDIDATES) are answered.

    The people are read as plain rows and only the answered ones become User objects with their reasons:
    ranking 2,000 engineers this way costs a few milliseconds, making 2,000 model instances ~40
    (bench/candidates.py). A batch (批量指派) passes its `orders`: the people every one of them may go to,
    ranked against `order` (the first of them)."""
    skills = required_skills(order.order_type)
    users = eligible_users(actor, order, orders)
    search = (search or "").strip()
    if search:
        users = users.filter(Q(name__icontains=search) | Q(phone__contains=search))
    people = list(users.values_list(*USER_FIELDS, *(f"work_status__{name}" for name in STATUS_FIELDS))[:MAX_PEOPLE])
    teams = first_located_teams()
    # each row: USER_FIELDS, the first located team, STATUS_FIELDS
    rows = [(*person[:_TEAM], teams.get(person[_PK]), *person[_TEAM:]) for person in people]
    loads = _loads(order, [row[_PK] for row in rows])
    hidden = hidden_position_ids()
    fresh_after = timezone.now() - timedelta(hours=float(company_settings.get("workorder.position_fresh_hours") or 0))
    ranked = []
    for row in rows:
        candidate = _measure(order, row, hidden, fresh_after)
        load = loads.get(row[_PK])
        if load:
            candidate.open_orders_today = load["today"]
            candidate.open_orders_week = load["week"]
            candidate.clashes = load.get("clash", 0)
        ranked.append(candidate)
    if _road_distances():
        nearest = sorted((c for c in ranked if c.distance_km is not None), key=lambda c: c.distance_km)
        _measure_roads(order, nearest[:ROAD_TOP])
    for candidate in ranked:
        candidate.score = _score(candidate)
    ranked.sort(key=_order_key)
    del ranked[min(limit or MAX_CANDIDATES, MAX_CANDIDATES):]
    words = _words("、".join(name for _pk, name in skills))
    statuses = {}
    for candidate in ranked:
        candidate.user = _user(candidate, statuses)
        candidate.reasons = _reasons(candidate, order, words)
    return ranked


def first_located_teams():
    """{user id: {"latitude", "longitude", "name"}} of each member's first team (by sort order) that has a
    location: the located teams read once (a company has tens), then their memberships (two statements; a
    subquery per person cost ~60 % of the people statement for 2,000 engineers, bench/candidates.py)."""
    teams = {pk: {"latitude": float(latitude), "longitude": float(longitude), "name": name}
             for pk, latitude, longitude, name in Team.objects.filter(latitude__isnull=False, longitude__isnull=False)
             .order_by("sort_order", "pk").values_list("pk", "latitude", "longitude", "name")}
    if not teams:
        return {}
    rank = {pk: index for index, pk in enumerate(teams)}
    first = {}
    for user_id, team_id in Team.members.through.objects.filter(team_id__in=list(teams)).values_list(
            "user_id", "team_id"):
        if user_id not in first or rank[team_id] < rank[first[user_id]]:
            first[user_id] = team_id
    return {user_id: teams[team_id] for user_id, team_id in first.items()}


def _user(candidate, statuses):
    """The User of a row (USER_FIELDS, the rest deferred; the work status attached), as the ORM would make it."""
    row = candidate.row
    user = User.from_db(DEFAULT_DB_ALIAS, USER_FIELDS, row[:_TEAM])
    status_id = row[_STATUS + STATUS_FIELDS.index("id")]
    if status_id is not None and status_id not in statuses:
        statuses[status_id] = WorkStatus.from_db(DEFAULT_DB_ALIAS, STATUS_FIELDS, row[_STATUS:])
    User.work_status.field.set_cached_value(user, statuses.get(status_id))
    team = row[_TEAM] or {}
    user.team_latitude, user.team_longitude, user.team_name = team.get("latitude"), team.get("longitude"), team.get(
        "name")
    return user


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
    return (-candidate.score, distance, candidate.row[_NAME], candidate.row[_PK])


def _measure(order, row, hidden, fresh_after):
    status = row[_STATUS + STATUS_FIELDS.index("name")]
    candidate = RankedCandidate(user=None, score=0, distance_km=None, distance_kind="", position_source="",
                                open_orders_today=0, open_orders_week=0, clashes=0, work_status=status, row=row)
    if row[_PK] in hidden:
        candidate.position_source = "hidden"
        return candidate
    team = row[_TEAM]
    if row[_LAT] is not None and row[_AT] and row[_AT] >= fresh_after:
        position, candidate.position_source = (row[_LAT], row[_LNG]), "reported"
    elif team and team.get("latitude") is not None:
        position, candidate.position_source = (team["latitude"], team["longitude"]), "team"
        candidate.team_name = team.get("name")
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
    """{user id: {"today", "week", "clash"}}: ONE grouped query over the open orders with a planned time (the
    only ones any count can include)."""
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
    # the open orders with a planned time (no count includes the others): an index-only scan of the partial
    # index wo_open_by_assignee. A few candidates (a search) are named; many are not — 1,463 ids cost ~40 ms
    # to send as parameters, while the company's ~18,000 index entries cost PostgreSQL ~2 ms more to read
    # (bench/candidates.py); the others' counts are dropped here
    rows = WorkOrder.objects.filter(status__in=OPEN_WORK, planned_at__isnull=False)
    if len(user_ids) <= LOADS_BY_ID:
        rows = rows.filter(assignee_id__in=user_ids)
    else:
        rows = rows.filter(assignee_id__isnull=False)
    rows = rows.exclude(pk=order.pk).order_by().values_list("assignee_id").annotate(**counts)
    wanted, names = set(user_ids), list(counts)
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows if row[0] in wanted}


def _words(skill_names):
    """The reasons' words, translated once per ranking (not once per candidate: 2,000 people, 10,000 calls)."""
    return {
        "hidden": _("Position hidden"),
        "road": _("by road"),
        "straight": _("straight line"),
        "reported": _("last reported position"),
        "team": _("team location (%(team)s)"),
        "away": _("%(km)s km away (%(kind)s, from the %(source)s)"),
        "no_order_position": _("Distance unknown: the order's address has no position"),
        "unknown": _("Distance unknown: no recent position and no team location"),
        "load": _("%(today)d open orders today, %(week)d this week"),
        "skills": _("Has the required skills: %(skills)s") % {"skills": skill_names} if skill_names else "",
        "clash": _("Planned-time clash: %(n)d open orders within 2 hours of this one"),
    }


def _score(candidate):
    if candidate.position_source == "hidden" or candidate.distance_km is None:
        penalty = UNKNOWN_DISTANCE_PENALTY
    else:
        penalty = min(candidate.distance_km, DISTANCE_CAP) * DISTANCE_WEIGHT
    penalty += (candidate.open_orders_today * TODAY_WEIGHT + candidate.open_orders_week * WEEK_WEIGHT
                + candidate.clashes * CLASH_WEIGHT)
    return round(max(0.0, 100.0 - penalty), 1)


def _reasons(candidate, order, words):
    reasons = []
    if candidate.position_source == "hidden":
        reasons.append(words["hidden"])
    elif candidate.distance_km is not None:
        kind = words["road"] if candidate.distance_kind == "road" else words["straight"]
        source = (words["reported"] if candidate.position_source == "reported"
                  else words["team"] % {"team": candidate.team_name})
        reasons.append(words["away"] % {"km": f"{candidate.distance_km:.1f}", "kind": kind, "source": source})
    elif order.latitude is None:
        reasons.append(words["no_order_position"])
    else:
        reasons.append(words["unknown"])
    reasons.append(words["load"] % {"today": candidate.open_orders_today, "week": candidate.open_orders_week})
    if words["skills"]:
        reasons.append(words["skills"])
    if candidate.clashes:
        reasons.append(words["clash"] % {"n": candidate.clashes})
    return reasons
