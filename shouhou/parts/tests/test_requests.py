"""Requisitions (申领) and returns (退回): approve all or part, refuse, withdraw, scope of approvers."""

from decimal import Decimal

import pytest

from shouhou.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shouhou.parts import queries, services
from shouhou.parts.models import StockMovement, StockRequest
from shouhou.parts.testing_helpers import on_hand

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(f, keeper, engineer):
    warehouse = f.parts.warehouse(name="总仓", managers=[keeper])
    first, second = f.parts.part(), f.parts.part()
    f.parts.stock(warehouse, first, 10)
    f.parts.stock(warehouse, second, 10)
    return warehouse, first, second


def ask(engineer, warehouse, *lines, note=""):
    return services.create_requisition(actor=engineer, warehouse_id=warehouse.pk, note=note,
                                       lines=[{"part_id": p.pk, "quantity": q} for p, q in lines])


def test_full_approval_issues_into_personal_stock(world, keeper, engineer):
    warehouse, first, second = world
    requisition = ask(engineer, warehouse, (first, 2), (second, 1), note="维修用")
    assert requisition.status == StockRequest.Status.PENDING and requisition.number.startswith("SL")
    services.approve_request(actor=keeper, stock_request=requisition, expected_version=0)
    requisition.refresh_from_db()
    assert requisition.status == StockRequest.Status.APPROVED and requisition.decided_by == keeper
    assert on_hand(first, holder=engineer) == 2 and on_hand(first, warehouse=warehouse) == 8
    issued = StockMovement.objects.filter(request=requisition)
    assert set(issued.values_list("kind", flat=True)) == {"requisition_issue"} and issued.count() == 4


def test_partial_approval(world, keeper, engineer):
    warehouse, first, second = world
    requisition = ask(engineer, warehouse, (first, 3), (second, 2))
    services.approve_request(actor=keeper, stock_request=requisition, lines=[{"part_id": first.pk, "quantity": 1}])
    requisition.refresh_from_db()
    assert requisition.status == StockRequest.Status.PARTLY
    assert on_hand(first, holder=engineer) == 1 and on_hand(second, holder=engineer) == 0
    assert [line.approved_quantity for line in requisition.lines.all()] == [Decimal(1), Decimal(0)]


def test_approval_beyond_the_request_or_the_stock_is_refused(world, keeper, engineer):
    warehouse, first, _second = world
    requisition = ask(engineer, warehouse, (first, 3))
    with pytest.raises(ValidationFailed):
        services.approve_request(actor=keeper, stock_request=requisition, lines=[{"part_id": first.pk, "quantity": 4}])
    with pytest.raises(ValidationFailed):
        services.approve_request(actor=keeper, stock_request=requisition, lines=[{"part_id": first.pk, "quantity": 0}])
    big = ask(engineer, warehouse, (first, 11))
    with pytest.raises(ValidationFailed) as caught:
        services.approve_request(actor=keeper, stock_request=big)
    assert "Only 10 of" in str(caught.value.details["lines.0.quantity"][0])
    big.refresh_from_db()
    assert big.status == StockRequest.Status.PENDING and on_hand(first, holder=engineer) == 0


def test_refuse_withdraw_and_decided_requests(world, keeper, engineer, f):
    warehouse, first, _second = world
    refused = ask(engineer, warehouse, (first, 1))
    services.refuse_request(actor=keeper, stock_request=refused, note="库存不足")
    refused.refresh_from_db()
    assert refused.status == StockRequest.Status.REFUSED and refused.decision_note == "库存不足"
    with pytest.raises(Conflict):
        services.approve_request(actor=keeper, stock_request=refused)
    withdrawn = ask(engineer, warehouse, (first, 1))
    with pytest.raises(Conflict):  # stale version
        services.withdraw_request(actor=engineer, stock_request=withdrawn, expected_version=3)
    services.withdraw_request(actor=engineer, stock_request=withdrawn)
    withdrawn.refresh_from_db()
    assert withdrawn.status == StockRequest.Status.WITHDRAWN
    other = f.accounts.user(roles=("engineer",))
    third = ask(engineer, warehouse, (first, 1))
    with pytest.raises(NotFound):  # another engineer does not even see it
        services.withdraw_request(actor=other, stock_request=third)


def test_only_the_warehouses_keeper_or_an_all_scope_approver_decides(world, engineer, f, owner):
    warehouse, first, _second = world
    other_keeper = f.accounts.user(roles=("warehouse",))
    requisition = ask(engineer, warehouse, (first, 1))
    with pytest.raises(NotFound):
        services.approve_request(actor=other_keeper, stock_request=requisition)
    with pytest.raises(PermissionDenied):
        services.approve_request(actor=engineer, stock_request=requisition)
    assert requisition not in queries.requests(other_keeper)
    assert requisition in queries.requests(engineer)
    services.approve_request(actor=owner, stock_request=requisition)  # the admin's scope is all


def test_return_moves_personal_stock_back_after_approval(world, keeper, engineer):
    warehouse, first, _second = world
    services.approve_request(actor=keeper, stock_request=ask(engineer, warehouse, (first, 3)))
    with pytest.raises(ValidationFailed):  # more than he holds
        services.create_return(actor=engineer, warehouse_id=warehouse.pk,
                               lines=[{"part_id": first.pk, "quantity": 4}])
    back = services.create_return(actor=engineer, warehouse_id=warehouse.pk,
                                  lines=[{"part_id": first.pk, "quantity": 2}])
    assert on_hand(first, holder=engineer) == 3  # nothing moves before approval
    services.approve_request(actor=keeper, stock_request=back)
    assert on_hand(first, holder=engineer) == 1 and on_hand(first, warehouse=warehouse) == 9
    assert set(StockMovement.objects.filter(request=back).values_list("kind", flat=True)) == {"return"}
    assert services.ledger_differences() == []


def test_requisition_of_serial_parts_picks_units(f, keeper, engineer):
    warehouse = f.parts.warehouse(managers=[keeper])
    part = f.parts.part(serial_tracked=True)
    f.parts.stock(warehouse, part, 3, serials=["A1", "A2", "A3"])
    requisition = ask(engineer, warehouse, (part, 2))
    services.approve_request(actor=keeper, stock_request=requisition)
    from shouhou.parts.models import SerialUnit

    assert set(SerialUnit.objects.filter(holder=engineer).values_list("serial", flat=True)) == {"A1", "A2"}


def test_requisition_from_a_defective_warehouse_or_without_permission_is_refused(f, engineer):
    defective, part = f.parts.warehouse(kind="defective"), f.parts.part()
    with pytest.raises(ValidationFailed):
        ask(engineer, defective, (part, 1))
    visitor = f.accounts.user(roles=("visitor",))
    with pytest.raises(PermissionDenied):
        ask(visitor, f.parts.warehouse(), (part, 1))


def test_rebuild_stock_check_reports_and_repairs_differences(world, f):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from shouhou.parts.models import StockLevel

    warehouse, first, _second = world
    out = StringIO()
    call_command("rebuild_stock", "--check", stdout=out)
    assert "matches" in out.getvalue()
    StockLevel.objects.filter(part=first, warehouse=warehouse).update(quantity=Decimal(7))
    with pytest.raises(CommandError):
        call_command("rebuild_stock", "--check", stdout=StringIO())
    call_command("rebuild_stock", stdout=StringIO())
    assert on_hand(first, warehouse=warehouse) == 10
