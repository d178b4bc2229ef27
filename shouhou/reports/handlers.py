"""Reports follow the order's events: made on completion (and sent when the company says so), made again
after an edit of an order that has one (WO-30: regenerated after edits)."""

from django.db import transaction

from shouhou.core import company_settings
from shouhou.core.outbox import on_event
from shouhou.workorders.models import WorkOrder

from . import services
from .models import ServiceReport


def _order(event):
    return WorkOrder.objects.select_related("order_type").filter(pk=event.payload.get("order_id")).first()


@on_event("workorder.finished")
def make_on_completion(event):
    order = _order(event)
    if order is None or services.report_refusal(order):
        return
    with transaction.atomic():
        services.request_report(order, send=company_settings.get("reports.send_on_completion"))


@on_event("workorder.updated")
@on_event("workorder.reopened")
def remake_after_edit(event):
    order = _order(event)
    if order is None or not ServiceReport.objects.filter(order=order).exists():
        return
    if services.report_refusal(order) is None:
        with transaction.atomic():
            services.request_report(order)

