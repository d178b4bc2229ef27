"""Customer jobs (architecture §10): `geocode_addresses` locates addresses saved without coordinates."""

from shouhou.core.jobs import geocoding_task

from . import geocoding


@geocoding_task
def geocode_addresses(tenant, customer_id):
    """The coordinates of the customer's unlocated addresses (a provider failure is logged and retried)."""
    return geocoding.locate_addresses(customer_id)
