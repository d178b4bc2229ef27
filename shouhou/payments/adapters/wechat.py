"""WeChat Pay native (Native 支付) through the wechatpayv3 SDK, in public-key mode (the platform's public key
and its ID from the merchant platform; no certificate download at start).

- precreate: `pay(pay_type=NATIVE)` → `code_url`, the QR code's content;
- verify: the SDK's `callback` checks the RSA-SHA256 signature of `Wechatpay-Timestamp\\nNonce\\nbody`
  against the platform key named by `Wechatpay-Serial` and deciphers the AES-256-GCM resource with the
  APIv3 key; the timestamp must be fresh and the resource must name this merchant and app;
- refund: `refund(out_refund_no, amount={refund,total,currency}, out_trade_no)`.
No logger is given to the SDK: it would log request headers, which carry the merchant's signature.
"""

import datetime as dt
import json

from wechatpayv3 import WeChatPay, WeChatPayType

from .. import credentials
from .base import Adapter, BadNotification, Notice, ProviderError, cents, check_fresh, yuan

TIMEOUT = (5, 15)


class WechatAdapter(Adapter):
    name = "wechat"

    def __init__(self, merchant):
        self.merchant = merchant
        try:
            self.client = WeChatPay(
                wechatpay_type=WeChatPayType.NATIVE, mchid=merchant.mchid, private_key=merchant.private_key,
                cert_serial_no=merchant.serial_no, appid=merchant.appid, apiv3_key=merchant.apiv3_key,
                public_key=merchant.public_key, public_key_id=merchant.public_key_id, timeout=TIMEOUT)
        except Exception:  # the SDK raises bare Exceptions for unreadable keys
            raise credentials.NotConfigured("wechat") from None

    @classmethod
    def for_tenant(cls, tenant):
        return cls(credentials.wechat(tenant))

    @classmethod
    def candidates(cls, headers, body):
        return cls.configured_for("payments.wechat_public_key_id", str(headers.get("Wechatpay-Serial", ""))[:64])

    def precreate(self, payment, *, subject, notify_url):
        try:
            code, text = self.client.pay(description=subject[:127], out_trade_no=payment.out_trade_no,
                                         amount={"total": cents(payment.amount), "currency": "CNY"},
                                         notify_url=notify_url, time_expire=_rfc3339(payment.expires_at))
        except Exception as exc:  # network errors, a response whose signature fails
            raise ProviderError(type(exc).__name__) from None
        data = _json(text)
        if code != 200 or not data.get("code_url"):
            raise ProviderError(str(data.get("message") or data.get("code") or code)[:200])
        return data["code_url"]

    def verify(self, headers, body):
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        try:
            result = self.client.callback(headers=dict(headers), body=body)
        except Exception:
            result = None
        if not result:
            raise BadNotification("bad_signature", "The notification's signature does not verify.")
        timestamp = str(headers.get("Wechatpay-Timestamp", ""))
        sent_at = dt.datetime.fromtimestamp(int(timestamp[:12]), tz=dt.UTC) if timestamp.isdigit() else None
        check_fresh(sent_at)
        resource = result.get("resource") or {}
        if resource.get("mchid") != self.merchant.mchid or resource.get("appid") != self.merchant.appid:
            raise BadNotification("wrong_merchant", "The notification is for another merchant.")
        amount = resource.get("amount") or {}
        return Notice(out_trade_no=str(resource.get("out_trade_no", ""))[:32],
                      transaction_id=str(resource.get("transaction_id", ""))[:64],
                      amount=yuan(amount.get("total", 0)), succeeded=resource.get("trade_state") == "SUCCESS",
                      nonce=str(headers.get("Wechatpay-Nonce", ""))[:64], sent_at=sent_at)

    def refund(self, payment, refund):
        try:
            code, text = self.client.refund(
                out_refund_no=refund.out_refund_no, out_trade_no=payment.out_trade_no,
                amount={"refund": cents(refund.amount), "total": cents(payment.amount), "currency": "CNY"},
                reason=refund.reason[:80])
        except Exception as exc:
            raise ProviderError(type(exc).__name__) from None
        data = _json(text)
        if code not in (200, 201) or data.get("status") not in ("SUCCESS", "PROCESSING"):
            raise ProviderError(str(data.get("message") or data.get("code") or code)[:200])
        return str(data.get("refund_id", ""))[:64]

    def answer(self, ok, message=""):
        return (200, {"code": "SUCCESS"}) if ok else (400, {"code": "FAIL", "message": message})


def _json(text):
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _rfc3339(moment):
    return moment.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat(timespec="seconds") if moment else None
