"""客户管理设置 "移动端搜索客户" (customer.mobile_search) on the phone's 新建工单 (MOB-12).

On (the default): the customer block has a search box and the search endpoint searches every customer
the engineer may see. Off: no search box; the block lists the customers the engineer already serves
(customers of work orders assigned to them or that they collaborate on), the endpoint refuses typed
text with a message (403) and changes nothing, and an order can still be created for a listed customer.
"""

import pytest
from django.urls import reverse

from shouhou.core.audit import SystemLog
from shouhou.core.company_settings import update_settings
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import client_for, make_user
from shouhou.customers.models import Customer
from shouhou.workorders.models import Status, WorkOrder
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import types as type_services

from .test_views import World, page_text


class SearchWorld(World):
    """World plus: a customer of an order the engineer collaborates on, one only the other engineer
    serves and one nobody serves yet — all in the engineer's team, so all within his customer scope."""

    def __init__(self, tenant, owner):
        super().__init__(tenant, owner)
        self.assigned = self.order(assignee=self.engineer)  # its customer is self.customer
        self.helped_customer = self._customer("协同客户", "MSC00002")
        self.collaborating = order_services.create_work_order(
            actor=self.dispatcher, order_type=self.order_type, customer=self.helped_customer,
            priority="normal", assignee=self.engineer2, collaborator_ids=[self.engineer.pk])
        self.others_customer = self._customer("同事的客户", "MSC00003")
        self.order(assignee=self.engineer2, customer_override=self.others_customer)
        self.new_customer = self._customer("尚未服务的客户", "MSC00004")

    def _customer(self, name, number):
        return Customer.objects.create(tenant=self.tenant, number=number, name=name, service_team=self.team)

    def order(self, *, assignee=None, customer_override=None, **extra):
        if customer_override is None:
            return super().order(assignee=assignee, **extra)
        order = order_services.create_work_order(actor=self.dispatcher, order_type=self.order_type,
                                           customer=customer_override, priority="normal", **extra)
        return order_actions.assign(actor=self.dispatcher, order=order, assignee=assignee)

    def mobile_search(self, on):
        update_settings(actor=self.owner, values={"customer.mobile_search": on})


@pytest.fixture
def world(tenant, owner, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return SearchWorld(tenant, owner)


def create_page(client, world):
    return client.get(reverse("mobile:create") + f"?type={world.order_type.pk}")


def search(client, text):
    return client.get(reverse("mobile:customer_search"), {"customer_q": text}, headers={"HX-Request": "true"})


def test_search_on_offers_the_search_box_and_finds_any_visible_customer(world):
    client = client_for(world.engineer)
    page = create_page(client, world)
    assert page.status_code == 200
    assert 'id="m-customer-q"' in page_text(page)
    assert f'hx-get="{reverse("mobile:customer_search")}"' in page_text(page)
    assert page.context["customer_search"] is True and "served_customers" not in page.context

    found = search(client, "尚未服务")
    assert found.status_code == 200
    assert [c.pk for c in found.context["customers"]] == [world.new_customer.pk]
    assert world.new_customer.name in page_text(found)
    everyone = search(client, "")  # focusing the box lists the newest customers
    assert {world.customer.pk, world.others_customer.pk, world.new_customer.pk} <= {
        c.pk for c in everyone.context["customers"]}


def test_search_off_hides_the_box_and_lists_only_the_engineers_customers(world):
    world.mobile_search(False)
    client = client_for(world.engineer)
    page = create_page(client, world)
    body = page_text(page)
    assert page.status_code == 200
    assert 'id="m-customer-q"' not in body and 'name="customer_q"' not in body
    assert f'hx-get="{reverse("mobile:customer_search")}"' not in body
    assert page.context["customer_search"] is False
    served = {c.pk for c in page.context["served_customers"]}
    assert served == {world.customer.pk, world.helped_customer.pk}
    assert world.customer.name in body and world.helped_customer.name in body
    assert world.others_customer.name not in body and world.new_customer.name not in body
    assert reverse("mobile:customer_pick") + f"?customer={world.customer.pk}" in body

    # without text the endpoint gives the same list, so a "Choose another" round trip keeps working
    listed = search(client, "")
    assert listed.status_code == 200
    assert {c.pk for c in listed.context["customers"]} == served
    again = client.get(reverse("mobile:customer_pick"), headers={"HX-Request": "true"})
    assert 'name="customer_q"' not in page_text(again) and world.helped_customer.name in page_text(again)


def test_search_off_refuses_typed_text_and_changes_nothing(world):
    world.mobile_search(False)
    before = (Customer.objects.count(), WorkOrder.objects.count(), SystemLog.objects.count(),
              dict(type(world.tenant).objects.get(pk=world.tenant.pk).settings))
    client = client_for(world.engineer)
    for text in ("尚未服务", world.customer.name, world.others_customer.number, "139"):
        response = search(client, text)
        assert response.status_code == 403, text
        body = page_text(response)
        assert "Searching customers on the phone is turned off" in body
        assert "customers" not in response.context
        for customer in (world.customer, world.helped_customer, world.others_customer, world.new_customer):
            assert customer.name not in body and customer.number not in body
    after = (Customer.objects.count(), WorkOrder.objects.count(), SystemLog.objects.count(),
             dict(type(world.tenant).objects.get(pk=world.tenant.pk).settings))
    assert after == before


def test_search_off_still_creates_an_order_for_a_served_customer(world):
    world.mobile_search(False)
    client = client_for(world.engineer)
    block = client.get(reverse("mobile:customer_pick"), {"customer": world.helped_customer.pk},
                       headers={"HX-Request": "true"})
    assert f'name="customer" value="{world.helped_customer.pk}"' in page_text(block)
    response = client.post(reverse("mobile:create"), {
        "order_type": world.order_type.pk, "customer": world.helped_customer.pk, "priority": "normal",
        "planned_at": "2026-12-02T10:00", "description": "搜索关闭时报修", "save": "1"})
    assert response.status_code == 302
    order = WorkOrder.objects.get(description="搜索关闭时报修")
    assert order.customer == world.helped_customer and order.status == Status.PENDING

    # a form sent back with an error shows the served list again, not a search box
    response = client.post(reverse("mobile:create"), {
        "order_type": world.order_type.pk, "customer": "", "priority": "normal",
        "planned_at": "2026-12-02T10:00", "save": "1"})
    assert response.status_code == 400
    assert 'name="customer_q"' not in page_text(response)
    assert world.helped_customer.name in page_text(response)


def test_search_off_lists_each_engineers_own_customers_or_says_there_are_none(world):
    world.mobile_search(False)
    client = client_for(world.engineer2)  # assigned the collaborating order and the colleague's order
    assert {c.pk for c in create_page(client, world).context["served_customers"]} == {
        world.helped_customer.pk, world.others_customer.pk}
    newcomer = make_user(world.tenant, roles=("engineer",), teams=[world.team], name="新工程师")
    page = create_page(client_for(newcomer), world)
    assert page.context["served_customers"] == []
    assert "You have no customers from your work orders yet." in page_text(page)


def test_search_off_applies_to_the_company_that_turned_it_off_only(world, other_company):
    world.mobile_search(False)
    tenant_b, owner_b = other_company
    with tenant_context(tenant_b):
        order_type = type_services.save_type(actor=owner_b, name="乙类型")
        Customer.objects.create(tenant=tenant_b, number="B00001", name="乙公司客户")
    client = client_for(owner_b)
    page = client.get(reverse("mobile:create") + f"?type={order_type.pk}")
    assert page.status_code == 200 and 'name="customer_q"' in page_text(page)
    found = search(client, "乙公司")
    assert found.status_code == 200 and "乙公司客户" in page_text(found)
