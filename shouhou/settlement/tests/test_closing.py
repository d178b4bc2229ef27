"""关闭工单 (WO-20): the list holds the orders that passed every enabled node (a type with 结算 on waits for
it); close one or many (all or none, approval per the close node); 已关闭 under 其他; reopening only by
administrators, on the timeline. Lives here because it needs a type with 结算 on."""

import pytest

from shouhou.core.errors import Conflict, PermissionDenied
from shouhou.core.models import Activity
from shouhou.core.testing import client_for, make_user
from shouhou.workorders import flow
from shouhou.workorders.models import Status
from shouhou.workorders.queries import closing as closing_queries
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import batch as batch_services

pytestmark = pytest.mark.django_db


def test_the_list_holds_orders_that_passed_every_enabled_node(owner, factories):
    plain = factories.workorders.finished()  # no 结算: closable once finished
    unsettled = factories.settlement.finished()  # 结算 on: waits for settlement first
    settled = factories.settlement.settled()
    open_order = factories.workorders.assigned()
    ids = set(closing_queries.closable_orders(owner).values_list("pk", flat=True))
    assert ids == {plain.pk, settled.pk}
    assert unsettled.pk not in ids and open_order.pk not in ids
    page = client_for(owner).get("/work-orders/closing/")
    html = page.content.decode()
    assert page.status_code == 200 and plain.number in html and unsettled.number not in html
    assert f'data-close="{plain.pk}"' in html


def test_batch_close_is_all_or_nothing_and_closed_orders_are_under_other(owner, factories):
    first, second = factories.workorders.finished(), factories.settlement.settled()
    not_ready = factories.settlement.finished()
    with pytest.raises(Conflict):
        batch_services.batch_close(actor=owner, orders=[first, second, not_ready])
    first.refresh_from_db()
    assert first.status == Status.FINISHED
    client = client_for(owner)
    assert client.get(f"/work-orders/batch/close/?ids={first.pk}&ids={second.pk}").status_code == 200
    assert client.post("/work-orders/batch/close/", {"ids": [first.pk, second.pk], "note": "归档"}).status_code == 302
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == Status.CLOSED and order.closed_at is not None
    closed_tab = client.get("/work-orders/list/?tab=closed")
    assert {row["obj"].pk for row in closed_tab.context["rows"]} == {first.pk, second.pk}
    assert not closing_queries.closable_orders(owner).filter(pk=first.pk).exists()


def test_closing_asks_for_approval_when_the_close_node_has_a_rule(tenant, owner, factories):
    approver = make_user(tenant, roles=("manager",))
    config = flow.default_flow()
    config["close"]["approval"] = {"rule": "users", "user_ids": [approver.pk], "role_id": None}
    order = factories.workorders.finished(order_type=factories.workorders.order_type(flow=config))
    done = batch_services.batch_close(actor=owner, orders=[order])
    assert done[0].awaiting_approval and done[0].status == Status.FINISHED


def test_only_administrators_reopen_a_closed_order_and_it_is_logged(tenant, owner, factories):
    order = order_actions.close(actor=owner, order=factories.workorders.finished())
    director = make_user(tenant, roles=("director",))  # may close, may not reopen
    with pytest.raises(PermissionDenied):
        order_actions.reopen(actor=director, order=order, reason="客户投诉")
    admin = make_user(tenant, roles=("manager",))
    order = order_actions.reopen(actor=admin, order=order, reason="客户投诉")
    assert order.status == Status.IN_PROGRESS
    entry = Activity.objects.get(object_id=str(order.pk), verb="reopened")
    assert entry.note == "客户投诉"
    engineer = make_user(tenant, roles=("engineer",))
    assert client_for(engineer).get("/work-orders/closing/").status_code == 403
    assert client_for(engineer).post("/work-orders/batch/close/", {"ids": [order.pk]}).status_code in (403, 404)
