"""Customer jobs (architecture §10): `geocode_addresses` locates addresses saved without coordinates."""

import logging

from django.conf import settings

from shouhou.core.geo import GeocodingError
from shouhou.core.jobs import tenant_task

from . import geocoding

log = logging.getLogger(__name__)


@tenant_task(retries=getattr(settings, "GEOCODE_RETRIES", 3), retry_delay=getattr(settings, "GEOCODE_RETRY_DELAY", 600))
def geocode_addresses(tenant, customer_id):
    """The coordinates of the customer's unlocated addresses; a provider failure is logged and retried."""
    try:
        return geocoding.locate_addresses(customer_id)
    except GeocodingError as exc:
        log.warning("company %s: customer %s: an address could not be located (%s)", tenant.pk, customer_id, exc)
        raise
