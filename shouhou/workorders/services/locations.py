"""Positions (WOSET-C2): the engineer's last position, and the location check that flags (never
blocks) a start or completion too far from the order's address."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from shouhou.accounts.models import User
from shouhou.core import (
    company_settings,
)
from shouhou.core.errors import (
    DomainError,
    ValidationFailed,
)
from shouhou.core.geo import distance_km

from . import kernel


def clean_position(latitude, longitude):
    errors = {}
    lat = kernel.clean_coordinate(latitude, 90, "latitude", errors)
    lng = kernel.clean_coordinate(longitude, 180, "longitude", errors)
    if not errors and (lat is None) != (lng is None):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    if errors:
        raise ValidationFailed(details=errors)
    return (None, None) if lat is None else (str(lat), str(lng))


def check_location(actor, order, node, latitude, longitude, now):
    """Flag (never block) a position too far from the order's address at the checked nodes."""
    if latitude is not None and actor is not None:
        _store_location(actor, latitude, longitude, now)
    if not company_settings.get("workorder.location_check_enabled"):
        return
    if node not in (company_settings.get("workorder.location_check_nodes") or []):
        return
    if order.latitude is None or order.longitude is None:
        return  # no address position to compare with
    limit = float(company_settings.get("workorder.location_max_km") or 0)
    if latitude is None:
        summary = _("Location anomaly: no position was reported")
    else:
        km = distance_km(latitude, longitude, order.latitude, order.longitude)
        if km <= limit:
            return
        summary = _("Location anomaly: %(km).2f km from the order address (limit %(limit).2f km)") % {
            "km": km, "limit": limit}
    order.location_anomaly = True
    kernel.record(actor, order, "location_anomaly", summary)


def _store_location(user, latitude, longitude, now):
    User.objects.filter(pk=user.pk).update(last_latitude=latitude, last_longitude=longitude, last_located_at=now)
    user.last_latitude, user.last_longitude, user.last_located_at = Decimal(latitude), Decimal(longitude), now


class LocationThrottled(DomainError):
    """A position report sooner than LOCATION_REPORT_MIN_SECONDS after the last one (nothing is stored)."""

    code = "throttled"
    status = 429

    def __init__(self, retry_after):
        self.retry_after = max(int(retry_after), 1)
        self.headers = {"Retry-After": str(self.retry_after)}
        super().__init__(_("Your position was reported a moment ago; try again in %(seconds)d seconds.") % {
            "seconds": self.retry_after}, details={"retry_after": self.retry_after})


def report_interval():
    return timedelta(seconds=max(int(getattr(settings, "LOCATION_REPORT_MIN_SECONDS", 120) or 0), 0))


@transaction.atomic
def report_location(*, user, latitude, longitude, throttle=False):
    """The engineer's last position with its time (map dispatch uses it). Reported by the phone on opening
    the app and at each action (POST /api/v1/me/location, /m/location/, both with `throttle`): then at most
    once per LOCATION_REPORT_MIN_SECONDS, checked and stored in ONE conditional update, so two reports at
    once store one; the sooner one is refused (429 `throttled`, Retry-After) and changes nothing."""
    lat, lng = clean_position(latitude, longitude)
    if lat is None:
        raise ValidationFailed(details={"latitude": [_("This field is required.")]})
    now = kernel.now()
    if not throttle:
        _store_location(user, lat, lng, now)
        return user
    interval = report_interval()
    stored = User.objects.filter(pk=user.pk).filter(
        Q(last_located_at__isnull=True) | Q(last_located_at__lte=now - interval) | Q(last_located_at__gt=now)
    ).update(last_latitude=lat, last_longitude=lng, last_located_at=now)
    if not stored:
        last = User.objects.filter(pk=user.pk).values_list("last_located_at", flat=True).first() or now
        raise LocationThrottled((last + interval - now).total_seconds())
    user.last_latitude, user.last_longitude, user.last_located_at = Decimal(lat), Decimal(lng), now
    return user
