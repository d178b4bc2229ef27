"""Two (and more) completions drawing on the same personal stock row at once (issue 11): exactly as many
as the engineer holds succeed, the others change nothing and name the quantity available; the ledger
equals on-hand. Real threads with their own PostgreSQL connections."""

from decimal import Decimal

import pytest
from django.db import connection

from shouhou.core.errors import ValidationFailed
from shouhou.parts import services as part_services
from shouhou.parts.models import StockLevel
from shouhou.parts.tests.test_concurrency import race
from shouhou.workorders.models import Status, WorkOrder
from shouhou.workorders.services import actions as order_actions

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: row locks (SELECT … FOR UPDATE) are what this test proves"),
]

ORDERS = 4


def test_concurrent_completions_never_use_more_than_the_engineer_holds(tenant, owner, factories):
    f = factories
    engineer = f.accounts.user(roles=("engineer",))
    warehouse, part = f.parts.warehouse(), f.parts.part(sale_price="50.00")
    f.parts.stock(warehouse, part, 10)
    part_services.allocate(actor=owner, warehouse_id=warehouse.pk, holder_id=engineer.pk,
                           lines=[{"part_id": part.pk, "quantity": "2"}])
    orders = []
    for _ in range(ORDERS):
        order = f.workorders.assigned(assignee=engineer)
        orders.append(order_actions.start(actor=engineer, order=order_actions.accept(actor=engineer, order=order)))

    def complete(order):
        return lambda: order_actions.complete(actor=engineer, order=order.pk, content="换件",
                                              parts=[{"part_id": part.pk, "quantity": "1"}])

    outcomes = race(tenant, [complete(order) for order in orders])
    ok = [o for o in outcomes if o[0] == "ok"]
    refused = [o for o in outcomes if o[0] == "error"]
    assert len(ok) == 2 and len(refused) == ORDERS - 2, outcomes
    assert all(isinstance(exc, ValidationFailed) and "Only 0 of" in str(exc.details["parts.0.quantity"][0])
               for _kind, exc in refused)
    level = StockLevel.objects.get(part=part, holder=engineer)
    assert (level.quantity, level.reserved) == (Decimal(0), Decimal(0))
    finished = WorkOrder.objects.filter(pk__in=[o.pk for o in orders], status=Status.FINISHED)
    assert finished.count() == 2 and all(o.total_amount == Decimal("50.00") for o in finished)
    assert part_services.ledger_differences() == []
