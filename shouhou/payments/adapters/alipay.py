"""Alipay 当面付 (precreate: a QR code the customer scans) through python-alipay-sdk, RSA2.

- precreate: `api_alipay_trade_precreate` → `qr_code` (the SDK checks the response's signature with
  Alipay's public key);
- verify: the asynchronous notification is a form post; the SDK's `verify` checks `sign` over the sorted
  parameters; `app_id` must be this app's, `notify_time` fresh (Beijing time), `notify_id` unused;
- refund: `api_alipay_trade_refund(refund_amount, out_trade_no, out_request_no)`.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl

from alipay import AliPay

from .. import credentials
from .base import Adapter, BadNotification, Notice, ProviderError, check_fresh

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
PAID_STATES = {"TRADE_SUCCESS", "TRADE_FINISHED"}


def _form(body):
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return dict(parse_qsl(body or "", keep_blank_values=True))


class AlipayAdapter(Adapter):
    name = "alipay"
    content_type = "text/plain"

    def __init__(self, merchant):
        self.merchant = merchant
        try:
            self.client = AliPay(appid=merchant.appid, app_notify_url=None,
                                 app_private_key_string=merchant.private_key,
                                 alipay_public_key_string=merchant.public_key, sign_type="RSA2")
        except Exception:  # unreadable keys
            raise credentials.NotConfigured("alipay") from None

    @classmethod
    def for_tenant(cls, tenant):
        return cls(credentials.alipay(tenant))

    @classmethod
    def candidates(cls, headers, body):
        return cls.configured_for("payments.alipay_appid", _form(body).get("app_id", "")[:40])

    def precreate(self, payment, *, subject, notify_url):
        try:
            result = self.client.api_alipay_trade_precreate(
                subject=subject[:256], out_trade_no=payment.out_trade_no, total_amount=str(payment.amount),
                notify_url=notify_url, timeout_express="2h")
        except Exception as exc:  # network, a response whose signature fails, an error answer
            raise ProviderError(type(exc).__name__) from None
        if result.get("code") != "10000" or not result.get("qr_code"):
            raise ProviderError(str(result.get("sub_msg") or result.get("msg") or result.get("code"))[:200])
        return result["qr_code"]

    def verify(self, headers, body):
        data = _form(body)
        signature = data.pop("sign", "")
        try:
            valid = bool(signature) and self.client.verify(dict(data), signature)
        except Exception:
            valid = False
        if not valid:
            raise BadNotification("bad_signature", "The notification's signature does not verify.")
        try:
            sent_at = dt.datetime.strptime(data.get("notify_time", ""), "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
        except ValueError:
            sent_at = None
        check_fresh(sent_at)
        if data.get("app_id") != self.merchant.appid:
            raise BadNotification("wrong_merchant", "The notification is for another app.")
        try:
            amount = Decimal(data.get("total_amount", "")).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise BadNotification("bad_notification", "The notification has no amount.") from None
        return Notice(out_trade_no=data.get("out_trade_no", "")[:32], transaction_id=data.get("trade_no", "")[:64],
                      amount=amount, succeeded=data.get("trade_status") in PAID_STATES,
                      nonce=data.get("notify_id", "")[:64], sent_at=sent_at)

    def refund(self, payment, refund):
        try:
            result = self.client.api_alipay_trade_refund(
                refund_amount=str(refund.amount), out_trade_no=payment.out_trade_no,
                out_request_no=refund.out_refund_no, refund_reason=refund.reason[:256])
        except Exception as exc:
            raise ProviderError(type(exc).__name__) from None
        if result.get("code") != "10000":
            raise ProviderError(str(result.get("sub_msg") or result.get("msg") or result.get("code"))[:200])
        return str(result.get("trade_no", ""))[:64]

    def answer(self, ok, message=""):
        return (200, "success") if ok else (400, "fail")
