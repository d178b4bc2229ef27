"""收款 in headless Chromium (issue 12): the engineer completes the receipt on the phone and lands on 收款, shows
the WeChat Pay QR code, the customer "scans" it (the sandbox's payer page) and pays; the phone turns to 已支付
by itself. The console's 在线支付记录 lists it. Screenshots: test-artifacts/payments-*.png (390 and 1366 px)."""

import pytest
from django.conf import settings as django_settings

from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.payments.models import Payment
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import receipts as receipt_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _chinese(page, live_server):
    page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans",
                               "url": live_server.url}])


def test_pay_qr_after_completion_and_the_sandbox_notification_marks_it_paid(phone, page, live_server, owner,
                                                                           factories, settings):
    settings.PAYMENTS_SANDBOX = True
    factories.payments.enable()
    item = factories.parts.service_item(name="上门维修", sale_price="150.00")
    order = order_actions.start(actor=owner, order=order_actions.accept(actor=owner, order=factories.workorders.assigned()))
    receipt_services.save_receipt_draft(actor=owner, order=order, content="更换压缩机电容，试机正常",
                                        service_items=[{"service_item_id": item.pk, "quantity": "2"}])

    _chinese(phone, live_server)
    phone.goto("/m/login/")
    phone.fill("#m-username", owner.phone)
    phone.fill("#m-password", DEMO_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(lambda url: "/m/login/" not in url)
    phone.goto(f"/m/orders/{order.pk}/receipt/")
    phone.click("button[name=complete]")
    phone.wait_for_url(f"**/m/orders/{order.pk}/pay/")
    assert "¥300.00" in phone.inner_text("[data-pay-amount]")
    phone.click("[data-pay-method=wechat]")
    phone.wait_for_selector("[data-pay-qr]")
    shot(phone, "payments-phone-qr")
    payment = Payment.objects.get(order=order)
    assert payment.status == "pending" and payment.provider == "sandbox"

    # the customer scans: the sandbox's payer page, in another tab
    payer = phone.context.new_page()
    payer.goto(phone.get_attribute("[data-sandbox-link]", "href"))
    assert "¥300.00" in payer.inner_text("[data-sandbox-amount]")
    payer.click("button:has-text('确认支付')")
    payer.wait_for_selector("[data-sandbox-paid]")
    payer.close()

    phone.wait_for_function("() => document.querySelector('#m-pay-status')?.dataset.paymentStatus === 'paid'",
                            timeout=20000)
    phone.wait_for_selector("[data-pay-paid]")
    phone.wait_for_function("() => !document.querySelector('[data-pay-method]')")  # reloaded without the buttons
    assert "已支付" in phone.inner_text("[data-pay-paid]")
    shot(phone, "payments-phone-paid")
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.transaction_id
    assert not phone.js_errors

    _chinese(page, live_server)
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto("/payments/")
    assert order.number in page.inner_text("main")
    shot(page, "payments-console-list")
    page.goto(f"/work-orders/{order.pk}/")
    page.wait_for_selector("#payment-section[data-payment-status=paid]")
    shot(page, "payments-console-order")
    page.goto("/payments/settings/")
    shot(page, "payments-console-settings")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/payments/")
    shot(page, "payments-console-list-390")
    assert not page.js_errors
