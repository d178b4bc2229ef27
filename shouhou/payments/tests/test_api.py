"""The payments API: list, request, refund, and the public notification; scope and refusals."""

import pytest

from shouhou.core.testing import api_client_for
from shouhou.payments.adapters import sandbox
from shouhou.payments.models import Payment

pytestmark = pytest.mark.django_db


def test_request_list_get_and_refund(pay, owner):
    api = api_client_for(owner)
    order = pay.billed_order(price="66.00")
    answer = api.post("/api/v1/payments", {"order_id": order.pk, "method": "alipay"}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["status"] == "pending" and body["amount"] == "66.00" and body["code_url"]
    assert body["order_number"] == order.number and body["refunds"] == []
    listed = api.get("/api/v1/payments?status=pending").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    assert api.get(f"/api/v1/payments?order_id={order.pk}&method=wechat").json()["count"] == 0

    refused = api.post(f"/api/v1/payments/{body['id']}/refund", {"reason": "未付款"}, content_type="application/json")
    assert refused.status_code == 409

    headers, raw = sandbox.notification(Payment.objects.get(pk=body["id"]))
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    from django.test import Client

    assert Client().post("/api/v1/payments/notify/sandbox", raw, content_type="application/json",
                         **meta).json() == {"code": "SUCCESS"}
    refunded = api.post(f"/api/v1/payments/{body['id']}/refund", {"reason": "退一半", "amount": "33.00",
                                                                 "expected_version": 2},
                        content_type="application/json")
    assert refunded.status_code == 200, refunded.content
    data = refunded.json()
    assert data["status"] == "partly_refunded" and data["refunded_amount"] == "33.00"
    assert data["refunds"][0]["reason"] == "退一半"


def test_refusals_are_clear(pay, owner, factories):
    api = api_client_for(owner)
    unfinished = factories.workorders.assigned()
    answer = api.post("/api/v1/payments", {"order_id": unfinished.pk, "method": "wechat"},
                      content_type="application/json")
    assert answer.status_code == 400 and "order" in answer.json()["details"]
    answer = api.post("/api/v1/payments", {"order_id": unfinished.pk, "method": "cash"},
                      content_type="application/json")
    assert answer.status_code == 400
    answer = api.post("/api/v1/payments", {"order_id": 987654321, "method": "wechat"},
                      content_type="application/json")
    assert answer.status_code == 404
    assert api.post("/api/v1/payments/notify/paypal", "{}", content_type="application/json").status_code == 400
    assert api.post("/api/v1/payments/notify/sandbox", "{}", content_type="application/json").json()["code"] == \
        "unknown_payment"


def test_another_companys_payment_is_404_and_engineers_may_not_refund(pay, other_company, factories):
    payment = pay.paid()
    api = api_client_for(other_company[1])
    assert api.get(f"/api/v1/payments/{payment.pk}").status_code == 404
    assert api.post(f"/api/v1/payments/{payment.pk}/refund", {"reason": "x"},
                    content_type="application/json").status_code == 404
    assert api.get("/api/v1/payments").json()["count"] == 0
    engineer = factories.accounts.user(roles=["engineer"])
    answer = api_client_for(engineer).post(f"/api/v1/payments/{payment.pk}/refund", {"reason": "x"},
                                           content_type="application/json")
    assert answer.status_code in (403, 404)
    assert api_client_for(factories.accounts.user(roles=["desk_agent"])).get("/api/v1/payments").status_code == 403
