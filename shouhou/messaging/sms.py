"""SMS gateway adapters (architecture §2). The console gateway logs; the Aliyun one speaks its HTTP API."""

import base64
import hashlib
import hmac
import json
import logging
import uuid
from datetime import UTC, datetime
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("shouhou.sms")


class SmsError(Exception):
    pass


class ConsoleSmsGateway:
    """Local gateway: writes the message to the log and reports success."""

    sent = []  # the last messages, for tests and the developer console

    def send(self, phone, content, template=""):
        log.info("SMS to %s: %s", phone, content)
        ConsoleSmsGateway.sent.append((phone, content))
        del ConsoleSmsGateway.sent[:-200]
        return f"console-{uuid.uuid4().hex[:12]}"


class AliyunSmsGateway:
    """Aliyun SendSms over its RPC-style HTTP API (signature method HMAC-SHA1)."""

    def __init__(self, access_key_id=None, secret=None, endpoint=None, sign_name=None):
        self.access_key_id = access_key_id or settings.SMS_ACCESS_KEY_ID
        self.secret = secret or settings.SMS_ACCESS_KEY_SECRET
        self.endpoint = endpoint or settings.SMS_ENDPOINT
        self.sign_name = sign_name or settings.SMS_SIGN_NAME

    def send(self, phone, content, template=""):
        params = {
            "AccessKeyId": self.access_key_id, "Action": "SendSms", "Format": "JSON", "PhoneNumbers": phone,
            "RegionId": "cn-hangzhou", "SignName": self.sign_name, "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0", "TemplateCode": template or "GENERIC",
            "TemplateParam": json.dumps({"content": content}, ensure_ascii=False),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": "2017-05-25",
        }
        params["Signature"] = self.sign(params)
        request = Request(self.endpoint + "?" + urlencode(params), method="GET")
        try:
            with urlopen(request, timeout=10) as response:
                body = _json_object(response.read())
        except HTTPError as exc:  # Aliyun answers refusals (bad signature, limits) with 4xx and a JSON body
            body = _json_object(exc.read(), unreadable=str(exc))
        except OSError as exc:
            raise SmsError(str(exc))
        if body.get("Code") != "OK":
            code, message = body.get("Code") or "unknown error", body.get("Message") or ""
            raise SmsError(f"{code}: {message}" if message else code)
        return body.get("BizId", "")

    def sign(self, params):
        def enc(value):
            return quote(str(value), safe="~")

        canonical = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
        to_sign = "GET&%2F&" + enc(canonical)
        digest = hmac.new((self.secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()


def _json_object(raw, unreadable="unreadable gateway response"):
    try:
        body = json.loads(raw.decode())
    except (UnicodeDecodeError, ValueError):
        body = None
    if not isinstance(body, dict):
        raise SmsError(unreadable)
    return body


def gateway(tenant=None):
    """The configured gateway; the demo company's messages only ever go to the console (log) gateway,
    whatever is configured: its customers' numbers are made up and may belong to real people."""
    if tenant is not None and tenant.is_demo:
        return ConsoleSmsGateway()
    return import_string(settings.SMS_BACKEND)()


def segments(content):
    """Billed segments: 70 characters for one, 67 each when longer (carrier rule)."""
    length = len(content)
    return 1 if length <= 70 else -(-length // 67)
