"""Stock never goes negative under concurrency (issue 11): many people take from one on-hand row at the
same moment; exactly as many as it holds succeed, the rest are refused with the quantity available, and
the ledger equals on-hand. Real threads with their own PostgreSQL connections (SQLite serialises whole
writes, so the row lock under test does not exist there)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from shouhou.core.errors import ValidationFailed
from shouhou.core.tenancy import tenant_context
from shouhou.parts import services
from shouhou.parts.models import StockLevel, StockMovement
from shouhou.parts.testing_helpers import on_hand

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: row locks (SELECT … FOR UPDATE) are what this test proves"),
]

THREADS = 8


def race(tenant, calls):
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
        thread.join(timeout=60)
    return outcomes


def test_concurrent_outs_never_take_more_than_on_hand(tenant, owner, factories):
    warehouse, part = factories.parts.warehouse(), factories.parts.part()
    factories.parts.stock(warehouse, part, 5)
    line = [{"part_id": part.pk, "quantity": "1"}]
    outcomes = race(tenant, [lambda: services.stock_out(actor=owner, warehouse_id=warehouse.pk, lines=line)
                             for _ in range(THREADS)])
    ok = [o for o in outcomes if o[0] == "ok"]
    refused = [o for o in outcomes if o[0] == "error"]
    assert len(ok) == 5 and len(refused) == THREADS - 5
    assert all(isinstance(exc, ValidationFailed) and "Only 0 of" in str(exc.details["lines.0.quantity"][0])
               for _kind, exc in refused)
    assert on_hand(part, warehouse=warehouse) == Decimal(0)
    assert services.ledger_differences() == []


def test_concurrent_allocations_to_one_person_make_one_row(tenant, owner, factories):
    warehouse, part = factories.parts.warehouse(), factories.parts.part()
    engineer = factories.accounts.user(roles=("engineer",))
    factories.parts.stock(warehouse, part, 100)
    line = [{"part_id": part.pk, "quantity": "2"}]
    outcomes = race(tenant, [lambda: services.allocate(actor=owner, warehouse_id=warehouse.pk,
                                                       holder_id=engineer.pk, lines=line) for _ in range(THREADS)])
    assert all(kind == "ok" for kind, _value in outcomes), outcomes
    assert StockLevel.objects.filter(holder=engineer).count() == 1
    assert on_hand(part, holder=engineer) == 2 * THREADS
    assert StockMovement.objects.filter(holder=engineer).count() == THREADS
    assert services.ledger_differences() == []
