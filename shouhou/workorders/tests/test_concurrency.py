"""Two people acting on one order at once (issue 4): one wins, the other gets a Conflict, nothing is
half-written. Real threads with their own PostgreSQL connections; SQLite serialises whole-database
writes, so the row lock under test does not exist there."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection

from shouhou.core.errors import Conflict
from shouhou.core.tenancy import tenant_context
from shouhou.workorders import flow
from shouhou.workorders.models import StatusSpan, TimeoutReminder, WorkOrder
from shouhou.workorders.queries import orders as order_queries
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import kernel as order_kernel
from shouhou.workorders.services import timeouts as timeout_services

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: row locks (SELECT … FOR UPDATE) are what this test proves"),
]

HOLD_SECONDS = 0.3


def race(tenant, *calls):
    """Run the calls at the same moment, each in its own thread and connection; return their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            with tenant_context(tenant):
                barrier.wait()
                outcomes[index] = ("ok", call())
        except Exception as exc:  # the outcome is what the test checks
            outcomes[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def slow_lock(monkeypatch):
    """Hold the row lock a little after taking it, so the two transactions surely overlap."""
    original = order_kernel.can_see
    entered = []

    def held(actor, order):
        entered.append(time.monotonic())
        time.sleep(HOLD_SECONDS)
        return original(actor, order)

    monkeypatch.setattr(order_kernel, "can_see", held)
    return entered


def verbs(order):
    return [entry.verb for entry in order_queries.timeline_of(order)]


def test_two_dispatchers_assign_the_same_order(world, slow_lock):
    manager = world.approver  # a second person allowed to assign
    order = world.make_order()
    outcomes = race(world.tenant,
                    lambda: order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer),
                    lambda: order_actions.assign(actor=manager, order=order, assignee=world.engineer2))
    kinds = sorted(kind for kind, _value in outcomes)
    assert kinds == ["error", "ok"], outcomes
    loser = next(value for kind, value in outcomes if kind == "error")
    winner = next(value for kind, value in outcomes if kind == "ok")
    assert isinstance(loser, Conflict) and loser.status == 409
    assert max(slow_lock) - min(slow_lock) >= HOLD_SECONDS * 0.9  # the second waited for the first's lock
    stored = WorkOrder.objects.get(pk=order.pk)
    assert (stored.status, stored.version, stored.assignee_id) == ("assigned", 1, winner.assignee_id)
    assert verbs(stored).count("assigned") == 1
    assert StatusSpan.objects.filter(order=order, ended_at=None).count() == 1


def test_accept_and_transfer_with_the_version_they_read(world, slow_lock):
    order = world.assigned()
    seen = order.version
    outcomes = race(world.tenant,
                    lambda: order_actions.accept(actor=world.engineer, order=order, expected_version=seen),
                    lambda: order_actions.transfer(actor=world.dispatcher, order=order, assignee=world.engineer2,
                                              note="调整", expected_version=seen))
    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    loser = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(loser, Conflict)
    stored = WorkOrder.objects.get(pk=order.pk)
    assert stored.version == seen + 1
    won_accept = outcomes[0][0] == "ok"
    if won_accept:
        assert (stored.status, stored.assignee_id) == ("accepted", world.engineer.pk)
        assert verbs(stored)[0] == "accepted" and "transferred" not in verbs(stored)
    else:
        assert (stored.status, stored.assignee_id) == ("assigned", world.engineer2.pk)
        assert verbs(stored)[0] == "transferred" and "accepted" not in verbs(stored)
    assert StatusSpan.objects.filter(order=order, ended_at=None).count() == 1


def test_parallel_timeout_runs_send_each_reminder_once(world):
    config = flow.default_flow()
    config["accept"]["timeout_hours"] = 1
    order_type = world.make_type(flow=config, timeout_reminder={
        "related": ["assignee"], "user_ids": [], "when": "after", "minutes": 0})
    orders = [order_actions.assign(actor=world.dispatcher, order=world.make_order(order_type), assignee=world.engineer)
              for _ in range(6)]
    later = max(order.deadline_at for order in orders) + timedelta(minutes=2)
    outcomes = race(world.tenant, *[lambda: timeout_services.process_timeouts(now=later)] * 3)
    assert all(kind == "ok" for kind, _value in outcomes), outcomes
    assert sum(value for _kind, value in outcomes) == 12  # overdue + after, for each of the six
    assert TimeoutReminder.objects.count() == 12
    assert WorkOrder.objects.filter(is_overdue=True).count() == 6
