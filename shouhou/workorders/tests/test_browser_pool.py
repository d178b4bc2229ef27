"""工单池 end to end (issue 10): a dispatcher publishes an order to the pool from its detail page (console,
1366×768), the pool page shows it with 接单; an engineer claims it on the phone (360 px) and lands on the
order, now his at 已接受. Headless Chromium; screenshots under test-artifacts/."""

import pytest

from shouhou.browser_fixtures import _page, login, shot
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, make_company, make_team, make_user
from shouhou.customers.models import Customer
from shouhou.workorders.models import Status, WorkOrder
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import types as type_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publish_on_the_console_and_claim_on_the_phone(page, browser, live_server):
    tenant, owner = make_company()
    engineer = make_user(tenant, roles=("engineer",), name="工程师小王")
    make_team(tenant, name="维修一组", members=[engineer])
    tenant.settings = {**(tenant.settings or {}), "workorder.pool_enabled": True}
    tenant.save(update_fields=["settings"])
    with tenant_context(tenant):
        order_type = type_services.save_type(actor=owner, name="空调维修", flow=None)
        customer = Customer.objects.create(tenant=tenant, number="C00001", name="上海百川贸易股份有限公司")
        order = order_services.create_work_order(actor=owner, order_type=order_type, customer=customer,
                                                 priority="normal")

    login(page, owner.phone, DEMO_PASSWORD)
    page.goto(f"/work-orders/{order.pk}/")
    page.click(f'a[href$="/work-orders/{order.pk}/publish/"]')
    page.wait_for_selector("textarea[name=note]")
    page.fill("textarea[name=note]", "先到先得")
    shot(page, "pool-publish-dialog")
    page.locator("textarea[name=note]").evaluate("el => el.form.requestSubmit()")
    page.wait_for_function("() => !document.querySelector('textarea[name=note]')")
    with tenant_context(tenant):
        assert WorkOrder.objects.get(pk=order.pk).status == Status.POOLED
    page.goto("/work-orders/pool/")
    page.wait_for_selector(f'[data-claim="{order.pk}"]')
    shot(page, "pool-console")
    assert page.js_errors == []

    context, phone = _page(browser, live_server, 360, 740)
    try:
        login(phone, engineer.phone, DEMO_PASSWORD)
        phone.goto("/m/pool/")
        card = phone.locator(f'[data-pool-order="{order.pk}"]')
        card.wait_for()
        shot(phone, "pool-phone-360")
        width = phone.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1] == 360, width
        card.locator("button.m-pool-claim").click()
        phone.wait_for_url(lambda url: f"/m/orders/{order.pk}/" in url)
        shot(phone, "pool-phone-claimed")
        assert phone.js_errors == []
    finally:
        context.close()
    with tenant_context(tenant):
        stored = WorkOrder.objects.get(pk=order.pk)
        assert (stored.status, stored.assignee_id) == (Status.ACCEPTED, engineer.pk)
