"""Scoped reads of parts, warehouses, stock, movements, requests and service items (architecture §4, §6).

Data scope of the `stock` module: own = the warehouses the actor manages and his own personal stock;
team = also the personal stock of the members of his teams (and sub-teams); all = the company.
"""

from django.db.models import F, Q

from shouhou.core import permissions

from .models import (
    Part,
    PartCategory,
    PricingRule,
    SerialUnit,
    ServiceItem,
    ServiceRecord,
    StockLevel,
    StockMovement,
    StockRequest,
    Warehouse,
)

PICK_LIMIT = 20


# --- catalogue --------------------------------------------------------------------------------------------

def parts(actor):
    """The company's parts (the catalogue is company-wide) for an actor who may view them."""
    if not permissions.has_perm(actor, "part.view"):
        return Part.objects.none()
    return Part.objects.select_related("category", "image")


def get_part(actor, pk):
    permissions.require(actor, "part.view")
    return permissions.get_visible_or_404(parts(actor), pk=pk)


def enabled_parts(actor):
    return parts(actor).filter(enabled=True)


def part_search(text):
    text = (text or "").strip()
    if not text:
        return Q()
    return Q(name__icontains=text) | Q(number__icontains=text) | Q(specification__icontains=text)


def categories():
    return PartCategory.objects.order_by("sort_order", "id")


def category_tree():
    """[(category, depth)] in tree order."""
    rows = list(categories())
    children = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    out = []

    def walk(parent_id, depth):
        for row in children.get(parent_id, []):
            out.append((row, depth))
            walk(row.pk, depth + 1)

    walk(None, 0)
    return out


def category_choices():
    return [(row.pk, "　" * depth + row.name) for row, depth in category_tree()]


def service_items(actor):
    if not permissions.has_perm(actor, "service_item.view"):
        return ServiceItem.objects.none()
    return ServiceItem.objects.all()


def get_service_item(actor, pk):
    permissions.require(actor, "service_item.view")
    return permissions.get_visible_or_404(service_items(actor), pk=pk)


# --- warehouses and stock (scoped) ---------------------------------------------------------------------

def _scope(actor):
    return permissions.data_scope(actor, "stock")


def visible_warehouses(actor):
    """Warehouses the actor reaches: all of them with the "all" scope, else those he manages."""
    scope = _scope(actor)
    if scope is None:
        return Warehouse.objects.none()
    if scope == permissions.SCOPE_ALL:
        return Warehouse.objects.all()
    return Warehouse.objects.filter(pk__in=Warehouse.managers.through.objects.filter(user_id=actor.pk)
                                    .values("warehouse_id"))


def get_warehouse(actor, pk):
    permissions.require(actor, "stock.view")
    return permissions.get_visible_or_404(visible_warehouses(actor).prefetch_related("managers"), pk=pk)


def requestable_warehouses(actor):
    """Where an engineer may request parts from or return them to: every enabled warehouse (名字 only)."""
    if not permissions.has_perm(actor, "stock.request") and not permissions.has_perm(actor, "stock.manage"):
        return Warehouse.objects.none()
    return Warehouse.objects.filter(enabled=True)


def all_warehouses():
    """Destinations of a transfer: every warehouse of the company."""
    return Warehouse.objects.filter(enabled=True)


def visible_holder_ids(actor):
    """None for every person ("all" scope), else the ids (a set or subquery) whose personal stock the
    actor sees."""
    scope = _scope(actor)
    if scope is None:
        return set()
    if scope == permissions.SCOPE_ALL:
        return None
    if scope == permissions.SCOPE_TEAM:
        from shouhou.accounts.queries import members_of

        return {actor.pk} | set(members_of(permissions.user_team_ids(actor)).values_list("pk", flat=True))
    return {actor.pk}


def _place_condition(actor):
    scope = _scope(actor)
    if scope is None:
        return Q(pk__in=[])
    if scope == permissions.SCOPE_ALL:
        return Q()
    holders = visible_holder_ids(actor)
    return Q(warehouse__in=visible_warehouses(actor).values("pk")) | Q(holder_id__in=holders)


def stock_levels(actor):
    """On-hand rows the actor sees (warehouses in scope and personal stock in scope)."""
    return (StockLevel.objects.filter(_place_condition(actor))
            .select_related("part", "part__category", "warehouse", "holder"))


def warehouse_levels(actor):
    return stock_levels(actor).filter(warehouse__isnull=False)


def personal_levels(actor):
    return stock_levels(actor).filter(holder__isnull=False)


def below_safety():
    return Q(safety_quantity__isnull=False, quantity__lt=F("safety_quantity"))


def get_level(actor, pk):
    permissions.require(actor, "stock.view")
    return permissions.get_visible_or_404(stock_levels(actor), pk=pk)


def movements(actor):
    return (StockMovement.objects.filter(_place_condition(actor))
            .select_related("part", "warehouse", "holder", "actor", "request"))


def holders(actor):
    """People whose personal stock the actor may see (the holder selector)."""
    from shouhou.accounts.queries import pickable_users

    ids = visible_holder_ids(actor)
    users = pickable_users(actor)
    return users if ids is None else users.filter(pk__in=ids)


def allocatable_holders(actor):
    """Anyone of the company may receive parts (分配)."""
    from shouhou.accounts.queries import pickable_users

    return pickable_users(actor)


def requests(actor, kind=None):
    """Requisitions/returns the actor sees: his own, and those of the warehouses in his scope."""
    scope = _scope(actor)
    if scope is None and not permissions.has_perm(actor, "stock.request"):
        return StockRequest.objects.none()
    found = StockRequest.objects.select_related("requester", "warehouse", "decided_by")
    if scope != permissions.SCOPE_ALL:
        condition = Q(requester_id=actor.pk)
        if scope is not None:
            condition |= Q(warehouse__in=visible_warehouses(actor).values("pk"))
        found = found.filter(condition)
    if kind:
        found = found.filter(kind=kind)
    return found


def get_request(actor, pk, kind=None):
    return permissions.get_visible_or_404(requests(actor, kind).prefetch_related("lines__part"), pk=pk)


def serial_units(actor):
    return SerialUnit.objects.filter(_place_condition(actor) | Q(warehouse__isnull=True, holder__isnull=True))


# --- pricing rules and service records (issue 11) -------------------------------------------------------

def pricing_rules(actor):
    """The company's pricing rules (收费标准), for an actor who may see the price list."""
    if not permissions.has_perm(actor, "service_item.view"):
        return PricingRule.objects.none()
    return PricingRule.objects.select_related("part_category")


def get_pricing_rule(actor, pk):
    permissions.require(actor, "service_item.view")
    return permissions.get_visible_or_404(pricing_rules(actor), pk=pk)


def service_records(actor):
    """服务记录 (SVC-03): the service items used on work orders, company-wide for whoever may see the
    service items (the records carry no more than the order's number)."""
    if not permissions.has_perm(actor, "service_item.view"):
        return ServiceRecord.objects.none()
    return ServiceRecord.objects.select_related("service_item", "actor")


def service_record_search(text):
    text = (text or "").strip()
    if not text:
        return Q()
    return (Q(service_item__name__icontains=text) | Q(service_item__number__icontains=text)
            | Q(order_number__icontains=text))


def parts_used_on(actor, *, customer=None, product=None):
    """The movements of parts used on the orders of a customer or product (their 备件 tab), newest first;
    reversals included, so a reopened order reads as given back."""
    if not permissions.has_perm(actor, "part.view"):
        return StockMovement.objects.none()
    rows = StockMovement.objects.filter(kind=StockMovement.Kind.USED_ON_ORDER).select_related("part", "actor")
    if customer is not None:
        rows = rows.filter(customer=customer)
    if product is not None:
        rows = rows.filter(product=product)
    return rows.order_by("-created_at", "-id")


# --- the engineer's phone (MOB-09): his personal stock, his requests, stock at the warehouses, approvals ----

def own_levels(actor):
    """The actor's own personal stock (个人备件库): the rows he holds, parts first by number."""
    return (StockLevel.objects.filter(holder_id=actor.pk, quantity__gt=0)
            .select_related("part", "part__category").order_by("part__number", "pk"))


def own_summary(actor):
    """The 备件 page's counters in two statements: 个人库待办理 (his pending requisitions and returns),
    个人库存品类 (parts he holds), 个人库存数量 (their total quantity)."""
    from django.db.models import Count, Sum

    held = StockLevel.objects.filter(holder_id=actor.pk, quantity__gt=0).aggregate(kinds=Count("pk"),
                                                                                  total=Sum("quantity"))
    pending = StockRequest.objects.filter(requester_id=actor.pk, status=StockRequest.Status.PENDING).count()
    return {"pending": pending, "kinds": held["kinds"] or 0, "total": held["total"] or 0}


def own_requests(actor):
    """The actor's own requisitions and returns (the phone's 个人库办理), newest first."""
    if not permissions.has_perm(actor, "stock.request"):
        return StockRequest.objects.none()
    return (StockRequest.objects.filter(requester_id=actor.pk).select_related("warehouse", "decided_by")
            .prefetch_related("lines__part").order_by("-created_at", "-pk"))


def requestable_stock(actor, part_ids):
    """{part_id: [StockLevel at a warehouse]} for 库存查询 and the 申领 picker: on-hand of the given parts at
    every warehouse the actor may request from (requestable_warehouses), the warehouse by name."""
    rows = (StockLevel.objects.filter(part_id__in=list(part_ids), warehouse__in=requestable_warehouses(actor))
            .select_related("warehouse").order_by("warehouse__name", "warehouse_id"))
    found = {}
    for row in rows:
        found.setdefault(row.part_id, []).append(row)
    return found


def held_quantities(actor, part_ids):
    """{part_id: quantity} the actor holds of the given parts (个人持有)."""
    return dict(StockLevel.objects.filter(holder_id=actor.pk, part_id__in=list(part_ids))
                .values_list("part_id", "quantity"))


def requests_to_decide(actor):
    """Pending requisitions and returns the actor may approve or refuse: at the warehouses in his scope
    (the same rows approve_request locks), oldest first."""
    if not permissions.has_perm(actor, "stock.approve"):
        return StockRequest.objects.none()
    return (StockRequest.objects.filter(status=StockRequest.Status.PENDING,
                                        warehouse__in=visible_warehouses(actor).values("pk"))
            .select_related("requester", "warehouse").prefetch_related("lines__part").order_by("created_at", "pk"))
