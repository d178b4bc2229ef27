"""The work-order pool (工单池, WO-23; WOSET-P5, P7): the pooled orders an actor sees and may claim, the
pool's counters, and the claims an engineer made on the company's day."""

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from shouhou.accounts.models import Team
from shouhou.core import company_settings, working_hours
from shouhou.core.tenancy import require_tenant

from ..models import PoolClaim, Status, WorkOrder


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
