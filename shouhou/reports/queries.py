"""Reads of reports: always through the work order the actor may see (architecture §4)."""

from shouhou.core.tenancy import tenant_context
from shouhou.workorders.queries import orders as order_queries

from . import links
from .models import ServiceReport


def report_of(actor, order_id):
    """(order, report or None) for an order within the actor's scope; NotFound otherwise."""
    order = order_queries.get_work_order(actor, order_id)
    return order, ServiceReport.objects.filter(order=order).first()


def reports_of(orders):
    """{order_id: ServiceReport} for a list of orders, in one query."""
    return {r.order_id: r for r in ServiceReport.objects.filter(order__in=[o.pk for o in orders])}


def by_token(token):
    """(tenant, report) a customer's link points to, or raises links.Expired / signing.BadSignature;
    (None, None) when the report is gone, not ready, or the link was revoked."""
    from shouhou.core.models import Tenant

    payload = links.read(token)
    tenant = Tenant.objects.filter(pk=payload["t"], is_active=True).first()
    if tenant is None:
        return None, None
    with tenant_context(tenant):
        report = ServiceReport.objects.filter(pk=payload["r"], link_nonce=payload["n"],
                                              status=ServiceReport.Status.READY).select_related("order").first()
    return tenant, report
