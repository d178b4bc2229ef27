"""Round robin under concurrency (自动派单, issue 10): concurrent auto-assignments of different orders by one
round-robin rule each move its cursor under the rule's row lock, so they take the team's members in turn —
never the same person twice in a row of a two-person team. Real threads, own PostgreSQL connections."""

import pytest
from django.db import connection

from shouhou.workorders.models import DispatchRule, WorkOrder
from shouhou.workorders.services import dispatch_rules as rules

from .test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: row locks (SELECT … FOR UPDATE) are what this test proves"),
]


def test_two_concurrent_runs_take_two_people_in_turn(world):
    rule = rules.create_rule(actor=world.owner, name="轮流", target={"kind": "team_round_robin",
                                                                     "team_id": world.team.pk})
    for _round in range(3):
        orders = [world.make_order(), world.make_order()]
        outcomes = race(world.tenant, *[
            (lambda order=order: rules.auto_assign(actor=world.dispatcher, order=order.pk)) for order in orders])
        assert all(kind == "ok" for kind, _value in outcomes), outcomes
        assignees = set(WorkOrder.objects.filter(pk__in=[o.pk for o in orders]).values_list("assignee_id", flat=True))
        assert assignees == {world.engineer.pk, world.engineer2.pk}
    rule.refresh_from_db()
    assert rule.last_user_id in {world.engineer.pk, world.engineer2.pk}
    assert DispatchRule.objects.count() == 1
