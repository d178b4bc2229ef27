"""Settling: the 结算 node performed through the flow runner — frozen amounts, adjustments, all-or-nothing
batches, approvals, refusals, scope — and the KPI figures."""

from decimal import Decimal

import pytest

from shouhou.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shouhou.core.models import Activity, OutboxEvent
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import make_user
from shouhou.parts.services import catalogue
from shouhou.settlement import queries, services
from shouhou.settlement.models import Settlement
from shouhou.workorders import flow
from shouhou.workorders.models import Status
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import approvals as approval_services

pytestmark = pytest.mark.django_db


def test_settling_freezes_the_fee_lines_and_amount(owner, factories):
    item = factories.settlement.service_item("80.00")
    order = factories.settlement.finished(item=item, quantity="2")
    assert order.total_amount == Decimal("160.00")
    order = services.settle(actor=owner, order=order, adjustment="-10", reason="老客户优惠",
                            expected_version=order.version)
    assert order.status == Status.SETTLED
    settlement = Settlement.objects.get(order=order)
    assert (settlement.fees_total, settlement.adjustment, settlement.amount) == (
        Decimal("160.00"), Decimal("-10.00"), Decimal("150.00"))
    assert settlement.reason == "老客户优惠" and settlement.lines[0]["line_total"] == "160.00"
    # a later price change does not alter what was settled
    catalogue.update_service_item(actor=owner, item=item, sale_price=Decimal("999.00"))
    settlement.refresh_from_db()
    assert settlement.amount == Decimal("150.00") and settlement.lines[0]["unit_price"] == "80.00"
    row = queries.get_settlement_order(owner, order.pk)
    assert row.amount_due == Decimal("150.00") and queries.is_settled(row)
    assert Activity.objects.filter(object_id=str(order.pk), verb="settled").exists()
    assert OutboxEvent.objects.filter(name="workorder.settled").exists()


def test_an_adjustment_needs_a_reason_and_may_not_make_the_amount_negative(owner, factories):
    order = factories.settlement.finished()
    with pytest.raises(ValidationFailed) as no_reason:
        services.settle(actor=owner, order=order, adjustment="5")
    assert "reason" in no_reason.value.details
    with pytest.raises(ValidationFailed) as negative:
        services.settle(actor=owner, order=order, adjustment="-80.01", reason="全免")
    assert "adjustment" in negative.value.details
    for bad in ("abc", "1.234", "NaN", "1e20"):
        with pytest.raises(ValidationFailed):
            services.settle(actor=owner, order=order, adjustment=bad, reason="x")
    order.refresh_from_db()
    assert order.status == Status.FINISHED and not Settlement.objects.exists()
    assert services.settle(actor=owner, order=order, adjustment="-80", reason="全免").status == Status.SETTLED
    assert Settlement.objects.get().amount == Decimal("0.00")


def test_settling_twice_or_an_unfinished_order_is_refused(owner, factories):
    order = factories.settlement.settled()
    with pytest.raises(Conflict):
        services.settle(actor=owner, order=order)
    pending = factories.workorders.order(order_type=factories.settlement.settling_type())
    with pytest.raises(Conflict):
        services.settle(actor=owner, order=pending)
    assert Settlement.objects.count() == 1


def test_a_type_without_the_settle_node_cannot_settle(owner, factories):
    order = factories.workorders.finished()
    with pytest.raises(Conflict):
        services.settle(actor=owner, order=order)


def test_batch_settle_is_all_or_nothing(owner, factories):
    first = factories.settlement.finished()
    second = factories.settlement.finished()
    done_already = factories.settlement.settled()
    with pytest.raises(Conflict) as refused:
        services.batch_settle(actor=owner, orders=[first.pk, second.pk, done_already.pk])
    assert done_already.number in refused.value.message
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == Status.FINISHED
    assert Settlement.objects.count() == 1
    done = services.batch_settle(actor=owner, orders=[second.pk, first.pk], adjustment="5", reason="加急费")
    assert [order.status for order in done] == [Status.SETTLED, Status.SETTLED]
    assert sorted(Settlement.objects.filter(adjustment=5).values_list("amount", flat=True)) == [
        Decimal("85.00"), Decimal("85.00")]
    with pytest.raises(ValidationFailed):
        services.batch_settle(actor=owner, orders=[])


def test_the_settle_node_approval_settles_only_once_approved(tenant, owner, factories):
    approver = make_user(tenant, roles=("manager",))
    order = factories.settlement.finished(order_type=factories.settlement.settling_type(approver=approver))
    order = services.settle(actor=owner, order=order, adjustment="-20", reason="质量问题")
    assert order.awaiting_approval and order.status == Status.FINISHED
    assert not Settlement.objects.exists()
    approval = order.approvals.get(state="pending")
    approval_services.approve(actor=approver, approval=approval)
    order.refresh_from_db()
    assert order.status == Status.SETTLED and not order.awaiting_approval
    settlement = Settlement.objects.get()
    assert settlement.amount == Decimal("60.00") and settlement.settled_by == owner


def test_who_may_settle_and_another_companys_order(tenant, owner, factories, other_company):
    order = factories.settlement.finished()
    director = make_user(tenant, roles=("director",))  # sees every order, may not settle
    with pytest.raises(PermissionDenied):
        services.settle(actor=director, order=order)
    engineer = make_user(tenant, roles=("engineer",))  # not his order: outside his scope
    with pytest.raises(NotFound):
        services.settle(actor=engineer, order=order)
    clerk = make_user(tenant, roles=("finance",))
    assert services.settle(actor=clerk, order=order).status == Status.SETTLED
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        with pytest.raises(NotFound):
            services.batch_settle(actor=other_owner, orders=[order.pk])


def test_reopening_a_settled_order_makes_it_unsettled_and_a_new_settlement_replaces_the_old(owner, factories):
    order = factories.settlement.settled()
    order = order_actions.reopen(actor=owner, order=order, reason="漏装配件")
    order = order_actions.complete(actor=owner, order=order, content="补装完成")
    row = queries.get_settlement_order(owner, order.pk)
    assert not queries.is_settled(row)
    services.settle(actor=owner, order=order)
    assert Settlement.objects.filter(order=order).count() == 2
    assert Settlement.objects.filter(order=order, is_current=True).count() == 1


def test_kpis_and_the_current_total(owner, factories):
    factories.settlement.finished()  # ¥80 unsettled
    factories.settlement.finished(quantity="3")  # ¥240 unsettled
    factories.settlement.settled(adjustment="-30", reason="折扣")  # ¥50 settled
    factories.workorders.finished()  # a type without 结算: not on the page
    kpis = queries.kpis(owner)
    assert kpis == {"unsettled_count": 2, "unsettled_amount": Decimal("320.00"), "recent_count": 1,
                    "recent_amount": Decimal("50.00")}
    qs = queries.settlement_orders(owner)
    assert queries.total_of(qs) == Decimal("370.00")
    assert queries.total_of(queries.filter_tab(qs, "settled")) == Decimal("50.00")
    assert queries.filter_tab(qs, "unsettled").count() == 2


def test_the_node_is_available_once_the_module_registered():
    assert flow.is_available("settle")
