"""Outbox handlers: stock events become in-app notifications (category 备件).

A new requisition or return → the warehouse's managers; a decision → the requester; stock falling below
its safety level → the warehouse's managers (库存提醒). Delivery is once per event and user.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from shouhou.accounts.models import User
from shouhou.core.outbox import on_event
from shouhou.messaging.models import Notification
from shouhou.messaging.services import notify

from .models import StockLevel, StockRequest

PARTS = Notification.Category.PARTS


def _managers(warehouse):
    return list(warehouse.managers.filter(is_active=True))


def _request(event):
    return (StockRequest.objects.filter(pk=event.payload.get("request_id"))
            .select_related("warehouse", "requester").first())


@on_event("stock_request.created")
def request_created(event):
    found = _request(event)
    if found is None:
        return
    title = (_("%(name)s requests parts (%(number)s)") if found.kind == StockRequest.Kind.REQUISITION
             else _("%(name)s returns parts (%(number)s)")) % {"name": found.requester.name, "number": found.number}
    notify(users=_managers(found.warehouse), title=title, body=found.note,
           url=reverse("parts:request_detail", args=[found.pk]), category=PARTS, event_id=event.pk)


def _decided(event):
    found = _request(event)
    if found is None:
        return
    title = _("%(number)s: %(status)s") % {"number": found.number, "status": found.get_status_display()}
    users = list(User.objects.for_tenant().filter(pk=found.requester_id, is_active=True))
    notify(users=users, title=title, body=found.decision_note, url=reverse("parts:request_detail", args=[found.pk]),
           category=PARTS, event_id=event.pk)


for _status in ("approved", "partly", "refused"):
    on_event(f"stock_request.{_status}")(_decided)


@on_event("stock.below_safety")
def below_safety(event):
    level = StockLevel.objects.filter(pk=event.payload.get("level_id")).select_related("part", "warehouse").first()
    if level is None or level.warehouse is None or not level.below_safety:
        return
    title = _("Stock alert: %(part)s at %(warehouse)s") % {"part": level.part, "warehouse": level.warehouse}
    body = _("%(quantity)s left, safety stock %(safety)s") % {"quantity": level.quantity.normalize(),
                                                              "safety": level.safety_quantity.normalize()}
    notify(users=_managers(level.warehouse), title=title, body=body,
           url=reverse("parts:stock") + "?tab=alert", category=PARTS, event_id=event.pk)
