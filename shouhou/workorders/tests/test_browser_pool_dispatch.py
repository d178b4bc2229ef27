"""The pool's remainder end to end (issue 10): a dispatcher subscribes to the pool on the console
(1366×768) and publishes an order from the phone's new-order page (派单 → 工单池, 390 px); an engineer
claims it on the phone (360 px), hands it back (退回工单池, WOSET-P6), and the dispatcher's batch assign
dialog ranks the candidates. Headless Chromium; screenshots under test-artifacts/."""

import re

import pytest
from django.utils import timezone

from shouhou.browser_fixtures import _page, login, shot
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, make_company, make_team, make_user
from shouhou.customers.factories import CustomersFactory
from shouhou.messaging.models import Subscription
from shouhou.workorders.models import Status, WorkOrder
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import types as type_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_horizontal_scroll(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], width


def test_subscribe_publish_from_the_phone_claim_and_hand_back(page, browser, live_server):
    tenant, owner = make_company()
    engineer = make_user(tenant, roles=("engineer",), name="工程师小王")
    colleague = make_user(tenant, roles=("engineer",), name="工程师小李")
    make_team(tenant, name="维修一组", members=[engineer, colleague])
    tenant.settings = {**(tenant.settings or {}), "workorder.pool_enabled": True,
                       "workorder.pool_transfer_back": True}
    tenant.save(update_fields=["settings"])
    now = timezone.now()
    with tenant_context(tenant):
        order_type = type_services.save_type(actor=owner, name="空调维修", flow=None)
        customer = CustomersFactory(owner).customer(
            name="上海百川贸易股份有限公司", number="C00001", contacts=[{"name": "张三", "phone": "13900000000"}],
            addresses=[{"city": "上海", "detail": "人民路1号", "latitude": "31.230416", "longitude": "121.473701"}])
        for user, latitude in ((engineer, "31.232000"), (colleague, "31.300000")):
            user.last_latitude, user.last_longitude, user.last_located_at = latitude, "121.473701", now
            user.save(update_fields=["last_latitude", "last_longitude", "last_located_at"])

    # the console: 订阅 with "each new order" from the pool page's toolbar
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto("/work-orders/pool/")
    page.click("[data-pool-subscribe] > button")
    page.check("#pool-each-new")
    shot(page, "pool-subscribe-menu")
    page.click("[data-pool-subscribe] button[name=subscribe][value='1']")
    page.wait_for_selector("[data-pool-subscribe] .bi-bell-fill")
    with tenant_context(tenant):
        assert Subscription.objects.get(user=owner).each_new is True
    assert page.js_errors == []

    # the phone (390 px): the dispatcher creates an order straight into the pool
    context, phone = _page(browser, live_server, 390, 844)
    try:
        login(phone, owner.phone, DEMO_PASSWORD)
        phone.goto(f"/m/orders/new/?type={order_type.pk}")
        phone.fill("#m-customer-q", "百川")
        phone.locator("#m-customer-results .m-result").first.click()
        phone.wait_for_selector("#m-customer-block input[name=customer]", state="attached")
        # choosing the customer re-ranks the 负责人 list: the nearer engineer first
        phone.wait_for_function(
            "() => { const p = document.querySelector('#m-dispatch-people [data-user]');"
            f" return p && p.dataset.user === '{engineer.pk}'; }}")
        phone.locator("[data-picker-shown=datetime]").click()
        calendar = phone.locator(".flatpickr-calendar.open")
        calendar.locator(".flatpickr-next-month").click()
        calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text=re.compile(r"^15$")).click()
        phone.locator("h1, .m-header").first.click()  # closes the picker
        assert phone.locator("input[name=planned_at]").input_value()
        shot(phone, "phone-create-dispatch-assignee-390")
        _no_horizontal_scroll(phone)
        phone.click("label.m-seg-item:has(input[value=pool])")
        assert phone.locator("[data-m-choice-panel=pool]").is_visible()
        assert not phone.locator("[data-m-choice-panel=assignee]").is_visible()
        phone.fill("textarea[name=description]", "进池的工单")
        shot(phone, "phone-create-dispatch-pool-390")
        phone.click("button[name=dispatch]")
        phone.wait_for_url(lambda url: "/m/orders/" in url and "/new/" not in url)
        assert phone.js_errors == []
    finally:
        context.close()
    with tenant_context(tenant):
        order = WorkOrder.objects.get(description="进池的工单")
        assert (order.status, order.assignee_id) == (Status.POOLED, None)

    # the engineer (360 px): subscribes, claims it, then hands it back with a note
    context, phone = _page(browser, live_server, 360, 740)
    try:
        login(phone, engineer.phone, DEMO_PASSWORD)
        phone.goto("/m/pool/")
        phone.click("[data-pool-subscribe] > summary")
        phone.click("[data-pool-subscribe] button[name=subscribe][value='1']")
        phone.wait_for_selector("[data-pool-subscribe] .bi-bell-fill")
        card = phone.locator(f'[data-pool-order="{order.pk}"]')
        card.wait_for()
        shot(phone, "pool-phone-subscribed-360")
        _no_horizontal_scroll(phone)
        card.locator("button.m-pool-claim").click()
        phone.wait_for_url(lambda url: f"/m/orders/{order.pk}/" in url)
        phone.click("[data-m-sheet='m-sheet-publish']")
        phone.fill("#m-reason-publish", "临时有事")
        shot(phone, "phone-hand-back-sheet-360")
        phone.click("#m-sheet-publish button[type=submit]")
        phone.wait_for_url(lambda url: url.endswith("/m/pool/"))
        phone.locator(f'[data-pool-order="{order.pk}"]').wait_for()
        assert phone.js_errors == []
    finally:
        context.close()
    with tenant_context(tenant):
        stored = WorkOrder.objects.get(pk=order.pk)
        assert (stored.status, stored.assignee_id) == (Status.POOLED, None)
        assert Subscription.objects.filter(user=engineer, topic="workorders.pool").exists()

    # the console's batch assign: ranked, the nearer engineer recommended
    with tenant_context(tenant):
        orders = [order_services.create_work_order(actor=owner, order_type=order_type, customer=customer,
                                                   priority="normal") for _ in range(2)]
    page.goto("/work-orders/assign/")
    for one in orders:
        page.check(f"input.row-check[value='{one.pk}']")
    page.click("button.batch-action[data-url$='/batch/assign/']")
    page.wait_for_selector(".ranked-candidate")
    assert page.locator(".ranked-candidate").first.get_attribute("data-user") == str(engineer.pk)
    shot(page, "batch-assign-ranked")
    page.locator(f".ranked-candidate[data-user='{engineer.pk}']").click()
    page.locator(".modal.show button[type=submit]").click()
    page.wait_for_selector(".modal.show", state="detached")
    with tenant_context(tenant):
        assert {o.assignee_id for o in WorkOrder.objects.filter(pk__in=[o.pk for o in orders])} == {engineer.pk}
    assert page.js_errors == []
