"""The stock ledger: every movement kind, refusals with the quantity available, serial units, safety
stock, the warehouse keeper's scope, and ledger == on-hand."""

from decimal import Decimal

import pytest

from shouhou.core.errors import NotFound, PermissionDenied, ValidationFailed
from shouhou.parts import queries, services
from shouhou.parts.models import SerialUnit, StockLevel, StockMovement
from shouhou.parts.testing_helpers import on_hand

pytestmark = pytest.mark.django_db


def line(part, quantity, serials=None):
    data = {"part_id": part.pk, "quantity": str(quantity)}
    if serials is not None:
        data["serials"] = serials
    return data


def test_in_out_transfer_allocate_and_adjust_keep_ledger_and_on_hand(f, owner, engineer):
    a, b = f.parts.warehouse(name="总仓"), f.parts.warehouse(name="区域仓", kind="regional")
    part = f.parts.part(cost_price="12.50")
    services.stock_in(actor=owner, warehouse_id=a.pk, lines=[line(part, "10.5")], reason="采购")
    services.stock_out(actor=owner, warehouse_id=a.pk, lines=[line(part, 2)])
    services.transfer(actor=owner, warehouse_id=a.pk, to_warehouse_id=b.pk, lines=[line(part, 3)])
    services.allocate(actor=owner, warehouse_id=b.pk, holder_id=engineer.pk, lines=[line(part, 1)])
    services.adjust_stock(actor=owner, warehouse_id=a.pk, part_id=part.pk, quantity="5", reason="盘点")
    assert on_hand(part, warehouse=a) == Decimal("5")
    assert on_hand(part, warehouse=b) == Decimal("2")
    assert on_hand(part, holder=engineer) == Decimal("1")
    kinds = list(StockMovement.objects.order_by("id").values_list("kind", "quantity"))
    assert [k for k, _q in kinds] == ["in", "out", "transfer_out", "transfer_in", "allocate", "allocate",
                                      "adjustment"]
    assert kinds[-1][1] == Decimal("-0.5")
    assert StockMovement.objects.filter(kind="in").get().unit_cost == Decimal("12.50")
    assert services.ledger_differences() == []


def test_out_beyond_on_hand_is_refused_with_the_available_quantity_and_changes_nothing(f, owner):
    warehouse, part = f.parts.warehouse(), f.parts.part()
    f.parts.stock(warehouse, part, 4)
    before = StockMovement.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.stock_out(actor=owner, warehouse_id=warehouse.pk, lines=[line(part, 5)])
    assert "Only 4 of" in str(caught.value.details["lines.0.quantity"][0])
    assert StockMovement.objects.count() == before and on_hand(part, warehouse=warehouse) == 4


def test_all_shortages_of_a_move_are_refused_at_once(f, owner, engineer):
    warehouse, first, second = f.parts.warehouse(), f.parts.part(), f.parts.part()
    f.parts.stock(warehouse, first, 1)
    with pytest.raises(ValidationFailed) as caught:
        services.allocate(actor=owner, warehouse_id=warehouse.pk, holder_id=engineer.pk,
                          lines=[line(first, 2), line(second, 1)])
    assert set(caught.value.details) == {"lines.0.quantity", "lines.1.quantity"}
    assert on_hand(first, warehouse=warehouse) == 1 and on_hand(first, holder=engineer) == 0


@pytest.mark.parametrize("bad, key", [
    ({"quantity": "0"}, "lines.0.quantity"), ({"quantity": "-1"}, "lines.0.quantity"),
    ({"quantity": "1.0001"}, "lines.0.quantity"), ({"quantity": "abc"}, "lines.0.quantity"),
    ({"quantity": "NaN"}, "lines.0.quantity"), ({"quantity": "1e20"}, "lines.0.quantity"),
    ({"part_id": 999999999}, "lines.0.part_id"), ({"part_id": "x"}, "lines.0.part_id"),
])
def test_bad_lines_are_refused(f, owner, bad, key):
    warehouse, part = f.parts.warehouse(), f.parts.part()
    with pytest.raises(ValidationFailed) as caught:
        services.stock_in(actor=owner, warehouse_id=warehouse.pk, lines=[{**line(part, 1), **bad}])
    assert key in caught.value.details
    assert not StockMovement.objects.exists()


def test_empty_lines_and_same_part_twice_are_refused(f, owner):
    warehouse, part = f.parts.warehouse(), f.parts.part()
    with pytest.raises(ValidationFailed) as caught:
        services.stock_in(actor=owner, warehouse_id=warehouse.pk, lines=[])
    assert "lines" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        services.stock_in(actor=owner, warehouse_id=warehouse.pk, lines=[line(part, 1), line(part, 2)])
    assert "lines.1.part_id" in caught.value.details


def test_transfer_to_the_same_warehouse_and_allocation_from_a_defective_one_are_refused(f, owner, engineer):
    warehouse, defective, part = f.parts.warehouse(), f.parts.warehouse(kind="defective"), f.parts.part()
    f.parts.stock(warehouse, part, 2)
    f.parts.stock(defective, part, 2)
    with pytest.raises(ValidationFailed) as caught:
        services.transfer(actor=owner, warehouse_id=warehouse.pk, to_warehouse_id=warehouse.pk, lines=[line(part, 1)])
    assert "to_warehouse_id" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        services.allocate(actor=owner, warehouse_id=defective.pk, holder_id=engineer.pk, lines=[line(part, 1)])
    assert "warehouse_id" in caught.value.details


def test_serial_units_move_by_number_and_keep_their_history(f, owner, engineer):
    a, b = f.parts.warehouse(), f.parts.warehouse()
    part = f.parts.part(serial_tracked=True)
    f.parts.stock(a, part, 2, serials=["SN1", "SN2"])
    services.transfer(actor=owner, warehouse_id=a.pk, to_warehouse_id=b.pk, lines=[line(part, 1, ["SN2"])])
    services.allocate(actor=owner, warehouse_id=b.pk, holder_id=engineer.pk, lines=[line(part, 1, ["SN2"])])
    unit = SerialUnit.objects.get(serial="SN2")
    assert unit.state == SerialUnit.State.HELD and unit.holder == engineer
    assert [event.movement.kind for event in unit.events.all()] == ["in", "transfer_out", "transfer_in",
                                                                    "allocate", "allocate"]
    with pytest.raises(ValidationFailed) as caught:  # SN2 is no longer at a
        services.stock_out(actor=owner, warehouse_id=a.pk, lines=[line(part, 1, ["SN2"])])
    assert "lines.0.serials" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:  # a unit already in stock cannot come in again
        f.parts.stock(a, part, 1, serials=["SN1"])
    with pytest.raises(ValidationFailed) as caught:  # serials required, whole units, as many as the quantity
        services.stock_in(actor=owner, warehouse_id=a.pk, lines=[line(part, 1)])
    with pytest.raises(ValidationFailed):
        services.stock_in(actor=owner, warehouse_id=a.pk, lines=[line(part, 2, ["SN7"])])
    with pytest.raises(ValidationFailed):
        services.stock_in(actor=owner, warehouse_id=a.pk, lines=[line(part, "1.5", ["SN7", "SN8"])])
    services.stock_out(actor=owner, warehouse_id=a.pk, lines=[line(part, 1, ["SN1"])])
    assert SerialUnit.objects.get(serial="SN1").state == SerialUnit.State.GONE
    assert services.ledger_differences() == []


def test_serials_on_a_part_that_is_not_tracked_are_refused(f, owner):
    warehouse, part = f.parts.warehouse(), f.parts.part()
    with pytest.raises(ValidationFailed) as caught:
        services.stock_in(actor=owner, warehouse_id=warehouse.pk, lines=[line(part, 1, ["X"])])
    assert "lines.0.serials" in caught.value.details


def test_safety_stock_marks_rows_below_it(f, owner):
    warehouse, part = f.parts.warehouse(), f.parts.part()
    f.parts.stock(warehouse, part, 3)
    services.set_safety_stock(actor=owner, warehouse_id=warehouse.pk, part_id=part.pk, safety_quantity="5")
    assert queries.warehouse_levels(owner).filter(queries.below_safety()).count() == 1
    with pytest.raises(ValidationFailed):
        services.set_safety_stock(actor=owner, warehouse_id=warehouse.pk, part_id=part.pk, safety_quantity="-1")


def test_keeper_sees_and_moves_only_his_warehouses(f, owner, keeper, engineer):
    mine, other = f.parts.warehouse(managers=[keeper]), f.parts.warehouse()
    part = f.parts.part()
    f.parts.stock(mine, part, 5)
    f.parts.stock(other, part, 5)
    assert list(queries.visible_warehouses(keeper)) == [mine]
    assert {level.warehouse for level in queries.warehouse_levels(keeper)} == {mine}
    services.stock_out(actor=keeper, warehouse_id=mine.pk, lines=[line(part, 1)])
    with pytest.raises(ValidationFailed) as caught:
        services.stock_out(actor=keeper, warehouse_id=other.pk, lines=[line(part, 1)])
    assert "warehouse_id" in caught.value.details
    assert on_hand(part, warehouse=other) == 5
    # the keeper may transfer from his warehouse into another one
    services.transfer(actor=keeper, warehouse_id=mine.pk, to_warehouse_id=other.pk, lines=[line(part, 1)])
    # an engineer may not move stock at all
    with pytest.raises(PermissionDenied):
        services.stock_in(actor=engineer, warehouse_id=mine.pk, lines=[line(part, 1)])


def test_another_companys_warehouse_and_part_cannot_be_used(f, owner, surface_other):
    their_warehouse, their_part = surface_other
    warehouse, part = f.parts.warehouse(), f.parts.part()
    with pytest.raises(ValidationFailed) as caught:
        services.stock_in(actor=owner, warehouse_id=their_warehouse.pk, lines=[line(their_part, 1)])
    assert {"warehouse_id", "lines.0.part_id"} <= set(caught.value.details)
    with pytest.raises(NotFound):
        queries.get_warehouse(owner, their_warehouse.pk)
    assert warehouse and part


@pytest.fixture
def surface_other(other_company, factories_for):
    from shouhou.core.tenancy import tenant_context

    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        f = factories_for(other_owner)
        return f.parts.warehouse(), f.parts.part()


def test_database_refuses_a_negative_on_hand(f):
    from django.db import IntegrityError, transaction

    warehouse, part = f.parts.warehouse(), f.parts.part()
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.create(part=part, warehouse=warehouse, quantity=Decimal("-1"))


def test_removal_takes_several_lines_out_with_the_reason_and_serial_units_are_gone(f, owner):
    """移除 (scrapped or lost): several lines at once, a reason required, refused beyond on-hand."""
    warehouse, plain, tracked = f.parts.warehouse(), f.parts.part(), f.parts.part(serial_tracked=True)
    f.parts.stock(warehouse, plain, 5)
    f.parts.stock(warehouse, tracked, 2, serials=["SN-1", "SN-2"])
    with pytest.raises(ValidationFailed) as caught:
        services.remove_stock(actor=owner, warehouse_id=warehouse.pk, lines=[line(plain, 1)], reason="  ")
    assert "reason" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        services.remove_stock(actor=owner, warehouse_id=warehouse.pk, lines=[line(plain, 6)], reason="报废")
    assert "Only 5 of" in str(caught.value.details["lines.0.quantity"][0])
    services.remove_stock(actor=owner, warehouse_id=warehouse.pk, reason="受潮报废",
                          lines=[line(plain, 2), line(tracked, 1, ["SN-2"])])
    assert on_hand(plain, warehouse=warehouse) == 3 and on_hand(tracked, warehouse=warehouse) == 1
    rows = StockMovement.objects.filter(kind=StockMovement.Kind.REMOVAL)
    assert rows.count() == 2 and set(rows.values_list("reason", flat=True)) == {"受潮报废"}
    assert SerialUnit.objects.get(serial="SN-2").state == SerialUnit.State.GONE
    assert services.ledger_differences() == []


def test_removal_is_refused_to_an_engineer(f, owner, engineer):
    warehouse, part = f.parts.warehouse(), f.parts.part()
    f.parts.stock(warehouse, part, 1)
    with pytest.raises((PermissionDenied, NotFound)):
        services.remove_stock(actor=engineer, warehouse_id=warehouse.pk, lines=[line(part, 1)], reason="报废")
    assert on_hand(part, warehouse=warehouse) == 1
