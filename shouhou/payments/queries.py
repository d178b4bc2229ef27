"""Every read of payments: a user with payment.view sees the payments of the work orders he sees (the
work-order data scope); another company's payment, or one outside the scope, is NotFound."""

from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from shouhou.core import company_settings, permissions
from shouhou.core.errors import NotFound
from shouhou.workorders import flow
from shouhou.workorders.queries.orders import visible_work_orders

from .models import OFFLINE_METHODS, ONLINE_METHODS, Payment, Refund

PAYABLE_STATUSES = flow.DONE_STATUSES  # 已完成 and after
SETTLED_STATES = (Payment.Status.PAID, Payment.Status.PARTLY_REFUNDED)


def visible_payments(actor):
    if not permissions.has_perm(actor, "payment.view"):
        return Payment.objects.none()
    return Payment.objects.filter(order__in=visible_work_orders(actor).values("pk"))


def list_payments(actor):
    return visible_payments(actor).select_related("order", "order__customer", "created_by").prefetch_related(
        Prefetch("refunds", queryset=Refund.objects.select_related("created_by")))


def get_payment(actor, pk):
    payment = list_payments(actor).filter(pk=pk).first()
    if payment is None:
        raise NotFound(_("Payment not found."))
    return payment


def payments_of(actor, order):
    return list_payments(actor).filter(order=order).order_by("-created_at", "-id")


def amount_due(order):
    """The order's 合计费用: `WorkOrder.total_amount`, which the fees provider (workorders.fees: the receipt's
    parts and service items) keeps on completion — read from the row, no query."""
    return Decimal(order.total_amount or 0).quantize(Decimal("0.01"))


def enabled_methods(tenant=None):
    """The methods the company accepts, online first."""
    flags = company_settings.values(tenant, group="payments")
    return [m for m in (*ONLINE_METHODS, *OFFLINE_METHODS) if flags.get(f"payments.{m.value}_enabled")]


def company_flag(key, tenant=None):
    return bool(company_settings.get(key, tenant))


def collecting(tenant=None):
    return bool(company_settings.get("payments.collect_on_completion", tenant))


def status_of(orders):
    """{order_id: "paid" | "unpaid" | "refunded"} (workorders.order_facts "payment_status"), one query."""
    ids = [order.pk for order in orders]
    states = {}
    for order_id, status in Payment.objects.filter(order_id__in=ids).exclude(
            status__in=(Payment.Status.PENDING, Payment.Status.CLOSED)).values_list("order_id", "status"):
        if status in SETTLED_STATES:
            states[order_id] = "paid"
        else:
            states.setdefault(order_id, "refunded")
    return {order_id: states.get(order_id, "unpaid") for order_id in ids}


def collection(actor, order):
    """What the order's 收款 section shows: the amount due, the payments, the paid one, the open QR code."""
    payments = list(payments_of(actor, order))
    paid = next((p for p in payments if p.status in SETTLED_STATES), None)
    pending = next((p for p in payments if p.status == Payment.Status.PENDING and p.code_url), None)
    return {"order": order, "amount": amount_due(order), "payments": payments, "paid": paid, "pending": pending,
            "payable": order.status in PAYABLE_STATUSES, "collecting": collecting(order.tenant),
            "methods": enabled_methods(order.tenant)}
