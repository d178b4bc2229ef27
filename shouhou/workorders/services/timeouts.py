"""Node timeouts (WOSET-F2) of work orders: the kind's part of the flow engine's sweep
(core.flow.deadlines.Timeouts, registered in apps.ready and run every minute by the core task
check_flow_timeouts): its reminder rows, its types' reminder rules, and what an overdue order's timeline
says. Marking overdue at the node deadline and sending each reminder once is the engine's."""

from django.utils.translation import gettext as _

from shouhou.core.flow import deadlines

from .. import flow
from ..models import TimeoutReminder, WorkOrderType
from . import kernel


def _rules():
    return WorkOrderType.objects.values_list("pk", "timeout_reminder")


def _overdue_summary(order):
    return _("Timed out at the step “%(node)s”") % {"node": flow.NODE_LABELS.get(order.deadline_node,
                                                                                   order.deadline_node)}


TIMEOUTS = deadlines.Timeouts(
    runner=kernel.RUNNER, reminder_model=TimeoutReminder, reminder_field="order", type_field="order_type",
    rules=_rules, rule_of=lambda order: order.order_type.timeout_reminder, overdue_summary=_overdue_summary)


def process_timeouts(*, now=None, limit=500):
    """Mark the company's orders past their node deadline overdue and send each F2 reminder once. Idempotent."""
    return TIMEOUTS.process(now=now, limit=limit)
