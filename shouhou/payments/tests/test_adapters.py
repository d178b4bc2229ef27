"""The WeChat Pay and Alipay adapters against the SDKs' own signing, with keys generated here: the merchant's
requests are signed by the SDK and checked by a fake gateway; the gateway's answers and notifications are
signed with the provider's key and checked by the SDK; the notification goes through the public API."""

import base64
import json
import secrets
import time
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

import pytest
from alipay import AliPay
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from django.utils import timezone
from wechatpayv3.utils import rsa_sign

from shouhou.payments import services
from shouhou.payments.models import Payment

pytestmark = pytest.mark.django_db

MCHID, APPID, SERIAL, PUBKEY_ID = "1900000109", "wxd678efh567hg6787", "5157F09EFDC096DE15EBE81A47057A72", "PUB_KEY_ID_01"
ALIPAY_APPID = "2021000000000001"
APIV3 = "0123456789abcdef0123456789abcdef"


def keypair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return key, private, public


@pytest.fixture(scope="module")
def keys():
    return {"merchant": keypair(), "platform": keypair(), "app": keypair(), "alipay": keypair()}


@pytest.fixture
def live(settings, monkeypatch, keys, factories):
    """The company's real merchant accounts (identifiers in its settings, keys in the environment)."""
    settings.PAYMENTS_SANDBOX = False
    settings.PAYMENTS_PUBLIC_URL = "https://shouhou.example.com"
    factories.payments.enable(**{
        "payments.wechat_mchid": MCHID, "payments.wechat_appid": APPID, "payments.wechat_serial_no": SERIAL,
        "payments.wechat_public_key_id": PUBKEY_ID, "payments.alipay_appid": ALIPAY_APPID})
    env = {f"PAYMENTS_WECHAT_{MCHID}_PRIVATE_KEY": keys["merchant"][1], f"PAYMENTS_WECHAT_{MCHID}_APIV3_KEY": APIV3,
           f"PAYMENTS_WECHAT_{MCHID}_PUBLIC_KEY": keys["platform"][2],
           f"PAYMENTS_ALIPAY_{ALIPAY_APPID}_PRIVATE_KEY": keys["app"][1],
           f"PAYMENTS_ALIPAY_{ALIPAY_APPID}_PUBLIC_KEY": keys["alipay"][2]}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return factories.payments


# --- WeChat Pay ------------------------------------------------------------------------------------------

class Response:
    def __init__(self, status, data, headers):
        self.status_code, self.text, self.headers = status, json.dumps(data), headers
        self.content = self.text.encode()


def platform_headers(keys, body, timestamp=None):
    timestamp, nonce = str(timestamp or int(time.time())), secrets.token_hex(16)
    return {"Wechatpay-Timestamp": timestamp, "Wechatpay-Nonce": nonce, "Wechatpay-Serial": PUBKEY_ID,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
            "Wechatpay-Signature": rsa_sign(keys["platform"][0], f"{timestamp}\n{nonce}\n{body}\n")}


def wechat_gateway(keys, seen, answer):
    """A stand-in for api.mch.weixin.qq.com: checks the SDK's Authorization signature with the merchant's
    public key, answers `answer` signed with the platform key."""

    def post(url, json=None, data=None, headers=None, **kwargs):
        import json as jsonlib

        auth = dict(part.split("=", 1) for part in headers["Authorization"].split(" ", 1)[1].split(","))
        auth = {k: v.strip('"') for k, v in auth.items()}
        path = url.removeprefix("https://api.mch.weixin.qq.com")
        message = f"POST\n{path}\n{auth['timestamp']}\n{auth['nonce_str']}\n{jsonlib.dumps(json)}\n"
        keys["merchant"][0].public_key().verify(base64.b64decode(auth["signature"]), message.encode(), PKCS1v15(),
                                                SHA256())
        assert auth["mchid"] == MCHID and auth["serial_no"] == SERIAL
        seen.append((path, json))
        body = jsonlib.dumps(answer)
        return Response(200, answer, {"Content-Type": "application/json", **platform_headers(keys, body)})

    return post


def wechat_notification(keys, payment, *, amount=None, mchid=MCHID, timestamp=None):
    resource = json.dumps({"mchid": mchid, "appid": APPID, "out_trade_no": payment.out_trade_no,
                           "transaction_id": "4200001234202612070000000001", "trade_state": "SUCCESS",
                           "amount": {"total": amount if amount is not None else int(payment.amount * 100),
                                      "currency": "CNY"}})
    nonce = secrets.token_hex(6)
    ciphertext = AESGCM(APIV3.encode()).encrypt(nonce.encode(), resource.encode(), b"transaction")
    body = json.dumps({"id": secrets.token_hex(8), "event_type": "TRANSACTION.SUCCESS",
                       "resource_type": "encrypt-resource",
                       "resource": {"algorithm": "AEAD_AES_256_GCM", "ciphertext": base64.b64encode(ciphertext).decode(),
                                    "nonce": nonce, "associated_data": "transaction"}})
    return platform_headers(keys, body, timestamp), body


def post_notification(client, provider, headers, body, content_type="application/json"):
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    return client.post(f"/api/v1/payments/notify/{provider}", data=body, content_type=content_type, **meta)


def test_wechat_native_request_notification_and_refund(live, keys, monkeypatch, client, owner):
    seen = []
    monkeypatch.setattr("wechatpayv3.core.requests.post",
                        wechat_gateway(keys, seen, {"code_url": "weixin://wxpay/bizpayurl?pr=abc123"}))
    order = live.billed_order(price="88.80")
    payment = live.request(order, method="wechat")
    assert payment.provider == "wechat" and payment.code_url == "weixin://wxpay/bizpayurl?pr=abc123"
    [(path, sent)] = seen
    assert path == "/v3/pay/transactions/native"
    assert sent["amount"] == {"total": 8880, "currency": "CNY"} and sent["out_trade_no"] == payment.out_trade_no
    assert sent["notify_url"] == "https://shouhou.example.com/api/v1/payments/notify/wechat"
    assert sent["mchid"] == MCHID and sent["appid"] == APPID

    client.logout()  # the callback is public
    headers, body = wechat_notification(keys, payment)
    answer = post_notification(client, "wechat", headers, body.replace('"TRANSACTION.SUCCESS"', '"X"'))
    assert answer.status_code == 400 and answer.json()["code"] == "bad_signature"
    answer = post_notification(client, "wechat", *wechat_notification(keys, payment, amount=1))
    assert answer.status_code == 400 and answer.json()["code"] == "amount_mismatch"
    answer = post_notification(client, "wechat", *wechat_notification(keys, payment, mchid="1900000999"))
    assert answer.json()["code"] == "wrong_merchant"
    answer = post_notification(client, "wechat", *wechat_notification(keys, payment,
                                                                     timestamp=int(time.time()) - 3600))
    assert answer.json()["code"] == "stale_notification"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    answer = post_notification(client, "wechat", headers, body)
    assert answer.status_code == 200 and answer.json() == {"code": "SUCCESS"}
    assert post_notification(client, "wechat", headers, body).json()["code"] == "replayed"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.transaction_id == "4200001234202612070000000001"

    seen.clear()
    monkeypatch.setattr("wechatpayv3.core.requests.post", wechat_gateway(
        keys, seen, {"refund_id": "50000000382019052709732678859", "status": "PROCESSING"}))
    refund = services.refund(actor=owner, payment=payment, amount="8.80", reason="少收了一项")
    assert refund.provider_refund_id == "50000000382019052709732678859"
    [(path, sent)] = seen
    assert path == "/v3/refund/domestic/refunds"
    assert sent["amount"] == {"refund": 880, "total": 8880, "currency": "CNY"}


def test_a_provider_refusal_is_a_clear_error_and_changes_nothing(live, keys, monkeypatch):
    seen = []
    monkeypatch.setattr("wechatpayv3.core.requests.post", wechat_gateway(keys, seen, {"code": "PARAM_ERROR",
                                                                                      "message": "金额有误"}))
    order = live.billed_order()
    with pytest.raises(services.ProviderUnavailable) as caught:
        live.request(order, method="wechat")
    assert "金额有误" in str(caught.value.message)
    assert not Payment.objects.exists()


def test_a_method_without_keys_says_it_is_not_set_up(live, monkeypatch):
    monkeypatch.delenv(f"PAYMENTS_WECHAT_{MCHID}_APIV3_KEY")
    from shouhou.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        live.request(live.billed_order(), method="wechat")
    assert "not set up" in str(caught.value.details["method"][0])


# --- Alipay ----------------------------------------------------------------------------------------------

def alipay_signer(keys):
    """The SDK holding Alipay's own private key: it signs what Alipay would send."""
    return AliPay(appid=ALIPAY_APPID, app_private_key_string=keys["alipay"][1],
                  alipay_public_key_string=keys["app"][2], sign_type="RSA2")


def alipay_gateway(keys, seen, response_type, answer):
    class Reply:
        def __init__(self, text):
            self.text = text

        def read(self):
            return self.text.encode()

    def urlopen(url, timeout=None):
        query = dict(parse_qsl(url.split("?", 1)[1]))
        sign = query.pop("sign")
        # the SDK signed every parameter (sign_type too) with the app's key: check it with the app's public key
        message = "&".join(f"{k}={v}" for k, v in sorted(query.items()))
        assert alipay_signer(keys)._verify(message, sign)
        seen.append(query)
        inner = json.dumps(answer, separators=(",", ":"))
        sign = alipay_signer(keys)._sign(inner)
        return Reply(f'{{"{response_type}":{inner},"sign":"{sign}"}}')

    return urlopen


def alipay_notification(keys, payment, *, amount=None, app_id=ALIPAY_APPID, notify_time=None):
    data = {"app_id": app_id, "notify_id": secrets.token_hex(16), "notify_type": "trade_status_sync",
            "notify_time": notify_time or timezone.localtime(timezone.now(), timezone.get_fixed_timezone(480)).strftime(
                "%Y-%m-%d %H:%M:%S"),
            "out_trade_no": payment.out_trade_no, "trade_no": "2026120722001400000000000001",
            "trade_status": "TRADE_SUCCESS", "total_amount": str(amount if amount is not None else payment.amount),
            "charset": "utf-8", "version": "1.0"}
    sign = alipay_signer(keys)._sign("&".join(f"{k}={v}" for k, v in sorted(data.items())))
    return urlencode({**data, "sign_type": "RSA2", "sign": sign})


def test_alipay_precreate_notification_and_refund(live, keys, monkeypatch, client, owner):
    seen = []
    monkeypatch.setattr("alipay.urlopen", alipay_gateway(keys, seen, "alipay_trade_precreate_response", {
        "code": "10000", "msg": "Success", "out_trade_no": "x", "qr_code": "https://qr.alipay.com/bax03431"}))
    payment = live.request(live.billed_order(price="120.00"), method="alipay")
    assert payment.provider == "alipay" and payment.code_url == "https://qr.alipay.com/bax03431"
    biz = json.loads(seen[0]["biz_content"])
    assert seen[0]["method"] == "alipay.trade.precreate" and biz["total_amount"] == "120.00"
    assert seen[0]["notify_url"] == "https://shouhou.example.com/api/v1/payments/notify/alipay"

    client.logout()
    form = "application/x-www-form-urlencoded"
    body = alipay_notification(keys, payment)
    answer = post_notification(client, "alipay", {}, body.replace("TRADE_SUCCESS", "TRADE_FINISHED"), form)
    assert answer.status_code == 400 and answer.json()["code"] == "bad_signature"
    answer = post_notification(client, "alipay", {}, alipay_notification(keys, payment, amount=Decimal("1.00")), form)
    assert answer.json()["code"] == "amount_mismatch"
    answer = post_notification(client, "alipay", {}, alipay_notification(keys, payment,
                                                                         notify_time="2020-01-01 00:00:00"), form)
    assert answer.json()["code"] == "stale_notification"
    answer = post_notification(client, "alipay", {}, alipay_notification(keys, payment, app_id="2021000000009999"),
                               form)
    assert answer.json()["code"] == "unknown_payment"  # no company has that app
    answer = post_notification(client, "alipay", {}, body, form)
    assert answer.status_code == 200 and answer.content == b"success"
    assert post_notification(client, "alipay", {}, body, form).json()["code"] == "replayed"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.transaction_id == "2026120722001400000000000001"

    seen.clear()
    monkeypatch.setattr("alipay.urlopen", alipay_gateway(keys, seen, "alipay_trade_refund_response", {
        "code": "10000", "msg": "Success", "trade_no": "2026120722001400000000000001", "refund_fee": "120.00"}))
    refund = services.refund(actor=owner, payment=payment, reason="客户取消")
    assert refund.provider_refund_id == "2026120722001400000000000001"
    biz = json.loads(seen[0]["biz_content"])
    assert biz["refund_amount"] == "120.00" and biz["out_request_no"] == refund.out_refund_no
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED


def test_keys_never_reach_the_log(live, keys, monkeypatch, caplog):
    seen = []
    monkeypatch.setattr("wechatpayv3.core.requests.post", wechat_gateway(keys, seen, {"code": "SYSTEM_ERROR"}))
    with caplog.at_level("DEBUG"), pytest.raises(services.ProviderUnavailable):
        live.request(live.billed_order(), method="wechat")
    text = caplog.text
    assert "payment request" in text
    for secret in (APIV3, keys["merchant"][1].splitlines()[1], keys["app"][1].splitlines()[1]):
        assert secret not in text
