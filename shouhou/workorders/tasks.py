"""Work-order jobs (architecture §10). Node timeouts and reminders are swept every minute by the flow
engine's task (core.tasks.check_flow_timeouts over every registered kind; work orders register
services.timeouts.TIMEOUTS in apps.ready); `run_timeouts` runs the work orders' part alone.
`geocode_order` locates an order saved with a free-text address (services.geocoding)."""

import logging

from django.conf import settings
from django.utils import timezone

from shouhou.core.flow import deadlines
from shouhou.core.geo import GeocodingError
from shouhou.core.jobs import tenant_task

from .services import geocoding
from .services import timeouts as timeout_services

log = logging.getLogger(__name__)


def run_timeouts(now=None):
    """Process every company with a running node deadline; returns the number of reminders sent."""
    return deadlines.run(now or timezone.now(), kinds=[timeout_services.TIMEOUTS])


@tenant_task(retries=getattr(settings, "GEOCODE_RETRIES", 3), retry_delay=getattr(settings, "GEOCODE_RETRY_DELAY", 600))
def geocode_order(tenant, order_id, text):
    """The order's coordinates from its address; a provider failure is logged and raised so Huey retries."""
    try:
        return geocoding.locate(order_id, text)
    except GeocodingError as exc:
        log.warning("company %s: work order %s: the address %r could not be located (%s)",
                    tenant.pk, order_id, text, exc)
        raise
