"""The work-order pool (工单池, WO-23; WOSET-P5, P7): the pooled orders an actor sees and may claim, the
pool's counters, and the claims an engineer made on the company's day."""

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.accounts.models import Team
from shouhou.core import company_settings, working_hours
from shouhou.core.tenancy import require_tenant

from ..models import PoolClaim, Status, WorkOrder

POOL_TOPIC = "workorders.pool"  # 订阅 the pool (messaging.subscriptions)


def subscribers_of(order, *, each_new=False):
    """The pool's subscribers to tell about `order`: those whose part of the pool holds it (P5)."""
    from shouhou.messaging import subscriptions

    return [user for user in subscriptions.subscribers(POOL_TOPIC, each_new=each_new) if in_partition(user, order)]


def team_partition_ids(user):
    """WOSET-P5: the teams whose customers' orders the user may claim — his teams (member or leader) and
    every team above them (a customer served by a parent team is served by its sub-teams too)."""
    own = set(Team.objects.filter(Q(members=user) | Q(leaders=user)).values_list("pk", flat=True))
    if not own:
        return set()
    parents = dict(Team.objects.values_list("pk", "parent_id"))
    ids = set()
    for team_id in own:
        while team_id is not None and team_id not in ids:
            ids.add(team_id)
            team_id = parents.get(team_id)
    return ids


def partition_filter(user):
    """Q of the orders the user's pool holds: everything, or with P5 on, orders of customers without a
    service team or served by one of his teams."""
    if not company_settings.get("workorder.pool_by_team"):
        return Q()
    return Q(customer__service_team__isnull=True) | Q(customer__service_team_id__in=team_partition_ids(user))


def pooled_orders():
    """Every pooled order of the company (the dispatcher's view)."""
    return WorkOrder.objects.filter(status=Status.POOLED)


def claimable_orders(user):
    """The pooled orders the user sees and may claim (GET /api/v1/pool, the phone's pool)."""
    return pooled_orders().filter(partition_filter(user))


def pool_list(user):
    """What the pool page shows: claimable orders with what a row shows, newest first."""
    return (claimable_orders(user).select_related("order_type", "customer", "product", "service_type",
                                                   "service_content").order_by("-created_at", "-pk"))


def in_partition(user, order):
    """The order is in the user's part of the pool (P5)."""
    if not company_settings.get("workorder.pool_by_team") or order.customer.service_team_id is None:
        return True
    return order.customer.service_team_id in team_partition_ids(user)


def daily_cap():
    """WOSET-P7: the most claims per person on the company's day; 0 means no limit."""
    return int(company_settings.get("workorder.pool_daily_cap") or 0)


def cap_message(cap):
    return _("You have reached today's limit of %(cap)d claims.") % {"cap": cap}


def claim_refusal(actor, order):
    """Why this order is not the actor's to claim now although he may claim (P5 partition, P7 cap), or None."""
    if not in_partition(actor, order):
        return _("This work order is not in your part of the pool.")
    cap = daily_cap()
    if cap and claims_today(actor) >= cap:
        return cap_message(cap)
    return None


def company_day(now=None):
    """[start, end) of the company's current day in its time zone."""
    zone = working_hours.zone_of(require_tenant())
    local = timezone.localtime(now or timezone.now(), zone)
    start = datetime.combine(local.date(), time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def claims_today(user=None, now=None):
    """Claims made on the company's day (by `user`, or by everybody)."""
    start, end = company_day(now)
    claims = PoolClaim.objects.filter(claimed_at__gte=start, claimed_at__lt=end)
    if user is not None:
        claims = claims.filter(user=user)
    return claims.count()


def pool_counts(user, now=None):
    """The pool page's KPI cards: 待接受工单, 超时工单, today's claims."""
    orders = claimable_orders(user)
    return {"waiting": orders.count(), "overdue": orders.filter(is_overdue=True).count(),
            "claimed_today": claims_today(now=now)}


# --- who hears of a newly published order (WOSET-P2, P3) ----------------------------------------------------

def position_of(user, teams_by_user, now, max_age_hours):
    """The user's position: the last one his phone reported when fresher than `max_age_hours`, else his
    first team's location with coordinates; None when neither is known."""
    fresh = now - timedelta(hours=max_age_hours)
    if user.last_latitude is not None and user.last_located_at is not None and user.last_located_at >= fresh:
        return user.last_latitude, user.last_longitude
    for team in teams_by_user.get(user.pk, ()):
        if team.latitude is not None and team.longitude is not None:
            return team.latitude, team.longitude
    return None


def pool_notify_recipients(order, *, exclude_id=None, now=None):
    """[(user, distance_km or None)] to tell of a newly published order: the active people who handle work
    orders and whose part of the pool holds it (P5), within P2 km of the order (nearest first), at most P3 of
    them; 0 means no limit. Without a radius, people with no known position come last; with one, only
    people with a position within it. An order without coordinates has no distances."""
    from shouhou.accounts.models import User
    from shouhou.core import geo, permissions

    now = now or timezone.now()
    radius = float(company_settings.get("workorder.pool_notify_km") or 0)
    limit = int(company_settings.get("workorder.pool_notify_max") or 0)
    max_age = float(company_settings.get("workorder.position_fresh_hours") or 4)
    users = [user for user in User.objects.filter(is_active=True).exclude(pk=exclude_id).select_related("tenant")
             if permissions.has_perm(user, "workorder.execute")]
    if company_settings.get("workorder.pool_by_team") and order.customer.service_team_id is not None:
        users = [user for user in users if order.customer.service_team_id in team_partition_ids(user)]
    teams_by_user = {}
    memberships = Team.members.through.objects.filter(user_id__in=[user.pk for user in users]).select_related("team")
    for row in memberships.order_by("team__sort_order", "team_id"):
        teams_by_user.setdefault(row.user_id, []).append(row.team)
    has_point = order.latitude is not None and order.longitude is not None
    ranked = []
    for user in users:
        position = position_of(user, teams_by_user, now, max_age) if has_point else None
        distance = geo.distance_km(order.latitude, order.longitude, *position) if position else None
        if radius and has_point and (distance is None or distance > radius):
            continue
        ranked.append((user, distance))
    ranked.sort(key=lambda pair: (pair[1] is None, pair[1] or 0, pair[0].pk))
    return ranked[:limit] if limit else ranked
