"""Numbers shown to users, from a per-tenant counter under a row lock (architecture §11)."""

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Counter
from .tenancy import require_tenant


def next_value(key):
    """The next value of the tenant's counter `key`, safe under concurrency."""
    return reserve(key, 1)


def reserve(key, count):
    """A block of `count` consecutive values of the tenant's counter `key` in one locked update (bulk
    creation: workorders.services.orders_bulk); answers the block's first value. The counter's row stays
    locked to the end of the caller's transaction, so a rolled-back block is never handed out."""
    if count < 1:
        raise ValueError("reserve at least one value")
    tenant = require_tenant()
    with transaction.atomic():
        updated = Counter.objects.filter(key=key).update(value=F("value") + count)
        if not updated:
            try:
                with transaction.atomic():
                    Counter.objects.create(tenant=tenant, key=key, value=count)
                    return 1
            except IntegrityError:
                Counter.objects.filter(key=key).update(value=F("value") + count)
        return Counter.objects.select_for_update().get(key=key).value - count + 1


def next_number(key, prefix, width=5):
    """e.g. next_number("customer", "CUS") -> "CUS00001"."""
    return f"{prefix}{next_value(key):0{width}d}"
