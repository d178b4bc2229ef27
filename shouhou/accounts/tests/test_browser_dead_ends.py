"""Browser journeys of issue 15 "No dead ends": 忘记密码 from the login page to signing in with the new
password (the console SMS gateway captures the code), and the dead-end pages of a work order transferred
away, on the PC and on a 390 px phone. Screenshots under test-artifacts/."""

import re

import pytest
from django.conf import settings as django_settings

from shouhou.browser_fixtures import login, shot
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, make_company, make_user
from shouhou.messaging.sms import ConsoleSmsGateway

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "Xin-mima-2026"


def in_chinese(live_server, *pages):
    for page in pages:
        page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans",
                                   "url": live_server.url}])


def test_forgot_password_journey(page, phone, live_server):
    tenant, _owner = make_company()
    user = make_user(tenant, name="忘记者", phone="13911112222")
    ConsoleSmsGateway.sent.clear()
    in_chinese(live_server, page, phone)
    page.goto("/accounts/login/")
    shot(page, "issue15-login")
    page.click("a[href='/accounts/password/forgot/']")
    page.wait_for_url("**/accounts/password/forgot/")
    shot(page, "issue15-forgot")
    page.fill("#id_phone", user.phone)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/password/reset/")
    assert page.input_value("#id_phone") == user.phone
    code = re.search(r"\d{6}", ConsoleSmsGateway.sent[-1][1]).group(0)
    page.fill("#id_code", "000000" if code != "000000" else "111111")
    page.fill("#id_new_password", NEW)
    page.fill("#id_new_password2", NEW)
    page.click("button[type=submit]")
    assert page.locator(".invalid-feedback").count() == 1  # the wrong code, said on its field
    shot(page, "issue15-reset-wrong-code")
    page.fill("#id_code", code)
    page.fill("#id_new_password", NEW)
    page.fill("#id_new_password2", NEW)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/login/")
    assert page.locator(".alert-success").count() == 1
    shot(page, "issue15-reset-done")
    login(page, user.phone, NEW)
    assert "/accounts/login/" not in page.url
    # the phone's login page offers it too, and the pages fit 390 px
    phone.goto("/m/login/")
    phone.click("a[href='/accounts/password/forgot/']")
    phone.wait_for_url("**/accounts/password/forgot/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "issue15-forgot-phone")
    assert not page.js_errors and not phone.js_errors


def test_dead_end_pages_of_a_transferred_order(page, phone, live_server):
    from shouhou.workorders.factories import WorkordersFactory
    from shouhou.workorders.services import actions as order_actions

    tenant, owner = make_company()
    engineer = make_user(tenant, roles=("engineer",), name="工程师甲")
    other = make_user(tenant, roles=("engineer",), name="工程师乙")
    with tenant_context(tenant):
        order = WorkordersFactory(owner).assigned(assignee=engineer)
        order_actions.transfer(actor=owner, order=order, assignee=other, note="换人")
    in_chinese(live_server, page, phone)
    login(page, engineer.phone, DEMO_PASSWORD)
    page.goto(f"/work-orders/{order.pk}/")
    assert page.locator("[data-gone=transferred]").count() == 1
    shot(page, "issue15-gone-transferred")
    page.goto("/customers/987654/")
    assert page.locator("[data-gone=missing]").count() == 1
    shot(page, "issue15-gone-missing")
    page.click("text=返回列表" if page.locator("text=返回列表").count() else "a.btn-primary")
    page.wait_for_url("**/customers/**")
    login(phone, engineer.phone, DEMO_PASSWORD)
    phone.goto(f"/m/orders/{order.pk}/")
    assert phone.locator("[data-gone=transferred]").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "issue15-gone-transferred-phone")
    phone.goto("/m/orders/987654/")
    assert phone.locator("[data-gone=missing]").count() == 1
    shot(phone, "issue15-gone-missing-phone")
    assert not page.js_errors and not phone.js_errors
