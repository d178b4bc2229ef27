"""Numbers shown to users, from a per-tenant counter under a row lock (architecture §11)."""

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Counter
from .tenancy import require_tenant


def next_value(key):
    """The next value of the tenant's counter `key`, safe under concurrency."""
    tenant = require_tenant()
    with transaction.atomic():
        updated = Counter.objects.filter(key=key).update(value=F("value") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    Counter.objects.create(tenant=tenant, key=key, value=1)
                    return 1
            except IntegrityError:
                Counter.objects.filter(key=key).update(value=F("value") + 1)
        return Counter.objects.select_for_update().get(key=key).value


def next_number(key, prefix, width=5):
    """e.g. next_number("customer", "CUS") -> "CUS00001"."""
    return f"{prefix}{next_value(key):0{width}d}"
