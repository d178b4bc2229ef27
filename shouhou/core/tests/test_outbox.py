"""The outbox (architecture §9): events are delivered after commit, once, and never lost.

These tests commit for real (`transactional_db`), because "after commit" and "rolled back" are what
is under test; the huey queue runs inline (conftest's immediate mode).
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from shouhou.core import outbox, tasks
from shouhou.core.models import OutboxEvent
from shouhou.core.tenancy import get_current_tenant, tenant_context

pytestmark = [pytest.mark.jobs, pytest.mark.django_db(transaction=True)]

EVENT = "test.outbox.ping"
FLAKY_EVENT = "test.outbox.flaky"
SLOW_EVENT = "test.outbox.slow"
received = []  # (event id, tenant active during the handler)
flaky_failures_left = []


@outbox.on_event(EVENT)
def record_ping(event):
    received.append((event.pk, get_current_tenant()))


@outbox.on_event(FLAKY_EVENT)
def flaky_handler(event):
    if flaky_failures_left:
        flaky_failures_left.pop()
        raise RuntimeError("gateway unavailable")
    received.append((event.pk, get_current_tenant()))


@outbox.on_event(SLOW_EVENT)
def slow_handler(event):
    time.sleep(0.5)  # long enough for a second worker to arrive while this delivery holds the row
    received.append((event.pk, get_current_tenant()))


@pytest.fixture(autouse=True)
def _reset_received():
    received.clear()
    flaky_failures_left.clear()
    yield
    received.clear()


@pytest.fixture
def queue_down(monkeypatch):
    """Enqueueing fails, as when the broker is unreachable or the process dies after commit."""

    def refuse(*args, **kwargs):
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(tasks, "deliver_event", refuse)


def emit_committed(tenant, name=EVENT, **payload):
    with transaction.atomic(), tenant_context(tenant):
        return outbox.emit(name, **payload)


def age(event, seconds=120):
    """Make an event old enough for the sweep, which leaves fresh events to their own delivery."""
    OutboxEvent.all_tenants.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_event_is_delivered_after_commit_exactly_once(company):
    tenant, owner = company
    with transaction.atomic(), tenant_context(tenant):
        event = outbox.emit(EVENT, user=owner, note="hello")
        assert received == [], "delivery must wait for the commit"

    assert received == [(event.pk, tenant)]
    stored = OutboxEvent.all_tenants.get(pk=event.pk)
    assert stored.payload == {"user": owner.pk, "note": "hello"}
    assert stored.delivered_at is not None
    assert stored.attempts == 1

    assert outbox.deliver(event.pk) is False
    assert outbox.deliver(str(event.pk)) is False
    assert received == [(event.pk, tenant)]


def test_an_event_nobody_handles_is_recorded_delivered_and_not_queued(company, queue_down):
    tenant, _owner = company
    with transaction.atomic(), tenant_context(tenant):  # queue_down: any enqueue would raise and be logged
        single = outbox.emit("test.outbox.unhandled", note="kept")
        many = outbox.emit_many("test.outbox.unhandled", [{"n": 1}, {"n": 2}])
    for event in [single, *many]:
        stored = OutboxEvent.all_tenants.get(pk=event.pk)
        assert stored.delivered_at is not None and stored.attempts == 0
    assert OutboxEvent.all_tenants.get(pk=single.pk).payload == {"note": "kept"}
    assert outbox.undelivered(older_than_seconds=0) == []


def test_rolled_back_transaction_emits_nothing(company):
    tenant, _owner = company

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic(), tenant_context(tenant):
        outbox.emit(EVENT, note="never")
        raise Abort

    assert not OutboxEvent.all_tenants.filter(name=EVENT).exists()
    assert received == []


def test_sweep_delivers_an_event_whose_enqueue_failed(company, queue_down):
    tenant, _owner = company
    event = emit_committed(tenant, note="lost in transit")

    assert received == []
    assert OutboxEvent.all_tenants.get(pk=event.pk).delivered_at is None
    assert tasks.sweep_outbox.call_local() == 0, "a fresh event is left to its own delivery task"

    age(event)
    assert tasks.sweep_outbox.call_local() == 1
    assert received == [(event.pk, tenant)]
    assert OutboxEvent.all_tenants.get(pk=event.pk).delivered_at is not None

    assert tasks.sweep_outbox.call_local() == 0
    assert received == [(event.pk, tenant)]


def test_periodic_sweep_runs_through_the_queue(company, queue_down):
    tenant, _owner = company
    event = emit_committed(tenant)
    age(event)

    tasks.sweep_outbox()  # huey keeps no result for periodic tasks, so look at the effect

    assert received == [(event.pk, tenant)]
    assert OutboxEvent.all_tenants.get(pk=event.pk).delivered_at is not None


def test_failed_handler_is_recorded_and_retried_by_the_sweep(company, queue_down):
    tenant, _owner = company
    flaky_failures_left.append(1)
    event = emit_committed(tenant, name=FLAKY_EVENT)

    with pytest.raises(RuntimeError):
        outbox.deliver(event.pk)
    failed = OutboxEvent.all_tenants.get(pk=event.pk)
    assert failed.delivered_at is None
    assert failed.attempts == 1
    assert "gateway unavailable" in failed.last_error

    age(event)
    assert tasks.sweep_outbox.call_local() == 1
    delivered = OutboxEvent.all_tenants.get(pk=event.pk)
    assert delivered.delivered_at is not None
    assert delivered.attempts == 2
    assert received == [(event.pk, tenant)]


def test_sweep_gives_up_on_an_event_that_keeps_failing(company, queue_down):
    tenant, _owner = company
    event = emit_committed(tenant)
    age(event)
    OutboxEvent.all_tenants.filter(pk=event.pk).update(attempts=20)

    assert event.pk not in outbox.undelivered()
    assert tasks.sweep_outbox.call_local() == 0
    assert received == []


def test_each_event_is_delivered_under_its_own_tenant(company, other_company, queue_down):
    first = emit_committed(company[0])
    second = emit_committed(other_company[0])
    age(first)
    age(second)

    assert tasks.sweep_outbox.call_local() == 2
    assert sorted(received, key=lambda item: item[1].pk) == [(first.pk, company[0]), (second.pk, other_company[0])]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_deliveries_run_the_handlers_once(company, queue_down):
    tenant, _owner = company
    event = emit_committed(tenant, name=SLOW_EVENT)
    outcomes = []
    start = threading.Barrier(2)

    def worker():
        try:
            start.wait()
            outcomes.append(outbox.deliver(event.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == [False, True]
    assert received == [(event.pk, tenant)]
    assert OutboxEvent.all_tenants.get(pk=event.pk).attempts == 1
