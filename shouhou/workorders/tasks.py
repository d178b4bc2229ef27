"""Work-order jobs (architecture §10). Node timeouts and reminders are swept every minute by the flow
engine's task (core.tasks.check_flow_timeouts over every registered kind; work orders register
services.timeouts.TIMEOUTS in apps.ready); `run_timeouts` runs the work orders' part alone.
`geocode_order` locates an order saved with a free-text address (services.geocoding)."""

from django.utils import timezone

from shouhou.core.flow import deadlines
from shouhou.core.jobs import geocoding_task

from .services import geocoding
from .services import timeouts as timeout_services


def run_timeouts(now=None):
    """Process every company with a running node deadline; returns the number of reminders sent."""
    return deadlines.run(now or timezone.now(), kinds=[timeout_services.TIMEOUTS])


@geocoding_task
def geocode_order(tenant, order_id, text):
    """The order's coordinates from its address (a provider failure is logged and retried)."""
    return geocoding.locate(order_id, text)
