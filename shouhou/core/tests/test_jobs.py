"""Jobs (architecture §10): tenant tasks run with their tenant active, and tasks really pass through the
configured queue — SqliteHuey by default, RedisHuey when REDIS_URL is set (CI runs both)."""

import uuid

import pytest
from django.conf import settings
from django.db import transaction
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage, SqliteStorage

from shouhou.accounts.models import Role
from shouhou.core import outbox
from shouhou.core.jobs import tenant_task
from shouhou.core.models import OutboxEvent, Tenant
from shouhou.core.tenancy import get_current_tenant, tenant_context

pytestmark = pytest.mark.jobs

QUEUED_EVENT = "test.jobs.queued"
handled = []


@tenant_task()
def describe_tenant(tenant, label):
    """Reports what the task saw: the tenant passed in, the active one, and a tenant-scoped count."""
    return {
        "tenant": tenant.pk,
        "active": get_current_tenant().pk,
        "roles": Role.objects.count(),
        "label": label,
    }


@outbox.on_event(QUEUED_EVENT)
def record_queued_event(event):
    handled.append((event.pk, get_current_tenant().pk))


@pytest.fixture
def real_queue():
    """HUEY with its configured storage class and settings, under a queue name of this test's own.

    The own name keeps a running `make run` consumer from taking these tasks and leaves no stale
    tasks for the next run.
    """
    was_immediate = HUEY.immediate
    HUEY.immediate = False
    configured = HUEY.storage
    HUEY.storage = type(configured)(f"{HUEY.name}-test-{uuid.uuid4().hex[:12]}", **HUEY.storage_kwargs)
    try:
        yield HUEY
    finally:
        HUEY.storage.flush_all()
        HUEY.storage = configured
        HUEY.immediate = was_immediate
        handled.clear()


def run_next_task(huey):
    task = huey.dequeue()
    assert task is not None, "expected a task in the queue"
    return task, huey.execute(task)


def test_tenant_task_runs_with_its_tenant_active(company, other_company):
    first, second = company[0], other_company[0]
    with tenant_context(first):
        first_roles = Role.objects.count()

    assert describe_tenant(first.pk, "a").get() == {
        "tenant": first.pk, "active": first.pk, "roles": first_roles, "label": "a",
    }
    assert describe_tenant(second.pk, "b").get()["active"] == second.pk
    assert get_current_tenant() is None, "the task must not leak its tenant to the caller"


def test_tenant_task_refuses_an_unknown_tenant(db):
    with pytest.raises(Tenant.DoesNotExist):
        describe_tenant.call_local(987654321, "missing")
    assert get_current_tenant() is None


def test_configured_storage_is_used():
    expected = RedisStorage if settings.REDIS_URL else SqliteStorage
    assert settings.HUEY["huey_class"] == ("huey.RedisHuey" if settings.REDIS_URL else "huey.SqliteHuey")
    assert isinstance(HUEY.get_storage(**HUEY.storage_kwargs), expected)


@pytest.mark.django_db(transaction=True)
def test_tenant_task_round_trip_through_the_queue(real_queue, company):
    tenant = company[0]
    expected_storage = RedisStorage if settings.REDIS_URL else SqliteStorage
    assert isinstance(real_queue.storage, expected_storage)

    result = describe_tenant(tenant.pk, "queued")
    assert real_queue.pending_count() == 1

    task, value = run_next_task(real_queue)
    assert task.name.endswith("describe_tenant")
    assert value["active"] == tenant.pk
    assert result.get(blocking=True, timeout=5)["label"] == "queued"
    assert real_queue.pending_count() == 0
    assert get_current_tenant() is None


@pytest.mark.django_db(transaction=True)
def test_outbox_delivery_task_goes_through_the_queue(real_queue, company):
    tenant = company[0]
    with transaction.atomic(), tenant_context(tenant):
        event = outbox.emit(QUEUED_EVENT, note="via the broker")
        assert real_queue.pending_count() == 0, "nothing is enqueued before the commit"

    assert real_queue.pending_count() == 1
    assert handled == []

    task, _value = run_next_task(real_queue)
    assert task.name.endswith("deliver_event")
    assert handled == [(event.pk, tenant.pk)]
    assert OutboxEvent.all_tenants.get(pk=event.pk).delivered_at is not None

    # A duplicate delivery (a retry after a lost acknowledgement) runs no handler again.
    from shouhou.core.tasks import deliver_event

    deliver_event(str(event.pk), tenant.pk)
    run_next_task(real_queue)
    assert handled == [(event.pk, tenant.pk)]
