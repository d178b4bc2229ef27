"""订阅 the settlement list: a finished order of a type with 结算 on is news to the list's subscribers (told
once per event, after the completion committed)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from shouhou.core.outbox import on_event
from shouhou.messaging import subscriptions
from shouhou.messaging.models import Notification
from shouhou.messaging.services import notify
from shouhou.workorders.models import Status, WorkOrder

from . import queries
from .views import TOPIC


@on_event("workorder.finished")
def tell_subscribers(event):
    order = (WorkOrder.objects.filter(pk=event.payload.get("order_id"), status=Status.FINISHED)
             .select_related("customer").first())
    if order is None or order.order_type_id not in queries.settling_type_ids():
        return
    actor_id = event.payload.get("actor_id")
    users = [user for user in subscriptions.subscribers(TOPIC) if user.pk != actor_id]
    if users:
        notify(users=users, title=_("Work order %(number)s waits to be settled") % {"number": order.number},
               body=order.customer.name, url=reverse("settlement:list") + "?tab=unsettled",
               category=Notification.Category.WORK_ORDER, event_id=event.pk)
