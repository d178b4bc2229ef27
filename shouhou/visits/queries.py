"""Every read of return visits: the orders one may visit (the work-order scope, finished orders), their
visits and surveys, and the survey links other modules print (order_facts "survey_url")."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from shouhou.core import permissions
from shouhou.core.errors import NotFound
from shouhou.workorders import flow
from shouhou.workorders.queries.orders import visible_work_orders

from . import tokens
from .models import Survey, Visit


def _manual_visit(kind=Visit.Kind.MANUAL):
    return Exists(Visit.objects.filter(order=OuterRef("pk"), kind=kind))


def visit_orders(actor):
    """Finished orders (完成, 结算, 回访, 关闭) in the actor's work-order scope, with has_visit / has_survey /
    survey_answered; none without visit.view."""
    if not permissions.has_perm(actor, "visit.view"):
        return visible_work_orders(actor).none()
    return (visible_work_orders(actor).filter(status__in=flow.DONE_STATUSES)
            .annotate(has_visit=_manual_visit(),
                      has_survey=Exists(Survey.objects.filter(order=OuterRef("pk"))),
                      survey_answered=Exists(Survey.objects.filter(order=OuterRef("pk"), answered_at__isnull=False)))
            .select_related("order_type", "customer", "assignee"))


def get_visit_order(actor, pk):
    order = visit_orders(actor).filter(pk=pk).first()
    if order is None:
        raise NotFound(_("Work order not found."))
    return order


def visits_of(orders):
    """{order_id: {kind: Visit}} for a page of orders (one query)."""
    result = {}
    for visit in Visit.objects.filter(order__in=[o.pk for o in orders]).select_related("visited_by"):
        result.setdefault(visit.order_id, {})[visit.kind] = visit
    return result


def surveys_of(orders):
    """{order_id: Survey} for a page of orders (one query)."""
    return {s.order_id: s for s in Survey.objects.filter(order__in=[o.pk for o in orders])}


def visible_visits(actor):
    """The visits of the orders the actor may see (GET /visits, the order / customer / engineer tabs)."""
    if not permissions.has_perm(actor, "visit.view"):
        return Visit.objects.none()
    return (Visit.objects.filter(order__in=visible_work_orders(actor).values("pk"))
            .select_related("order", "order__customer", "engineer", "visited_by"))


def survey_of(order):
    return Survey.objects.filter(order=order).first()


def survey_urls(orders):
    """order_facts "survey_url": {order_id: "/s/<token>"} of the orders that have a survey (one query; none
    when no order is finished — a survey is made only at completion — so the API's answers to the actions
    before it cost nothing more)."""
    ids = [order.pk for order in orders if order.status in flow.DONE_STATUSES]
    if not ids:
        return {}
    return {order_id: tokens.path_for(nonce) for order_id, nonce in
            Survey.objects.filter(order__in=ids).values_list("order_id", "nonce")}
