"""No dead ends (issue 15): a link the user may no longer open answers 404 with a clear page and a way back,
on the console and on the phone. Only a same-company order moved away from him says "transferred"; a
deleted order, an order outside his scope and another company's order all read the same."""

import pytest
from django.urls import reverse

from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import client_for, make_user
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import orders as order_services

from .conftest import World

TRANSFERRED = "This work order has been transferred to someone else."
GONE = "This record has been deleted or you may not view it."
SURFACES = {
    "console": ("workorders:detail", "/work-orders/", "/"),
    "phone": ("mobile:order_detail", "/m/orders/", "/m/"),
}


def _page(client, surface, pk):
    name, _list, _home = SURFACES[surface]
    page = client.get(reverse(name, args=[pk]))
    return page, page.content.decode()


def _assert_dead_end(page, html, surface, message):
    _name, list_url, home_url = SURFACES[surface]
    assert page.status_code == 404
    assert message in html
    assert f'href="{list_url}"' in html and "Back to the list" in html
    assert f'href="{home_url}"' in html and "Back to home" in html


@pytest.mark.parametrize("surface", SURFACES)
def test_an_order_transferred_away_says_so(world, surface):
    order = world.assigned()  # to 工程师甲
    client = client_for(world.engineer)
    assert _page(client, surface, order.pk)[0].status_code == 200
    order_actions.transfer(actor=world.dispatcher, order=order, assignee=world.engineer2, note="换人")
    page, html = _page(client, surface, order.pk)
    _assert_dead_end(page, html, surface, TRANSFERRED)
    assert GONE not in html


@pytest.mark.parametrize("surface", SURFACES)
def test_a_collaborator_removed_from_the_order_is_told_it_moved(world, surface):
    order = world.assigned()
    order_services.update_work_order(actor=world.dispatcher, order=order, collaborator_ids=[world.engineer2.pk])
    client = client_for(world.engineer2)
    assert _page(client, surface, order.pk)[0].status_code == 200
    order = WorkOrder.objects.get(pk=order.pk)
    order_services.update_work_order(actor=world.dispatcher, order=order, collaborator_ids=[])
    _assert_dead_end(*_page(client, surface, order.pk), surface, TRANSFERRED)


@pytest.mark.parametrize("surface", SURFACES)
def test_a_deleted_order_is_the_plain_dead_end(world, surface):
    order = world.assigned()
    client = client_for(world.engineer)
    order_actions.transfer(actor=world.dispatcher, order=order, assignee=world.engineer2, note="换人")
    WorkOrder.objects.filter(pk=order.pk).delete()
    page, html = _page(client, surface, order.pk)
    _assert_dead_end(page, html, surface, GONE)
    assert TRANSFERRED not in html


@pytest.mark.parametrize("surface", SURFACES)
def test_an_order_never_his_is_the_plain_dead_end(world, surface):
    """Out of his scope (never assigned to him): he learns nothing beyond "deleted or not yours"."""
    order = world.assigned(assignee=world.engineer2)
    order_actions.transfer(actor=world.dispatcher, order=order, assignee=world.engineer, note="换人")
    order_actions.transfer(actor=world.dispatcher, order=WorkOrder.objects.get(pk=order.pk),
                           assignee=world.engineer2, note="换回")
    stranger = make_user(world.tenant, roles=("engineer",), name="路人")
    page, html = _page(client_for(stranger), surface, order.pk)
    _assert_dead_end(page, html, surface, GONE)
    assert TRANSFERRED not in html


@pytest.mark.parametrize("surface", SURFACES)
def test_another_companys_order_reads_as_missing_even_with_the_same_names(world, other_company, surface):
    """An order of another company transferred away from a namesake: indistinguishable from a missing id."""
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        theirs = World(other_tenant, other_owner)
        order = theirs.assigned()  # to their 工程师甲
        order_actions.transfer(actor=theirs.dispatcher, order=order, assignee=theirs.engineer2, note="换人")
    client = client_for(world.engineer)  # our 工程师甲
    page, html = _page(client, surface, order.pk)
    missing, missing_html = _page(client, surface, 987654321)
    assert page.status_code == missing.status_code == 404
    assert TRANSFERRED not in html and GONE in html
    for key in ("message", "transferred", "list_url", "home_url"):
        assert page.context[key] == missing.context[key]


def test_edit_and_print_pages_get_the_same_page(world):
    order = world.assigned()
    client = client_for(world.engineer)
    order_actions.transfer(actor=world.dispatcher, order=order, assignee=world.engineer2, note="换人")
    for name in ("workorders:edit", "workorders:print"):
        page = client.get(reverse(name, args=[order.pk]))
        assert page.status_code == 404 and TRANSFERRED in page.content.decode()


def test_the_api_answer_is_unchanged(world):
    order = world.assigned()
    order_actions.transfer(actor=world.dispatcher, order=order, assignee=world.engineer2, note="换人")
    answer = client_for(world.engineer).get(f"/api/v1/work-orders/{order.pk}")
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    assert "transferred" not in answer.content.decode()


def test_a_stale_approval_link_gets_the_dead_end_page(world):
    page = client_for(world.approver).get(reverse("workorders:approval_approve", args=[987654]))
    html = page.content.decode()
    assert page.status_code == 404 and GONE in html and 'href="/work-orders/approvals/"' in html


# --- links to other modules' pages only for roles that may open them (issue 15) ------------------------------

def test_the_detail_links_customer_and_product_only_for_roles_that_may_open_them(world, factories):
    product = factories.products.product(customer=world.customer)
    order = world.make_order(product=product)
    customer_href = f'href="{reverse("customers:detail", args=[world.customer.pk])}"'
    product_href = f'href="{reverse("products:detail", args=[product.pk])}"'
    page = client_for(world.owner).get(reverse("workorders:detail", args=[order.pk])).content.decode()
    assert customer_href in page and product_href in page
    reader = factories.accounts.user_with(["workorder.view"], scopes={"workorder": "all"})
    response = client_for(reader).get(reverse("workorders:detail", args=[order.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert customer_href not in page and product_href not in page
    assert world.customer.name in page and product.name in page  # plain text instead
    assert client_for(reader).get(reverse("customers:detail", args=[world.customer.pk])).status_code == 403
