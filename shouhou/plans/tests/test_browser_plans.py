"""A dispatcher makes a monthly plan in the console, lands on its page, generates its order now (立即生成) and
pauses it; the plan form shows the order type's fields, whose address is the cascading region picker (省 /
市 / 区县 with GB/T 2260 codes), on the PC and on the phone's new-order page."""

import pytest
from playwright.sync_api import expect

from shouhou.browser_fixtures import login, shot
from shouhou.core import forms_engine
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.plans import services
from shouhou.plans.models import Plan
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.services import types as type_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _type_with_address(owner, factories, name):
    order_type = factories.workorders.order_type(name=name)
    system = [{"key": f["key"], "system": True} for f in forms_engine.get_schema(order_type.form_target).fields]
    type_services.save_type_form(actor=owner, order_type=order_type, fields=system + [
        {"key": "site", "label": "现场地址", "kind": "address"}])
    return order_type


def _patient(page):
    page.set_default_timeout(60000)  # the machine's cores are shared; a slow page is not the defect tested
    page.set_default_navigation_timeout(60000)


def _pick_region(page, scope):
    page.select_option(f"{scope} select[data-region-level=province]", "310000")  # 上海市
    # a municipality's one city is chosen by itself and its districts load
    expect(page.locator(f"{scope} select[data-region-level=city]")).to_have_value("310100")
    page.wait_for_selector(f"{scope} select[data-region-level=district] option[value='310115']", state="attached")
    page.select_option(f"{scope} select[data-region-level=district]", "310115")  # 浦东新区
    page.fill(f"{scope} input[data-address-part=detail]", "张江路 88 号")


def test_new_plan_page_generate_now_and_pause(page, company, factories):
    tenant, owner = company
    with factories.active():
        customer = factories.customers.customer(name="华东机房")
        order_type = factories.workorders.order_type(name="巡检")
        today = services.company_today(tenant)
    _patient(page)
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto(f"/plans/new/?customer={customer.pk}")
    page.fill("#id_name", "月度远程巡检")
    page.select_option("#id_order_type", str(order_type.pk))
    page.select_option("#id_freq", "monthly")
    page.fill("#id_day_of_month", str(today.day))
    page.fill("#id_start_date", today.isoformat())
    page.fill("#id_planned_time", "14:30")
    page.select_option("#id_assignee", str(owner.pk))
    shot(page, "plans-form")
    page.click("form.form-card button.btn-primary")
    plan = None
    page.wait_for_url("**/plans/*/")
    plan = Plan.objects.get(name="月度远程巡检", customer=customer)
    assert plan.planned_time.strftime("%H:%M") == "14:30"
    page.click("form[action$=\"/generate/\"] button")
    page.wait_for_load_state()
    assert WorkOrder.objects.filter(customer=customer).count() == 1
    page.click("button[data-bs-target='#tab-occurrences']")
    shot(page, "plans-detail")
    page.click("form[action$=\"/pause/\"] button")
    page.wait_for_load_state()
    assert Plan.objects.get().is_paused
    page.goto("/plans/")
    shot(page, "plans-list")
    assert not page.js_errors


def test_region_picker_in_the_plan_form(page, company, factories):
    tenant, owner = company
    with factories.active():
        customer = factories.customers.customer(name="浦东客户")
        order_type = _type_with_address(owner, factories, "上门保养")
    _patient(page)
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto(f"/plans/new/?customer={customer.pk}")
    page.fill("#id_name", "季度保养")
    page.select_option("#id_order_type", str(order_type.pk))  # htmx brings the type's fields
    page.wait_for_selector("#plan-custom-fields select[data-region-level=province]")
    _pick_region(page, "#plan-custom-fields")
    page.fill("#id_start_date", services.company_today(tenant).isoformat())
    page.select_option("#id_assignee", str(owner.pk))
    shot(page, "plans-form-region")
    page.click("form.form-card button.btn-primary")
    page.wait_for_url("**/plans/*/")
    site = Plan.objects.get(name="季度保养").fields["site"]
    assert (site["province"], site["city"], site["district"]) == ("上海市", "上海市", "浦东新区")
    assert (site["province_code"], site["city_code"], site["district_code"]) == ("310000", "310100", "310115")
    assert not page.js_errors


def test_region_picker_on_the_phone(phone, company, factories):
    tenant, owner = company
    with factories.active():
        order_type = _type_with_address(owner, factories, "上门保养")
    _patient(phone)
    phone.goto("/m/login/")
    phone.fill("#m-username", owner.phone)
    phone.fill("#m-password", DEMO_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(lambda url: "/m/login/" not in url)
    phone.goto(f"/m/orders/new/?type={order_type.pk}")
    _pick_region(phone, "[data-address-block]")
    shot(phone, "plans-phone-region")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    box = phone.locator("[data-address-block] select[data-region-level=district]").bounding_box()
    assert box["height"] >= 44
    assert not phone.js_errors
