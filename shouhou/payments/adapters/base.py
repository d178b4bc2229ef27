"""What every provider adapter offers, and the verified content of a notification."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone


class BadNotification(Exception):
    """A notification that is refused: bad signature, undecipherable, stale. `code` is the API error code."""

    def __init__(self, code, message=""):
        super().__init__(message or code)
        self.code = code


class ProviderError(Exception):
    """The provider refused or could not be reached; the message is safe to show (never a key)."""


@dataclass(frozen=True)
class Notice:
    out_trade_no: str
    transaction_id: str
    amount: Decimal
    succeeded: bool
    nonce: str
    sent_at: dt.datetime


def cents(amount):
    return int((Decimal(amount) * 100).to_integral_value())


def yuan(cents_value):
    return (Decimal(int(cents_value)) / 100).quantize(Decimal("0.01"))


def check_fresh(sent_at, now=None):
    """A notification signed longer ago (or later) than PAYMENTS_NOTIFY_MAX_AGE seconds is a replay."""
    now = now or timezone.now()
    limit = dt.timedelta(seconds=getattr(settings, "PAYMENTS_NOTIFY_MAX_AGE", 300))
    if sent_at is None or abs(now - sent_at) > limit:
        raise BadNotification("stale_notification", "The notification is too old (or from the future).")


class Adapter:
    name = ""
    content_type = "application/json"

    @classmethod
    def for_tenant(cls, tenant):
        raise NotImplementedError

    @classmethod
    def candidates(cls, headers, body):
        raise NotImplementedError

    @classmethod
    def configured_for(cls, setting, value):
        """[(tenant, adapter)] of the companies whose setting `setting` is `value` and whose keys are there."""
        from shouhou.core.models import Tenant

        from .. import credentials

        found = []
        for tenant in Tenant.objects.filter(settings__has_key=setting):
            if value and (tenant.settings or {}).get(setting) == value:
                try:
                    found.append((tenant, cls.for_tenant(tenant)))
                except credentials.NotConfigured:
                    continue
        return found

    def precreate(self, payment, *, subject, notify_url):
        """The QR code's content for the customer to scan (code_url / qr_code)."""
        raise NotImplementedError

    def verify(self, headers, body):
        """The notification's Notice, or BadNotification."""
        raise NotImplementedError

    def refund(self, payment, refund):
        """Refund through the provider; returns the provider's refund number or raises ProviderError."""
        raise NotImplementedError

    def answer(self, ok, message=""):
        """(status, body) the provider expects in reply to its notification."""
        raise NotImplementedError
