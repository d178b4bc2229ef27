"""A property over random movement sequences: after any sequence of stock in / out / transfer / allocate /
requisition / return — refused or not — the on-hand rows equal the ledger sums and none is negative."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shouhou.core.errors import ValidationFailed
from shouhou.parts import services
from shouhou.parts.models import StockLevel

pytestmark = pytest.mark.django_db

QUANTITIES = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("20"), places=3)
STEP = st.tuples(st.sampled_from(["in", "out", "transfer", "allocate", "return", "adjust"]),
                 st.integers(0, 2), st.integers(0, 1), st.integers(0, 1), QUANTITIES)


@pytest.fixture
def world(f, owner):
    warehouses = [f.parts.warehouse(), f.parts.warehouse()]
    parts = [f.parts.part(), f.parts.part(), f.parts.part()]
    holders = [f.accounts.user(roles=("engineer",)), f.accounts.user(roles=("engineer",))]
    return warehouses, parts, holders


def run(owner, step, warehouses, parts, holders):
    kind, part_index, place, other, amount = step
    part, lines = parts[part_index], [{"part_id": parts[part_index].pk, "quantity": str(amount)}]
    warehouse, holder = warehouses[place], holders[other]
    if kind == "in":
        services.stock_in(actor=owner, warehouse_id=warehouse.pk, lines=lines)
    elif kind == "out":
        services.stock_out(actor=owner, warehouse_id=warehouse.pk, lines=lines)
    elif kind == "transfer":
        services.transfer(actor=owner, warehouse_id=warehouse.pk, to_warehouse_id=warehouses[1 - place].pk,
                          lines=lines)
    elif kind == "allocate":
        services.allocate(actor=owner, warehouse_id=warehouse.pk, holder_id=holder.pk, lines=lines)
    elif kind == "return":
        back = services.create_return(actor=holder, warehouse_id=warehouse.pk, lines=lines)
        services.approve_request(actor=owner, stock_request=back)
    else:
        services.adjust_stock(actor=owner, warehouse_id=warehouse.pk, part_id=part.pk, quantity=str(amount),
                              reason="盘点")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=25))
def test_ledger_sums_equal_on_hand_and_never_negative(owner, world, steps):
    warehouses, parts, holders = world
    with transaction.atomic():
        for step in steps:
            try:
                run(owner, step, warehouses, parts, holders)
            except ValidationFailed as exc:  # a refusal: only shortages are expected
                assert all("quantity" in key for key in exc.details), exc.details
        assert services.ledger_differences() == []
        assert not StockLevel.objects.filter(quantity__lt=0).exists()
        transaction.set_rollback(True)
