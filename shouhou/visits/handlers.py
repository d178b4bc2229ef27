"""自动回访: a finished order whose type has the node on texts its customer the survey link."""

from shouhou.core.outbox import on_event
from shouhou.workorders.models import WorkOrder

from . import services


@on_event("workorder.finished")
def survey_on_finish(event):
    order = (WorkOrder.objects.filter(pk=event.payload.get("order_id"))
             .select_related("order_type", "contact", "tenant").first())
    if order is not None:
        services.send_survey_for_finished(order, event_id=event.pk)
