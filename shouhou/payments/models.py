"""Payments at completion (在线支付, PAY-01…07).

A `Payment` is one attempt to collect a work order's fees: online (WeChat Pay native, Alipay 当面付 — a QR
code the customer scans; the provider's signed notification marks it paid) or other (cash, transfer —
recorded by the engineer with a photo, paid at once). `out_trade_no` is the merchant order number the
provider sees, unique in the deployment, so a notification finds its payment before any company is known.
`Refund` rows are refunds made by an administrator through the provider's adapter. `NotificationNonce`
remembers every notification nonce accepted, so a replayed notification is refused by the database.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import TenantModel


class Method(models.TextChoices):
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")


ONLINE_METHODS = (Method.WECHAT, Method.ALIPAY)
OFFLINE_METHODS = (Method.CASH, Method.TRANSFER)


class Payment(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", _("Paid")
        PARTLY_REFUNDED = "partly_refunded", _("Partly refunded")
        REFUNDED = "refunded", _("Refunded")
        CLOSED = "closed", _("Closed")

    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("work order"))
    method = models.CharField(_("payment method"), max_length=10, choices=Method.choices)
    provider = models.CharField(_("provider"), max_length=10, blank=True)  # wechat / alipay / sandbox / ""
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    refunded_amount = models.DecimalField(_("refunded amount"), max_digits=12, decimal_places=2, default=Decimal("0"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    out_trade_no = models.CharField(_("merchant order number"), max_length=32, unique=True)
    code_url = models.CharField(_("QR code content"), max_length=500, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    transaction_id = models.CharField(_("transaction number"), max_length=64, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    photo = models.JSONField(_("photo"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "transaction_id"], condition=~models.Q(transaction_id=""),
                                    name="payments_transaction_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(condition=models.Q(refunded_amount__lte=models.F("amount")),
                                   name="payments_refund_within_amount"),
        ]
        indexes = [models.Index(fields=["tenant", "order", "status"], name="payments_order_status")]

    def __str__(self):
        return self.out_trade_no

    @property
    def is_online(self):
        return self.method in ONLINE_METHODS

    @property
    def refundable(self):
        return self.amount - self.refunded_amount


class Refund(TenantModel):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="refunds")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    out_refund_no = models.CharField(_("refund number"), max_length=32, unique=True)
    provider_refund_id = models.CharField(_("provider's refund number"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("refunded by"))

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payments_refund_positive")]

    def __str__(self):
        return self.out_refund_no


class NotificationNonce(models.Model):
    """A provider notification accepted once (provider, nonce); a second one with the same nonce is a replay.
    Not company data: it is written before the notification is tied to a company."""

    provider = models.CharField(max_length=10)
    nonce = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "nonce"], name="payments_nonce_once")]

    def __str__(self):
        return f"{self.provider}:{self.nonce}"
