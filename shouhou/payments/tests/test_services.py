"""Payments: requests, the signed notification (signature, replay, freshness, amount, idempotence), offline
records, refunds, the payment_status fact, scope."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from shouhou.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shouhou.core.models import Activity, OutboxEvent
from shouhou.core.tenancy import tenant_context
from shouhou.payments import queries, services
from shouhou.payments.adapters import sandbox
from shouhou.payments.models import NotificationNonce, Payment, Refund
from shouhou.workorders import order_facts

pytestmark = pytest.mark.django_db


def notify(headers, body):
    return services.handle_notification(provider="sandbox", headers=headers, body=body)


def refused(code, headers, body):
    with pytest.raises(services.NotificationRefused) as caught:
        notify(headers, body)
    assert caught.value.code == code
    return caught.value


def test_a_request_asks_the_orders_fees_and_answers_a_qr_code(pay):
    order = pay.billed_order(price="80.00", quantity="2")
    payment = pay.request(order, method="wechat")
    assert payment.amount == Decimal("160.00") and payment.status == Payment.Status.PENDING
    assert payment.provider == "sandbox" and payment.code_url.endswith(f"/pay/sandbox/{payment.out_trade_no}/")
    assert len(payment.out_trade_no) == 32 and payment.expires_at > timezone.now()
    assert pay.request(order, method="wechat").pk == payment.pk  # the open one again
    alipay = pay.request(order, method="alipay")
    payment.refresh_from_db()
    assert alipay.pk != payment.pk and payment.status == Payment.Status.CLOSED  # one open QR code at a time
    assert Activity.objects.filter(object_id=str(order.pk), verb="requested payment").count() == 2


def test_requests_are_refused_when_not_due(pay, factories):
    unfinished = factories.workorders.assigned()
    with pytest.raises(ValidationFailed) as caught:
        pay.request(unfinished)
    assert "order" in caught.value.details
    free = pay.billed_order(price="0.00")
    with pytest.raises(ValidationFailed):
        pay.request(free)
    pay.enable(**{"payments.wechat_enabled": False})
    with pytest.raises(ValidationFailed) as caught:
        pay.request(pay.billed_order(), method="wechat")
    assert "method" in caught.value.details
    pay.enable(**{"payments.collect_on_completion": False})
    with pytest.raises(ValidationFailed):
        pay.request(pay.billed_order(), method="alipay")
    assert not Payment.objects.exists()


def test_the_signed_notification_marks_it_paid_once(pay):
    payment = pay.request()
    headers, body = sandbox.notification(payment, transaction_id="SBTX1")
    assert notify(headers, body) == (200, {"code": "SUCCESS"})
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.transaction_id == "SBTX1" and payment.paid_at
    assert order_facts.fact("payment_status", payment.order) == "paid"
    assert OutboxEvent.objects.filter(name="payment.paid").count() == 1
    # the provider sends the same transaction again (a new nonce): accepted, nothing changes
    headers2, body2 = sandbox.notification(payment, transaction_id="SBTX1")
    assert notify(headers2, body2) == (200, {"code": "SUCCESS"})
    assert OutboxEvent.objects.filter(name="payment.paid").count() == 1
    assert Activity.objects.filter(object_id=str(payment.order_id), verb="was paid").count() == 1
    # the very same message replayed: refused
    refused("replayed", headers, body)
    # another transaction for a paid payment: refused
    refused("conflict", *sandbox.notification(payment, transaction_id="SBTX2"))
    payment.refresh_from_db()
    assert payment.transaction_id == "SBTX1" and payment.version == 2


def test_a_bad_signature_a_stale_one_and_a_wrong_amount_change_nothing(pay):
    payment = pay.request()
    headers, body = sandbox.notification(payment)
    tampered = json.loads(body)
    tampered["amount"] = 1
    refused("bad_signature", headers, json.dumps(tampered))
    refused("bad_signature", {**headers, "X-Sandbox-Signature": "0" * 64}, body)
    refused("stale_notification", *sandbox.notification(payment, now=timezone.now() - dt.timedelta(minutes=10)))
    refused("stale_notification", *sandbox.notification(payment, now=timezone.now() + dt.timedelta(minutes=10)))
    refused("amount_mismatch", *sandbox.notification(payment, amount=payment.amount - Decimal("0.01")))
    refused("unknown_payment", headers, body.replace(payment.out_trade_no, "SH" + "0" * 30))
    refused("unknown_payment", {}, "not json")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING and not payment.transaction_id
    assert not NotificationNonce.objects.exists()  # a refusal stores nothing, not even the nonce
    assert notify(headers, body)[0] == 200  # the genuine one still goes through


def test_a_failed_trade_is_acknowledged_without_change(pay):
    payment = pay.request()
    assert notify(*sandbox.notification(payment, state="CLOSED"))[0] == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_paying_one_request_closes_the_others_and_stops_new_ones(pay):
    order = pay.billed_order()
    payment = pay.paid(order)
    assert payment.status == Payment.Status.PAID
    with pytest.raises(ValidationFailed) as caught:
        pay.request(order, method="alipay")
    assert "already paid" in str(caught.value.details["order"][0])


def test_an_offline_payment_needs_a_photo_and_an_accepted_method(pay, owner):
    order = pay.billed_order(price="45.50")
    with pytest.raises(ValidationFailed) as caught:
        services.record_offline(actor=owner, order=order, method="cash", photo={}, reference="R" * 101)
    assert set(caught.value.details) == {"photo", "reference"}
    pay.enable(**{"payments.transfer_enabled": False})
    with pytest.raises(ValidationFailed):
        pay.offline(order, method="transfer")
    with pytest.raises(ValidationFailed):
        pay.offline(order, method="wechat")
    payment = pay.offline(order, method="cash", reference="收据001")
    assert payment.status == Payment.Status.PAID and payment.amount == Decimal("45.50") and payment.provider == ""
    assert payment.photo["url"].startswith("/files/")
    assert queries.status_of([order]) == {order.pk: "paid"}


def test_refunds_by_administrators_through_the_adapter(pay, owner, factories):
    payment = pay.paid()
    row = services.refund(actor=owner, payment=payment, amount="30.00", reason="部分退款")
    assert row.provider_refund_id.startswith("SBR")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTLY_REFUNDED and payment.refunded_amount == Decimal("30.00")
    assert order_facts.fact("payment_status", payment.order) == "paid"
    with pytest.raises(ValidationFailed):
        services.refund(actor=owner, payment=payment, amount="50.01", reason="超额")
    with pytest.raises(ValidationFailed):
        services.refund(actor=owner, payment=payment, reason=" ")
    with pytest.raises(Conflict):
        services.refund(actor=owner, payment=payment, reason="旧版本", expected_version=1)
    services.refund(actor=owner, payment=payment, reason="全部退款")  # what is left
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.refunded_amount == payment.amount
    assert order_facts.fact("payment_status", payment.order) == "refunded"
    with pytest.raises(Conflict):
        services.refund(actor=owner, payment=payment, reason="再退")
    assert Refund.objects.filter(payment=payment).count() == 2
    engineer = factories.accounts.user(roles=["engineer"])
    with pytest.raises(PermissionDenied):
        services.refund(actor=engineer, payment=pay.offline(), reason="工程师退款")


def test_unpaid_is_the_default_fact_and_one_query_answers_a_page(pay, django_assert_num_queries):
    orders = [pay.billed_order() for _ in range(3)]
    pay.request(orders[0])
    pay.paid(orders[1])
    with django_assert_num_queries(1):
        states = order_facts.many("payment_status", orders)
    assert states == {orders[0].pk: "unpaid", orders[1].pk: "paid", orders[2].pk: "unpaid"}


def test_another_companys_payment_is_not_found(pay, other_company, factories_for):
    payment = pay.paid()
    other = other_company[1]
    with tenant_context(other.tenant):
        with pytest.raises(NotFound):
            queries.get_payment(other, payment.pk)
        assert not queries.visible_payments(other).exists()


def test_an_engineer_sees_the_payments_of_his_orders_only(pay, factories):
    engineer = factories.accounts.user(roles=["engineer"])
    mine = pay.billed_order(assignee=engineer)
    pay.paid(mine)
    pay.paid()
    assert [p.order_id for p in queries.visible_payments(engineer)] == [mine.pk]
