"""A dispatcher makes a monthly plan in the console, generates its order now (立即生成) and pauses it."""

import pytest

from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.plans import services
from shouhou.plans.models import Plan
from shouhou.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_plan_generate_now_and_pause(page, company, factories):
    tenant, owner = company
    with factories.active():
        customer = factories.customers.customer(name="华东机房")
        order_type = factories.workorders.order_type(name="巡检")
        today = services.company_today(tenant)
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto(f"/plans/new/?customer={customer.pk}")
    page.fill("#id_name", "月度远程巡检")
    page.select_option("#id_order_type", str(order_type.pk))
    page.select_option("#id_freq", "monthly")
    page.fill("#id_day_of_month", str(today.day))
    page.fill("#id_start_date", today.isoformat())
    page.select_option("#id_assignee", str(owner.pk))
    shot(page, "plans-form")
    page.click("form.form-card button.btn-primary")
    page.wait_for_url("**/plans/")
    assert Plan.objects.filter(name="月度远程巡检", customer=customer).exists()
    page.click("form[action$=\"/generate/\"] button")
    page.wait_for_load_state()
    assert WorkOrder.objects.filter(customer=customer).count() == 1
    page.click("form[action$=\"/pause/\"] button")
    page.wait_for_load_state()
    shot(page, "plans-list")
    assert Plan.objects.get().is_paused
    assert not page.js_errors
