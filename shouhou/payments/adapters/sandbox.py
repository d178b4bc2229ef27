"""The sandbox provider: runs in the process, for local use, the tests and the demo company.

Its QR code opens the sandbox's payer page (`/pay/sandbox/<out_trade_no>/`), where 确认支付 sends the
same kind of notification a real provider sends: a JSON body signed with HMAC-SHA256 under a key derived
from the deployment's SECRET_KEY, with a timestamp and a nonce — checked, and refused when replayed, like
the real ones."""

import datetime as dt
import hmac
import json
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .base import Adapter, BadNotification, Notice, cents, check_fresh, yuan

SALT = "shouhou.payments.sandbox"


def _signature(timestamp, nonce, body):
    return salted_hmac(SALT, f"{timestamp}\n{nonce}\n{body}", algorithm="sha256").hexdigest()


def notification(payment, *, amount=None, transaction_id=None, now=None, state="SUCCESS"):
    """(headers, body) of a signed sandbox notification that `payment` was paid (tests change the amount)."""
    timestamp = str(int((now or timezone.now()).timestamp()))
    nonce = secrets.token_hex(16)
    body = json.dumps({
        "out_trade_no": payment.out_trade_no,
        "transaction_id": transaction_id or "SB" + secrets.token_hex(12),
        "amount": cents(payment.amount if amount is None else amount),
        "trade_state": state,
    })
    return {"X-Sandbox-Timestamp": timestamp, "X-Sandbox-Nonce": nonce,
            "X-Sandbox-Signature": _signature(timestamp, nonce, body)}, body


class SandboxAdapter(Adapter):
    name = "sandbox"

    def __init__(self, tenant=None):
        self.tenant = tenant

    @classmethod
    def for_tenant(cls, tenant):
        return cls(tenant)

    @classmethod
    def candidates(cls, headers, body):
        from ..models import Payment

        try:
            out_trade_no = str(json.loads(body).get("out_trade_no", ""))[:32]
        except (ValueError, AttributeError):
            return []
        row = Payment.all_tenants.filter(out_trade_no=out_trade_no, provider="sandbox").select_related(
            "tenant").first()
        return [] if row is None else [(row.tenant, cls(row.tenant))]

    def precreate(self, payment, *, subject, notify_url):
        base = getattr(settings, "PAYMENTS_PUBLIC_URL", "").rstrip("/")
        return base + reverse("payments_public:sandbox_pay", args=[payment.out_trade_no])

    def verify(self, headers, body):
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        timestamp = headers.get("X-Sandbox-Timestamp", "")
        nonce = headers.get("X-Sandbox-Nonce", "")
        signature = headers.get("X-Sandbox-Signature", "")
        if not (timestamp.isdigit() and nonce and hmac.compare_digest(signature, _signature(timestamp, nonce, body))):
            raise BadNotification("bad_signature", "The notification's signature does not verify.")
        check_fresh(dt.datetime.fromtimestamp(int(timestamp[:12]), tz=dt.UTC))
        data = json.loads(body)
        return Notice(out_trade_no=str(data["out_trade_no"]), transaction_id=str(data["transaction_id"]),
                      amount=yuan(data["amount"]), succeeded=data.get("trade_state") == "SUCCESS",
                      nonce=nonce[:64], sent_at=dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC))

    def refund(self, payment, refund):
        return "SBR" + secrets.token_hex(12)

    def answer(self, ok, message=""):
        return (200, {"code": "SUCCESS"}) if ok else (400, {"code": "FAIL", "message": message})
