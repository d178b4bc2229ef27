"""Locating customer addresses left without coordinates (architecture §18).

The services geocode an address while saving it (`services.locate`); when the map provider could not
place it then (a provider failure, a timeout), `locate_later(customer)` queues `customers.tasks.
geocode_addresses` after commit. The job asks the adapter outside any transaction and stores each answer
in ONE conditional update — only while the address is unchanged and still has no coordinates — and copies
it onto the customer's row when it is the default address. A failure is logged and Huey retries the job
(GEOCODE_RETRIES, GEOCODE_RETRY_DELAY); the address keeps its text meanwhile."""

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core import jobs, timeline
from shouhou.core.geo import GeocodingError, geocoder

from .models import Address, Customer

PARTS = ("province", "city", "district", "detail")


def locate_later(customer):
    """Queue the geocoding of the customer's unlocated addresses after the surrounding transaction commits."""
    if not unlocated(customer.pk).exists():
        return False
    from .tasks import geocode_addresses

    jobs.enqueue_on_commit(geocode_addresses, customer.tenant_id, customer.pk)
    return True


def unlocated(customer_id):
    return Address.objects.filter(customer_id=customer_id, latitude=None).exclude(
        province="", city="", district="", detail="")


def locate_addresses(customer_id):
    """Geocode each unlocated address of the customer; returns how many were stored. Raises GeocodingError
    (after trying them all) when one could not be placed, so the job is retried."""
    stored, failed = 0, []
    for address in unlocated(customer_id).only("pk", *PARTS):
        parts = {part: getattr(address, part) for part in PARTS}
        try:
            found = geocoder().geocode(**parts)
        except GeocodingError as exc:
            failed.append(f"{address.pk}: {exc}")
            continue
        stored += store(address.pk, parts, found.latitude, found.longitude)
    if failed:
        raise GeocodingError("; ".join(failed))
    return stored


@transaction.atomic
def store(address_id, parts, latitude, longitude):
    if not Address.objects.filter(pk=address_id, latitude=None, **parts).update(latitude=latitude,
                                                                                 longitude=longitude):
        return 0  # edited or located meanwhile
    address = Address.objects.select_related("customer").get(pk=address_id)
    if address.is_default:
        Customer.objects.filter(pk=address.customer_id, latitude=None).update(latitude=latitude, longitude=longitude)
    timeline.record(actor=None, obj=address.customer, verb="customer.address_located",
                    summary=_("Located the address %(address)s on the map") % {"address": address})
    return 1
