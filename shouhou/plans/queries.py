"""Every read of plans: a plan is visible to whoever may create work orders and can see its customer;
another company's plan (or one outside the actor's customers) is NotFound."""

from django.utils.translation import gettext as _

from shouhou.core import permissions
from shouhou.core.errors import NotFound
from shouhou.customers.queries import visible_customers

from .models import Plan

PERMISSION = "workorder.create"


def visible_plans(actor):
    if not permissions.has_perm(actor, PERMISSION):
        return Plan.objects.none()
    return Plan.objects.filter(customer__in=visible_customers(actor).values("pk"))


def list_plans(actor, *, search=""):
    plans = visible_plans(actor).select_related("order_type", "customer", "product", "assignee")
    if search:
        from django.db.models import Q

        plans = plans.filter(Q(name__icontains=search) | Q(customer__name__icontains=search)
                             | Q(product__name__icontains=search))
    return plans.order_by("-created_at", "-id")


def get_plan(actor, pk):
    plan = list_plans(actor).filter(pk=pk).first()
    if plan is None:
        raise NotFound(_("Plan not found."))
    return plan


OCCURRENCE_ROWS = 100


def occurrences_of(actor, plan, limit=OCCURRENCE_ROWS):
    """The plan's latest occurrences (newest first) with their orders, and the ids of those orders the
    actor may open (a link only to those: no dead end)."""
    from shouhou.workorders.queries.orders import visible_work_orders

    rows = list(plan.occurrences.select_related("order").order_by("-date", "-id")[:limit])
    order_ids = [row.order_id for row in rows if row.order_id]
    openable = set(visible_work_orders(actor).filter(pk__in=order_ids).values_list("pk", flat=True)) if order_ids else set()
    return rows, openable
