"""Domain events (architecture §9): written to the outbox in the caller's transaction, delivered after commit.

Apps declare handlers:  @on_event("account.created") def notify(event): ...
Delivery runs each handler once per event id; a periodic sweep retries anything left undelivered,
so a crash between commit and delivery loses nothing.
"""

import logging
from collections import defaultdict

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxEvent
from .tenancy import require_tenant, tenant_context

log = logging.getLogger(__name__)
_HANDLERS = defaultdict(list)


def on_event(name):
    def decorator(func):
        _HANDLERS[name].append(func)
        return func

    return decorator


def emit(name, **payload):
    """Write the event now; schedule delivery for after the surrounding transaction commits."""
    event = event_for(name, **payload)
    event.save(force_insert=True)
    schedule(event)
    return event


def event_for(name, **payload):
    """The event `emit` writes, unsaved: for a caller that inserts it together with other rows
    (core.flow.writes.insert), then calls `schedule`. An event nothing handles is kept as the record
    of what happened, delivered at once, and nothing is queued."""
    delivered_at = None if _HANDLERS.get(name) else timezone.now()
    return OutboxEvent(tenant=require_tenant(), name=name, payload=_jsonable(payload), delivered_at=delivered_at)


def schedule(event):
    """Deliver the just-written `event` after the surrounding transaction commits (when it has handlers)."""
    if event.delivered_at is None:
        transaction.on_commit(lambda: _schedule(event.pk, event.tenant_id))


def emit_many(name, payloads):
    """`emit` for many events of one name (bulk imports): one INSERT per thousand, each delivered after commit."""
    tenant = require_tenant()
    delivered_at = None if _HANDLERS.get(name) else timezone.now()
    events = OutboxEvent.objects.bulk_create(
        [OutboxEvent(tenant=tenant, name=name, payload=_jsonable(payload), delivered_at=delivered_at)
         for payload in payloads], batch_size=1000)
    if delivered_at is None:
        transaction.on_commit(lambda: [_schedule(event.pk, tenant.pk) for event in events])
    return events


def _schedule(event_id, tenant_id):
    from .tasks import deliver_event

    try:
        deliver_event(str(event_id), tenant_id)
    except Exception:  # the queue may be down; the sweep will deliver it
        log.exception("could not enqueue outbox event %s", event_id)


def deliver(event_id):
    """Run the handlers of one event, once. Returns True when delivered.

    A failing handler rolls the delivery back; the failure is then recorded and re-raised, so the task
    retries and the sweep stops after 20 attempts.
    """
    try:
        return _deliver_once(event_id)
    except Exception as exc:
        _record_failure(event_id, exc)
        raise


def _deliver_once(event_id):
    with transaction.atomic():
        # SKIP LOCKED: a row being delivered by another worker is that worker's to finish.
        event = (
            OutboxEvent.all_tenants.select_for_update(skip_locked=True, of=("self",)).select_related("tenant")
            .filter(pk=event_id, delivered_at=None)
            .first()
        )
        if event is None:
            return False
        with tenant_context(event.tenant):
            for handler in _HANDLERS.get(event.name, []):
                handler(event)
        event.delivered_at = timezone.now()
        event.attempts += 1
        event.save(update_fields=["delivered_at", "attempts"])
    return True


def _record_failure(event_id, exc):
    # Written after the delivery's rollback; inside it (e.g. via on_commit) the write would be discarded.
    OutboxEvent.all_tenants.filter(pk=event_id).update(last_error=repr(exc)[:2000], attempts=F("attempts") + 1)


def undelivered(older_than_seconds=30, limit=500):
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(
        OutboxEvent.all_tenants.filter(delivered_at=None, created_at__lte=cutoff, attempts__lt=20)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
