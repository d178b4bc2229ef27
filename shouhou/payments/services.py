"""Every write to payments (lock → policy → clean → write → timeline → outbox, architecture §4).

- `request_payment`: an online payment request for a completed order — the amount is the order's 合计费用;
  the adapter answers the QR code's content; an open request of the same method and amount is reused;
- `record_offline`: cash or a transfer the engineer received, with a photo: paid at once;
- `handle_notification`: the provider's callback, public — signature verified by the adapter (which also
  refuses a stale timestamp), the nonce stored once (a replay is refused by the database), the payment
  found by its merchant order number within the company whose keys verified it, the amount checked; a
  second notification of the same transaction changes nothing (idempotent);
- `refund`: an administrator refunds all or part of a paid payment through the provider's adapter.
A refused call changes nothing. Timeline entries go on the work order (its 动态), events are `payment.*`.
"""

import datetime as dt
import logging
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core import clean, outbox, permissions, timeline
from shouhou.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from shouhou.core.flow.locking import lock
from shouhou.core.numbers import format_amount
from shouhou.core.tenancy import tenant_context
from shouhou.workorders.queries.orders import visible_work_orders

from . import adapters, credentials, queries
from .models import OFFLINE_METHODS, ONLINE_METHODS, Method, NotificationNonce, Payment, Refund

log = logging.getLogger(__name__)

QR_VALID_MINUTES = 120
STALE = _("The payment has changed; reload it and try again.")


class ProviderUnavailable(DomainError):
    code = "provider_error"
    status = 502


class NotificationRefused(DomainError):
    """A notification that changes nothing; `code` says why (bad_signature, stale_notification, replayed …)."""


def _trade_no(prefix):
    return prefix + timezone.now().strftime("%y%m%d") + secrets.token_hex(12).upper()  # 32 characters


def _lock_order(actor, order):
    return lock(visible_work_orders(actor).select_for_update(), order.pk, None, "")


def _method(value, allowed, errors):
    value = str(value or "")
    if value not in {m.value for m in allowed}:
        errors["method"] = [_("Choose one of: %(methods)s.") % {"methods": "、".join(str(m.label) for m in allowed)}]
        return None
    if not queries.company_flag(f"payments.{value}_enabled"):
        errors["method"] = [_("Your company does not accept %(method)s.") % {"method": Method(value).label}]
        return None
    return Method(value)


def _check_payable(order, errors):
    if order.status not in queries.PAYABLE_STATUSES:
        errors["order"] = [_("Payment is collected once the work order is finished.")]
    elif Payment.objects.filter(order=order, status__in=queries.SETTLED_STATES).exists():
        errors["order"] = [_("This work order is already paid.")]
    amount = queries.amount_due(order)
    if "order" not in errors and amount <= 0:
        errors["order"] = [_("This work order has no fees to collect.")]
    return amount


def _close_open(order, keep=None):
    Payment.objects.filter(order=order, status=Payment.Status.PENDING).exclude(
        pk=getattr(keep, "pk", None)).update(status=Payment.Status.CLOSED, updated_at=timezone.now())


def notify_url(provider):
    base = getattr(settings, "PAYMENTS_PUBLIC_URL", "").rstrip("/")
    return base + reverse("api:payments_notify", args=[provider])


@transaction.atomic
def request_payment(*, actor, order, method):
    """A pending online payment for the order with its QR code (an open one of the same method is reused)."""
    permissions.require(actor, "payment.collect")
    order = _lock_order(actor, order)
    errors = {}
    if not queries.collecting(order.tenant):
        errors["order"] = [_("Collecting payment at completion is switched off in the payment settings.")]
    method = _method(method, ONLINE_METHODS, errors)
    amount = _check_payable(order, errors) if "order" not in errors else None
    clean.raise_if(errors)
    now = timezone.now()
    provider = "sandbox" if credentials.sandbox(order.tenant) else method.value
    open_one = Payment.objects.filter(order=order, method=method, provider=provider, amount=amount,
                                      status=Payment.Status.PENDING, expires_at__gt=now).first()
    if open_one is not None:
        return open_one
    try:
        adapter = adapters.for_payment(order.tenant, provider)
    except credentials.NotConfigured:
        raise ValidationFailed(details={"method": [
            _("%(method)s is not set up for your company yet (payment settings).") % {"method": method.label}]})
    payment = Payment.objects.create(
        order=order, method=method, provider=provider, amount=amount, out_trade_no=_trade_no("SH"),
        expires_at=now + dt.timedelta(minutes=QR_VALID_MINUTES), created_by=actor)
    subject = _("Work order %(number)s") % {"number": order.number}
    try:
        payment.code_url = adapter.precreate(payment, subject=subject, notify_url=notify_url(provider))[:500]
    except adapters.ProviderError as exc:
        log.warning("payment request %s refused by %s: %s", payment.out_trade_no, provider, exc)
        raise ProviderUnavailable(_("The payment provider did not accept the request: %(reason)s") % {
            "reason": str(exc)}) from None
    payment.save(update_fields=["code_url", "updated_at"])
    _close_open(order, keep=payment)
    timeline.record(actor=actor, obj=order, verb=_("requested payment"),
                    summary=_("Asked the customer to pay %(what)s") % {"what": f"{method.label} {format_amount(amount)}"})
    outbox.emit("payment.requested", payment_id=payment.pk, order_id=order.pk, method=method.value,
                amount=str(amount))
    return payment


@transaction.atomic
def record_offline(*, actor, order, method, photo, reference="", note=""):
    """Cash or a transfer received by the engineer, with a photo of the money or the transfer slip."""
    permissions.require(actor, "payment.collect")
    order = _lock_order(actor, order)
    errors = {}
    method = _method(method, OFFLINE_METHODS, errors)
    amount = _check_payable(order, errors)
    reference = clean.text(reference, 100, "reference", errors)
    note = clean.text(note, 200, "note", errors)
    if not (isinstance(photo, dict) and str(photo.get("url", "")).startswith("/files/")):
        errors["photo"] = [_("Add a photo of the cash receipt or the transfer.")]
    clean.raise_if(errors)
    payment = Payment.objects.create(
        order=order, method=method, provider="", amount=amount, status=Payment.Status.PAID,
        out_trade_no=_trade_no("SO"), reference=reference, note=note, photo=photo, paid_at=timezone.now(),
        created_by=actor)
    _close_open(order)
    timeline.record(actor=actor, obj=order, verb=_("recorded payment"),
                    summary=_("Received %(what)s") % {"what": f"{method.label} {format_amount(amount)}"}, note=note,
                    attachments=[photo])
    outbox.emit("payment.paid", payment_id=payment.pk, order_id=order.pk, method=method.value, amount=str(amount))
    return payment


def record_offline_with_photo(*, actor, order, method, file, reference="", note=""):
    """The pages' 线下收款: store the uploaded photo privately (refused unless an image), then record."""
    from shouhou.workorders.services import uploads

    try:
        photo = uploads.store_upload(actor=actor, file=file, images_only=True)
    except ValidationFailed as exc:
        raise ValidationFailed(details={"photo": exc.details.get("file") or [exc.message]}) from None
    return record_offline(actor=actor, order=order, method=method, photo=photo, reference=reference, note=note)


def handle_notification(*, provider, headers, body):
    """(status, answer) for the provider. Refusals raise NotificationRefused and change nothing."""
    candidates = adapters.for_notification(provider, headers, body)
    if not candidates:
        raise NotificationRefused(_("The notification is not for a known payment."), code="unknown_payment")
    refusal = unknown = None
    for tenant, adapter in candidates:  # companies sharing a merchant account: the one that has the payment
        try:
            notice = adapter.verify(headers, body)
        except adapters.BadNotification as exc:
            refusal = exc
            continue
        try:
            with tenant_context(tenant):
                return _apply_notice(provider, adapter, notice)
        except NotificationRefused as exc:
            if exc.code != "unknown_payment":
                raise
            unknown = exc
    if unknown is not None:
        raise unknown
    log.warning("payment notification refused (%s): %s", provider, refusal.code)
    raise NotificationRefused(_("The notification was refused: %(reason)s") % {"reason": refusal},
                              code=refusal.code)


@transaction.atomic
def _apply_notice(provider, adapter, notice):
    try:
        with transaction.atomic():
            NotificationNonce.objects.create(provider=provider, nonce=notice.nonce)
    except IntegrityError:
        raise NotificationRefused(_("This notification was already received."), code="replayed") from None
    payment = Payment.objects.select_for_update().filter(out_trade_no=notice.out_trade_no,
                                                         provider=provider).first()
    if payment is None:
        raise NotificationRefused(_("The notification is not for a known payment."), code="unknown_payment")
    if not notice.succeeded:
        return adapter.answer(True)  # a closed or failed trade: nothing to record
    if notice.amount != payment.amount:
        log.warning("payment %s: notified amount %s, expected %s", payment.out_trade_no, notice.amount,
                    payment.amount)
        raise NotificationRefused(_("The amount paid does not match the payment."), code="amount_mismatch")
    if payment.transaction_id:
        if payment.transaction_id == notice.transaction_id:
            return adapter.answer(True)  # the same transaction again: already recorded
        raise NotificationRefused(_("The payment was already paid by another transaction."), code="conflict")
    payment.status = Payment.Status.PAID
    payment.transaction_id = notice.transaction_id
    payment.paid_at = timezone.now()
    payment.version += 1
    payment.save(update_fields=["status", "transaction_id", "paid_at", "version", "updated_at"])
    _close_open(payment.order, keep=payment)
    timeline.record(actor=None, obj=payment.order, verb=_("was paid"), summary=_("The customer paid %(what)s") % {
        "what": f"{payment.get_method_display()} {format_amount(payment.amount)}"})
    outbox.emit("payment.paid", payment_id=payment.pk, order_id=payment.order_id, method=payment.method,
                amount=str(payment.amount))
    return adapter.answer(True)


def _refund_amount(value, payment, errors):
    if value in (None, ""):
        return payment.refundable
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["amount"] = [_("Enter an amount.")]
        return None
    if not Decimal("0.01") <= amount <= payment.refundable:
        errors["amount"] = [_("Enter an amount from 0.01 to %(most)s.") % {"most": payment.refundable}]
        return None
    return amount


@transaction.atomic
def refund(*, actor, payment, reason, amount=None, expected_version=None):
    """Refund (all or part of) a paid payment through its provider; cash and transfers are marked refunded."""
    permissions.require(actor, "payment.refund")
    payment = lock(queries.visible_payments(actor).select_for_update(), payment.pk, expected_version, STALE)
    if payment.status not in queries.SETTLED_STATES:
        raise Conflict(_("Only a paid payment can be refunded."))
    errors = {}
    amount = _refund_amount(amount, payment, errors)
    reason = clean.text(reason, 200, "reason", errors, required=True)
    clean.raise_if(errors)
    row = Refund(payment=payment, amount=amount, reason=reason, out_refund_no=_trade_no("RF"), created_by=actor)
    if payment.provider:
        try:
            row.provider_refund_id = adapters.for_payment(payment.tenant, payment.provider).refund(payment, row)
        except credentials.NotConfigured:
            raise Conflict(_("The payment's provider is no longer set up; refund it on the merchant platform.")) from None
        except adapters.ProviderError as exc:
            log.warning("refund of %s refused by %s: %s", payment.out_trade_no, payment.provider, exc)
            raise ProviderUnavailable(_("The payment provider refused the refund: %(reason)s") % {
                "reason": str(exc)}) from None
    row.save(force_insert=True)
    payment.refunded_amount += amount
    payment.status = Payment.Status.REFUNDED if payment.refundable <= 0 else Payment.Status.PARTLY_REFUNDED
    payment.version += 1
    payment.save(update_fields=["refunded_amount", "status", "version", "updated_at"])
    timeline.record(actor=actor, obj=payment.order, verb=_("refunded"), summary=_("Refunded %(what)s") % {
        "what": f"{payment.get_method_display()} {format_amount(amount)}"}, note=reason)
    outbox.emit("payment.refunded", payment_id=payment.pk, order_id=payment.order_id, amount=str(amount))
    return row


def sandbox_pay(out_trade_no):
    """The sandbox payer's 确认支付: send the signed notification a provider would send, through the same path."""
    from .adapters import sandbox

    payment = Payment.all_tenants.filter(out_trade_no=str(out_trade_no)[:32], provider="sandbox").first()
    if payment is None:
        raise NotFound()
    headers, body = sandbox.notification(payment)
    return handle_notification(provider="sandbox", headers=headers, body=body)
