"""REST API of payments at completion: `GET /payments` (list), `GET /payments/{id}`, `POST /payments` (a
payment request for a finished order: the QR code's content to show the customer), `POST
/payments/{id}/refund` (administrators), and `POST /payments/notify/{provider}` — the providers' callback,
public (no token), signature-checked; it answers in the provider's format (JSON `{"code": "SUCCESS"}`, or
Alipay's plain `success`), a refusal in the API's error envelope.
"""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse, JsonResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from shouhou.core import permissions
from shouhou.core.api_types import Id, NonBlank, Version
from shouhou.core.api_utils import ERRORS, ErrorOut, PageQuery, idempotent, page_of, paginate
from shouhou.core.errors import NotFound
from shouhou.workorders.queries.orders import visible_work_orders

from . import queries, services
from .adapters import PROVIDERS
from .models import ONLINE_METHODS, Method, Payment

router = Router()
payments_router = Router(tags=["payments"])


class RefundOut(Schema):
    id: int
    amount: Decimal
    reason: str
    out_refund_no: str
    provider_refund_id: str
    created_at: datetime
    created_by: str | None

    @staticmethod
    def resolve_created_by(obj):
        return obj.created_by.name if obj.created_by else None


class PaymentOut(Schema):
    id: int
    order_id: int
    order_number: str
    method: Literal[tuple(Method.values)]
    provider: str = Field(description='"wechat", "alipay", "sandbox" (the local stand-in), "" for cash/transfer')
    status: Literal[tuple(Payment.Status.values)]
    amount: Decimal
    refunded_amount: Decimal
    out_trade_no: str = Field(description="the merchant order number the provider sees")
    code_url: str = Field(description="what the QR code encodes (pending online payments); show it to the customer")
    expires_at: datetime | None
    transaction_id: str = Field(description="the provider's transaction number once paid")
    reference: str
    paid_at: datetime | None
    created_at: datetime
    refunds: list[RefundOut]
    version: int

    @staticmethod
    def resolve_order_number(obj):
        return obj.order.number

    @staticmethod
    def resolve_refunds(obj):
        return list(obj.refunds.all())


class PaymentIn(Schema):
    order_id: Id
    method: Literal[tuple(m.value for m in ONLINE_METHODS)] = Field(
        description="wechat (WeChat Pay native) or alipay (当面付); cash and transfers are recorded on the phone")


class RefundIn(Schema):
    reason: NonBlank = Field(max_length=200)
    amount: Decimal | None = Field(None, gt=0, le=Decimal("9999999999"), max_digits=12, decimal_places=2,
                                   description="default: all that is not refunded yet")
    expected_version: Version | None = Field(None, description="409 if the payment changed since you read it")


class PaymentFilters(PageQuery):
    status: Literal[tuple(Payment.Status.values)] | None = None
    method: Literal[tuple(Method.values)] | None = None
    order_id: Id | None = None


@payments_router.get("", response={200: page_of(PaymentOut), **ERRORS})
def list_payments(request, filters: Query[PaymentFilters]):
    """The payments of the work orders you see, newest first."""
    permissions.require(request.auth, "payment.view")
    payments = queries.list_payments(request.auth).order_by("-created_at", "-id")
    for key in ("status", "method", "order_id"):
        value = getattr(filters, key)
        if value is not None:
            payments = payments.filter(**{key: value})
    return paginate(payments, filters)


@payments_router.post("", response={201: PaymentOut, 502: ErrorOut, **ERRORS})
@idempotent(PaymentOut)
def request_payment(request, payload: PaymentIn):
    """Ask the customer to pay a finished order's 合计费用 online: answers the pending payment with its
    `code_url` (an open one of the same method and amount is answered again). 400 when the order is not
    finished, already paid, has no fees, or the company does not collect or accept the method; 502 when the
    provider refuses."""
    order = visible_work_orders(request.auth).filter(pk=payload.order_id).first()
    if order is None:
        raise NotFound()
    payment = services.request_payment(actor=request.auth, order=order, method=payload.method)
    return Status(201, queries.get_payment(request.auth, payment.pk))


@payments_router.get("/{int:payment_id}", response={200: PaymentOut, **ERRORS})
def get_payment(request, payment_id: Id):
    return queries.get_payment(request.auth, payment_id)


@payments_router.post("/{int:payment_id}/refund", response={200: PaymentOut, 502: ErrorOut, **ERRORS})
def refund_payment(request, payment_id: Id, payload: RefundIn):
    """Refund all (no `amount`) or part of a paid payment through its provider (payment.refund:
    administrators). 409 when it is not paid or changed since `expected_version`; 502 when the provider
    refuses."""
    payment = queries.get_payment(request.auth, payment_id)
    services.refund(actor=request.auth, payment=payment, reason=payload.reason, amount=payload.amount,
                    expected_version=payload.expected_version)
    return queries.get_payment(request.auth, payment_id)


NOTIFY_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object"}},
    "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
}}}
NOTIFY_ANSWERS = {"200": {"description": "accepted (also a repeat of a notification already recorded)", "content": {
    "application/json": {"schema": {"type": "object", "properties": {"code": {"type": "string", "enum": ["SUCCESS"]}},
                                    "required": ["code"]}},
    "text/plain": {"schema": {"type": "string", "enum": ["success"]}},
}}}


@payments_router.post("/notify/{provider}", auth=None, response={400: ErrorOut, 409: ErrorOut},
                      openapi_extra={**NOTIFY_BODY, "responses": NOTIFY_ANSWERS})
def notify(request, provider: Literal[PROVIDERS]):
    """The provider's payment notification (WeChat Pay's JSON with `Wechatpay-*` headers, Alipay's form
    post, the sandbox's signed JSON). Public. Refused with 400 (bad_signature, stale_notification,
    unknown_payment, amount_mismatch, wrong_merchant) or 409 (replayed: a nonce already received;
    conflict: paid by another transaction) — a refusal changes nothing."""
    status, answer = services.handle_notification(provider=provider, headers=dict(request.headers),
                                                  body=request.body)
    if isinstance(answer, str):
        return HttpResponse(answer, status=status, content_type="text/plain; charset=utf-8")
    return JsonResponse(answer, status=status)


router.add_router("/payments", payments_router)
