"""Approvers outside an order's data scope open it read-only to decide (console and phone, also from the
notification); a link gone stale (order transferred away, decided, deleted) shows a page saying so, with a
link back, in the console's and the phone's layout — never a bare 404."""

import pytest
from django.urls import reverse

from shouhou.core.errors import NotFound
from shouhou.core.testing import client_for
from shouhou.messaging.models import Notification
from shouhou.workorders import flow
from shouhou.workorders.models import Approval, WorkOrder
from shouhou.workorders.queries import orders as order_queries
from shouhou.workorders.services import actions as order_actions

GONE = "This record has been deleted or you may not view it."
TRANSFERRED = "This work order has been transferred to someone else."
READ_ONLY = "it waits for your approval"


@pytest.fixture
def waiting(world, django_capture_on_commit_callbacks):
    """An order whose assignment waits for 工程师乙 (scope "own": he cannot see the order otherwise)."""
    config = flow.default_flow()
    config["assign"]["approval"] = {"rule": "users", "user_ids": [world.engineer2.pk], "role_id": None}
    order = world.make_order(world.make_type(flow=config))
    with django_capture_on_commit_callbacks(execute=True):
        order = order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer)
    assert not order_queries.visible_work_orders(world.engineer2).filter(pk=order.pk).exists()
    return order


def test_a_pending_approver_opens_the_order_read_only_on_the_console(world, waiting):
    client = client_for(world.engineer2)
    notification = Notification.objects.get(user=world.engineer2, category="approval")
    page = client.get(reverse("messaging:open", args=[notification.pk]), follow=True)
    assert page.status_code == 200 and page.context["order"].pk == waiting.pk
    assert page.context["read_only"] and page.context["actions"] == [] and not page.context["can_edit"]
    html = page.content.decode()
    assert READ_ONLY in html and "workorders:note_add" not in html
    assert reverse("workorders:note_add", args=[waiting.pk]) not in html
    approval = Approval.objects.get(order=waiting, state="pending")
    assert reverse("workorders:approval_approve", args=[approval.pk]) in html
    # read-only: no action, no note, no edit
    for url in (reverse("workorders:action_cancel", args=[waiting.pk]), reverse("workorders:edit", args=[waiting.pk]),
                reverse("workorders:note_add", args=[waiting.pk])):
        assert client.post(url, {"reason": "x", "content": "x", "expected_version": waiting.version}).status_code == 404
    assert WorkOrder.objects.get(pk=waiting.pk).version == waiting.version
    # deciding it sends him back to the approvals, where the order no longer opens for him
    done = client.post(reverse("workorders:approval_approve", args=[approval.pk]), {"note": "同意"})
    assert done.status_code == 302 and done["Location"] == reverse("workorders:approvals")
    gone = client.get(reverse("workorders:detail", args=[waiting.pk]))
    assert gone.status_code == 404 and GONE in gone.content.decode()


def test_a_pending_approver_opens_the_order_read_only_on_the_phone(world, waiting):
    client = client_for(world.engineer2)
    notification = Notification.objects.get(user=world.engineer2, category="approval")
    page = client.get(reverse("mobile:notification_open", args=[notification.pk]), follow=True)
    assert page.status_code == 200 and page.context["order"].pk == waiting.pk and page.context["read_only"]
    assert page.context["actions"] == {"primary": [], "secondary": [], "labels": {}} and not page.context["can_note"]
    assert READ_ONLY in page.content.decode()


def test_the_requester_and_strangers_get_no_read_only_access(world, waiting):
    with pytest.raises(NotFound):
        order_queries.open_work_order(world.engineer, waiting.pk)  # not an approver (and he cannot see it yet)
    order, read_only = order_queries.open_work_order(world.dispatcher, waiting.pk)
    assert not read_only


@pytest.mark.parametrize("surface", ["console", "phone"])
def test_a_stale_link_shows_a_page_saying_so(world, surface):
    order = world.assigned()  # to 工程师甲
    url = (reverse("workorders:detail", args=[order.pk]) if surface == "console"
           else reverse("mobile:order_detail", args=[order.pk]))
    client = client_for(world.engineer)
    assert client.get(url).status_code == 200
    order_actions.transfer(actor=world.dispatcher, order=order, assignee=world.engineer2, note="换人")
    for case in ("transferred", "deleted"):
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 404 and (TRANSFERRED if case == "transferred" else GONE) in html
        back = reverse("workorders:index") if surface == "console" else reverse("mobile:orders")
        assert f'href="{back}"' in html
        WorkOrder.objects.filter(pk=order.pk).delete()
