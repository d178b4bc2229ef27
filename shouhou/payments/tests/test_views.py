"""Console pages of payments: the records list and export, the refund dialog, the settings, the work order's
收款 section (request, offline record with a photo), the sandbox's payer page."""

import pytest
from django.test import Client

from shouhou.core import company_settings
from shouhou.core.models import Tenant
from shouhou.core.testing import client_for
from shouhou.payments.factories import png_file
from shouhou.payments.models import Payment

pytestmark = pytest.mark.django_db


def test_the_records_list_shows_status_method_reference_and_exports(pay, owner):
    paid = pay.paid()
    pay.offline(reference="收据-778")
    pay.request()
    console = client_for(owner)
    page = console.get("/payments/")
    assert page.status_code == 200
    text = page.content.decode()
    assert paid.order.number in text and paid.transaction_id in text and "收据-778" in text
    assert "/refund/" in text  # 退款 for an administrator
    assert console.get("/payments/?tab=pending").status_code == 200
    export = console.get("/payments/?export=xlsx")
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]


def test_refund_dialog(pay, owner):
    payment = pay.paid()
    console = client_for(owner)
    assert console.get(f"/payments/{payment.pk}/refund/").status_code == 200
    answer = console.post(f"/payments/{payment.pk}/refund/", {"amount": "999", "reason": "多了",
                                                               "expected_version": payment.version})
    assert answer.status_code == 400
    answer = console.post(f"/payments/{payment.pk}/refund/", {"amount": "80.00", "reason": "客户取消",
                                                               "expected_version": payment.version})
    assert answer.status_code in (200, 302)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED


def test_settings_page_saves_the_switches_and_identifiers(owner, factories):
    console = client_for(owner)
    assert console.get("/payments/settings/").status_code == 200
    answer = console.post("/payments/settings/", {"collect_on_completion": "on", "alipay_enabled": "on",
                                                  "alipay_appid": "2021 bad", "cash_enabled": "on"})
    assert answer.status_code == 400
    answer = console.post("/payments/settings/", {"collect_on_completion": "on", "alipay_enabled": "on",
                                                  "alipay_appid": "2021000000000001", "cash_enabled": "on"})
    assert answer.status_code == 302
    tenant = Tenant.objects.get(pk=owner.tenant_id)
    assert company_settings.get("payments.alipay_appid", tenant) == "2021000000000001"
    assert company_settings.get("payments.collect_on_completion", tenant) is True
    assert company_settings.get("payments.transfer_enabled", tenant) is False
    engineer = factories.accounts.user(roles=["engineer"])
    assert client_for(engineer).get("/payments/settings/").status_code == 403


def test_the_order_section_requests_and_records(pay, owner):
    order = pay.billed_order(price="50.00")
    console = client_for(owner)
    detail = console.get(f"/work-orders/{order.pk}/").content.decode()
    assert f"/payments/order/{order.pk}/" in detail
    section = console.get(f"/payments/order/{order.pk}/").content.decode()
    assert "¥50.00" in section and 'data-payment-status="unpaid"' in section
    assert console.post(f"/payments/order/{order.pk}/request/", {"method": "wechat"}).status_code == 302
    section = console.get(f"/payments/order/{order.pk}/").content.decode()
    assert 'data-payment-status="pending"' in section and "data:image/svg+xml" in section
    assert console.get(f"/payments/order/{order.pk}/offline/").status_code == 200
    answer = console.post(f"/payments/order/{order.pk}/offline/", {"method": "cash"})
    assert answer.status_code == 400 and not Payment.objects.filter(status="paid").exists()
    answer = console.post(f"/payments/order/{order.pk}/offline/", {"method": "transfer", "reference": "转账12",
                                                                    "photo": png_file()})
    assert answer.status_code in (200, 302)
    section = console.get(f"/payments/order/{order.pk}/").content.decode()
    assert 'data-payment-status="paid"' in section and "转账12" in section


def test_the_sandbox_payer_page_pays_through_the_signed_notification(pay):
    payment = pay.request()
    public = Client()
    page = public.get(f"/pay/sandbox/{payment.out_trade_no}/")
    assert page.status_code == 200 and "¥80.00" in page.content.decode()
    assert public.post(f"/pay/sandbox/{payment.out_trade_no}/").status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.transaction_id.startswith("SB")
    assert public.get("/pay/sandbox/SH000/").status_code == 404


def test_the_phone_leads_from_the_receipt_to_the_qr_code(pay, owner, factories):
    from shouhou.workorders.services import actions as order_actions

    item = factories.parts.service_item(sale_price="120.00")
    order = order_actions.start(actor=owner, order=order_actions.accept(actor=owner, order=factories.workorders.assigned()))
    phone = client_for(owner)
    answer = phone.post(f"/m/orders/{order.pk}/receipt/", {
        "expected_version": order.version, "content": "修好了", "lines-present": "1", "line-service": [item.pk],
        "line-service-qty": ["1"]})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    order.refresh_from_db()
    assert order.total_amount == 120 and answer["Location"] == f"/m/orders/{order.pk}/pay/"
    page = phone.get(f"/m/orders/{order.pk}/pay/")
    assert page.status_code == 200
    answer = phone.post(f"/m/orders/{order.pk}/pay/", {"kind": "online", "method": "alipay"})
    assert answer.status_code == 302
    text = phone.get(f"/m/orders/{order.pk}/pay/").content.decode()
    assert "data-pay-qr" in text and 'data-payment-status="pending"' in text
    payment = Payment.objects.get(order=order)
    Client().post(f"/pay/sandbox/{payment.out_trade_no}/")
    status = phone.get(f"/m/orders/{order.pk}/pay/?part=status", headers={"HX-Request": "true"})
    assert 'data-payment-status="paid"' in status.content.decode() and "data-pay-paid" in status.content.decode()
    assert status["HX-Refresh"] == "true"  # the page reloads without the payment buttons
    assert "data-pay-method" not in phone.get(f"/m/orders/{order.pk}/pay/").content.decode()
    assert f"/m/orders/{order.pk}/pay/" in phone.get(f"/m/orders/{order.pk}/").content.decode()


def test_the_phone_records_cash_with_a_photo(pay, owner):
    order = pay.billed_order(price="30.00")
    phone = client_for(owner)
    answer = phone.post(f"/m/orders/{order.pk}/pay/", {"kind": "offline", "method": "cash"})
    assert answer.status_code == 400 and not Payment.objects.exists()
    answer = phone.post(f"/m/orders/{order.pk}/pay/", {"kind": "offline", "method": "cash", "photo": png_file()})
    assert answer.status_code == 302
    assert Payment.objects.get(order=order).status == Payment.Status.PAID
