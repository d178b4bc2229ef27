"""Locating orders entered with a free-text address (architecture §18).

An order saved with an address but no coordinates (typed on the phone, imported, a customer address
the map could not place) is geocoded in a job after commit — `locate_later` queues
`workorders.tasks.geocode_order` once the transaction has committed — so distance ranking, the pool's
radius notifications and the maps work for it. The job asks the map adapter outside any transaction and
then stores the coordinates in ONE conditional update: only while the order still has that address and no
coordinates (a later edit wins). A provider failure leaves the order as it is; the task logs it and Huey
retries it (GEOCODE_RETRIES, GEOCODE_RETRY_DELAY); nothing reaches the user who saved the order."""

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core import geo, jobs

from ..models import WorkOrder
from . import kernel


def needs_locating(order):
    return bool((order.address_text or "").strip()) and (order.latitude is None or order.longitude is None)


def locate_later(order):
    """Queue the geocoding of `order` after the surrounding transaction commits, when it needs it."""
    if not needs_locating(order):
        return False
    from ..tasks import geocode_order

    jobs.enqueue_on_commit(geocode_order, order.tenant_id, order.pk, order.address_text)
    return True


def locate(order_id, text):
    """Geocode `text` and store it on the order when the order still has that address and no position.
    Returns True when stored; raises geo.GeocodingError when the provider cannot place the address."""
    found = geo.geocode_text(text)
    return store(order_id, text, found.latitude, found.longitude)


@transaction.atomic
def store(order_id, text, latitude, longitude):
    located = WorkOrder.objects.filter(pk=order_id, address_text=text, latitude=None).update(
        latitude=latitude, longitude=longitude)
    if not located:
        return False  # edited or located meanwhile: the newer address wins
    order = WorkOrder.objects.get(pk=order_id)
    kernel.record(None, order, "located", _("Located the address on the map: %(latitude)s, %(longitude)s") % {
        "latitude": latitude, "longitude": longitude})
    return True
