"""What the pickers offer (architecture §4): customers, contacts, addresses and products within the actor's
data scope (through their apps' scoped queries), and the assignee picker (WO-07, MOB-13; WOSET-D1,
D3; ACC-06). The services resolve references through the same querysets, so a picker never offers
what the service would refuse."""

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from shouhou.accounts.models import Role, Team, User
from shouhou.accounts.queries import limit_to_own_teams, members_of
from shouhou.core import company_settings, permissions
from shouhou.core.tenancy import require_tenant
from shouhou.customers.models import Address, Contact

from ..models import (
    Status,
    WorkOrder,
    WorkOrderType,
)

PICK_LIMIT = 20


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


@dataclass
class Candidate:
    user: User
    teams: list
    work_status: object
    done_today: int = 0
    open_count: int = 0


OPEN_WORK = [Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS]


def candidates_for_assignment(actor, order=None, *, search="", orders=(), customer=None):
    """People the order can be assigned to, with work status and today's done / open counts.

    Each switch narrows the list further (they compose as AND):
    - WOSET-D1 on: only members of teams (the type's teams when it is limited, and the actor's own teams
      when their data scope is "team"), each with their team names for grouping.
    - ACC-06 启用按服务团队派单 (team.dispatch_by_team) on: only members and leaders of the customer's
      service team and its sub-teams, for an order whose customer has one. A batch (`orders`) lists the
      people every selected order may go to; a new order names its `customer`.
    - ACC-06 选择人员时隐藏非团队内成员 (team.hide_non_members) on: only the actor and the members of the
      actor's own teams (and sub-teams), unless the actor's work-order data scope is "all".
    - WOSET-D3: people in the hidden work statuses are left out.
    - Skills (issue 10): people missing a skill the order's type (every selected order's type) requires.
    Counts come from one aggregate query for all candidates.
    """
    users = _candidate_users(actor, order, orders=orders, customer=customer)
    if search:
        users = users.filter(Q(name__icontains=search) | Q(phone__contains=search))
    users = list(users.select_related("work_status").prefetch_related("teams")[:500])
    counts = today_counts([user.pk for user in users])
    return [
        Candidate(user, [team.name for team in user.teams.all()], user.work_status,
                  counts.get(user.pk, {}).get("done", 0), counts.get(user.pk, {}).get("open", 0))
        for user in users
    ]


def assignable_users(actor, order=None, *, orders=(), customer=None):
    """Everyone the actor may give the order (or a new order of `customer`) to: the picker's people
    before search and counts. The services resolve an assignee through it (core.references)."""
    role_ids = [role.pk for role in Role.objects.all() if "workorder.view" in (role.permissions or [])]
    # EXISTS rather than a join on the roles: a person with two such roles is one row, so the statement needs
    # no DISTINCT (which sorted every column of every colleague: 2,000 engineers, bench/candidates.py)
    holds_role = User.roles.through.objects.filter(user_id=OuterRef("pk"), role_id__in=role_ids)
    users = User.objects.for_tenant().filter(Exists(holds_role), is_active=True)
    hidden = company_settings.get("workorder.hide_statuses") or []
    if hidden:
        users = users.exclude(work_status_id__in=hidden)
    if company_settings.get("workorder.dispatch_by_team"):
        users = users.filter(pk__in=members_of(_dispatch_team_ids(actor, order)))
    if company_settings.get("team.dispatch_by_team"):
        customers = [o.customer for o in ([order] if order is not None else orders)
                     if o.customer_id is not None] or [customer]
        for team_id in {c.service_team_id for c in customers if c is not None and c.service_team_id}:
            users = users.filter(pk__in=members_of(Team.descendant_ids({team_id})))
    type_ids = {o.order_type_id for o in ([order] if order is not None else orders)}
    if type_ids:
        users = users.filter(~Exists(_missing_skills(type_ids)))
    return limit_to_own_teams(actor, users).order_by("name", "pk")


def _missing_skills(type_ids):
    """A skill some of these types require that the (outer) user lacks (issue 10: a person missing a required
    skill is not a candidate). A subquery of the users' statement: no statement of its own."""
    required = WorkOrderType.required_skills.through.objects.filter(workordertype_id__in=type_ids)
    held = User.skills.through.objects.filter(user_id=OuterRef(OuterRef("pk"))).values("skill_id")
    return required.exclude(skill_id__in=held)


def _candidate_users(actor, order, *, orders=(), customer=None):
    users = assignable_users(actor, order, orders=orders, customer=customer)
    if order is not None and order.assignee_id:
        users = users.exclude(pk=order.assignee_id)
    return users


def _dispatch_team_ids(actor, order):
    team_ids = set(Team.objects.values_list("pk", flat=True))
    if order is not None:
        type_teams = set(order.order_type.teams.values_list("pk", flat=True))
        if type_teams:
            team_ids &= Team.descendant_ids(type_teams)
    if permissions.data_scope(actor, "workorder") == permissions.SCOPE_TEAM:
        team_ids &= permissions.user_team_ids(actor)
    return team_ids


def service_team_ids(customer):
    """启用按服务团队派单 (team.dispatch_by_team, ACC-06): the ids of the customer's service team and its
    sub-teams, whose members and leaders its orders go to; None when the switch is off or the customer
    has no service team (its orders are dispatched as usual)."""
    if customer is None or not customer.service_team_id or not company_settings.get("team.dispatch_by_team"):
        return None
    return Team.descendant_ids({customer.service_team_id})


def today_counts(user_ids):
    """{user id: {"done": finished today (company time zone), "open": open orders}}: one grouped query."""
    if not user_ids:
        return {}
    tenant = require_tenant()
    zone = ZoneInfo(tenant.time_zone or "Asia/Shanghai")
    today = datetime.combine(timezone.localtime(timezone.now(), zone).date(), time.min, tzinfo=zone)
    rows = (WorkOrder.objects.filter(assignee_id__in=user_ids).order_by().values("assignee_id")
            .annotate(done=Count("pk", filter=Q(finished_at__gte=today)),
                      open=Count("pk", filter=Q(status__in=OPEN_WORK))))
    return {row["assignee_id"]: row for row in rows}
