"""The plan's page (occurrences with their orders, timeline, buttons), the editor's planned time and the
order type's custom fields, and 新建计划 on the customer and product pages (only for a role that may)."""

import datetime as dt

import pytest

from shouhou.core import forms_engine
from shouhou.core.testing import client_for
from shouhou.plans import services
from shouhou.plans.models import Plan
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.services import types as type_services

pytestmark = pytest.mark.django_db


def _with_field(owner, order_type, **field):
    system = [{"key": f["key"], "system": True} for f in forms_engine.get_schema(order_type.form_target).fields]
    type_services.save_type_form(actor=owner, order_type=order_type, fields=system + [
        {"key": "model", "label": "设备型号", "kind": "text", "required": True, **field}])


def test_detail_shows_occurrences_orders_timeline_and_buttons(tenant, owner, factories):
    plan = factories.plans.plan(name="月度巡检", freq="daily", start_date=services.company_today(tenant))
    orders = services.generate(actor=owner, plan=plan)
    client = client_for(owner)
    page = client.get(f"/plans/{plan.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert orders[0].number in text and f"/work-orders/{orders[0].pk}/" in text
    for action in ("generate", "pause", "delete", "edit"):
        assert f"/plans/{plan.pk}/{action}/" in text
    assert f"/plans/{plan.pk}/resume/" not in text
    assert len(page.context["entries"]) == 2  # created, generated
    services.pause_plan(actor=owner, plan=plan)
    text = client.get(f"/plans/{plan.pk}/").content.decode()
    assert f"/plans/{plan.pk}/resume/" in text and f"/plans/{plan.pk}/generate/" not in text
    # the list links the name to the page
    assert f"/plans/{plan.pk}/" in client.get("/plans/").content.decode()


def test_detail_does_not_link_an_order_the_viewer_may_not_open(tenant, owner, factories):
    plan = factories.plans.plan(freq="daily", start_date=services.company_today(tenant))
    order = services.generate(actor=owner, plan=plan)[0]
    creator = factories.accounts.user_with(["workorder.create", "workorder.view", "customer.view"],
                                           scopes={"workorder": "own", "customer": "all"})
    page = client_for(creator).get(f"/plans/{plan.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert order.number in text and f"/work-orders/{order.pk}/" not in text


def test_form_saves_planned_time_and_custom_fields(tenant, owner, factories):
    order_type = factories.workorders.order_type()
    _with_field(owner, order_type)
    customer = factories.customers.customer()
    client = client_for(owner)
    fields_page = client.get(f"/plans/new/?order_type={order_type.pk}", HTTP_HX_REQUEST="true")
    assert "cf_model" in fields_page.content.decode()
    today = services.company_today(tenant)
    body = {"name": "空调保养", "order_type": order_type.pk, "customer": customer.pk, "priority": "normal",
            "freq": "daily", "interval": "1", "start_date": today.isoformat(), "days_ahead": "0",
            "dispatch_mode": "assignee", "assignee": owner.pk, "planned_time": "14:30"}
    missing = client.post("/plans/new/", body)
    assert missing.status_code == 400 and "cf_model" in missing.context["form"].errors
    assert client.post("/plans/new/", {**body, "planned_time": "25:00", "cf_model": "KFR-35"}).status_code == 400
    assert not Plan.objects.exists()
    assert client.post("/plans/new/", {**body, "cf_model": "KFR-35"}).status_code == 302
    plan = Plan.objects.get()
    assert plan.planned_time == dt.time(14, 30) and plan.fields == {"model": "KFR-35"}
    edit = client.get(f"/plans/{plan.pk}/edit/")
    assert edit.context["form"].initial["cf_model"] == "KFR-35"
    order = services.generate(actor=owner, plan=plan)[0]
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.fields == {"model": "KFR-35"}
    local = order.planned_at.astimezone(services.zone_of(tenant))
    assert (local.date(), local.time()) == (today, dt.time(14, 30))
    # an unknown or foreign type id shows no fields and is no 500
    assert client.get("/plans/new/?order_type=99999999999999999999").status_code == 200
    assert client.get("/plans/new/?order_type=abc").status_code == 200


def test_new_plan_buttons_on_customer_and_product_pages(tenant, owner, factories):
    customer = factories.customers.customer()
    product = factories.products.product(customer=customer)
    client = client_for(owner)
    customer_page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert f"/plans/new/?customer={customer.pk}" in customer_page
    product_page = client.get(f"/products/{product.pk}/").content.decode()
    assert f"/plans/new/?customer={customer.pk}&amp;product={product.pk}" in product_page
    form = client.get(f"/plans/new/?customer={customer.pk}&product={product.pk}").context["form"]
    assert form.initial["customer"] == customer.pk and form.initial["product"] == product.pk
    viewer = factories.accounts.user_with(["customer.view", "product.view"])
    assert "/plans/new/" not in client_for(viewer).get(f"/customers/{customer.pk}/").content.decode()
    assert "/plans/new/" not in client_for(viewer).get(f"/products/{product.pk}/").content.decode()
