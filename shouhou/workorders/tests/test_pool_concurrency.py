"""Concurrent claims of one pooled order (工单池, WO-23): exactly one wins, the others get 409 `conflict`
(该工单已被他人接走) and nothing of theirs is written. Real threads with their own PostgreSQL connections."""

import pytest
from django.db import connection

from shouhou.core.errors import Conflict
from shouhou.core.testing import make_user
from shouhou.workorders.models import PoolClaim, StatusSpan, WorkOrder
from shouhou.workorders.services import pool as pool_services

from .test_concurrency import race, verbs
from .test_services import set_setting

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: row locks (SELECT … FOR UPDATE) are what this test proves"),
]


def test_many_engineers_claim_one_order(world):
    set_setting(world.tenant, "workorder.pool_enabled", True)
    engineers = [world.engineer, world.engineer2] + [
        make_user(world.tenant, roles=("engineer",), teams=[world.team], name=f"工程师{n}") for n in range(4)]
    order = pool_services.publish(actor=world.dispatcher, order=world.make_order())
    outcomes = race(world.tenant, *[
        (lambda engineer=engineer: pool_services.claim(actor=engineer, order=order.pk)) for engineer in engineers])
    winners = [value for kind, value in outcomes if kind == "ok"]
    losers = [value for kind, value in outcomes if kind == "error"]
    assert len(winners) == 1, outcomes
    assert len(losers) == len(engineers) - 1
    assert all(isinstance(loser, Conflict) and loser.status == 409 for loser in losers), losers
    assert all("claimed by someone else" in str(loser.message) for loser in losers)
    stored = WorkOrder.objects.get(pk=order.pk)
    assert (stored.status, stored.assignee_id, stored.version) == ("accepted", winners[0].assignee_id,
                                                                   order.version + 1)
    assert verbs(stored).count("claimed") == 1
    assert PoolClaim.objects.filter(order=order).count() == 1
    assert StatusSpan.objects.filter(order=order, ended_at=None).count() == 1
