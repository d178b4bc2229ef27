"""Direct tests of notifications, SMS sending with quotas, and the Aliyun gateway (architecture §2, §12)."""

import base64
import hashlib
import hmac
import json
import re
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from shouhou.core.errors import PermissionDenied, QuotaExceeded, ValidationFailed
from shouhou.core.models import Tenant
from shouhou.core.testing import make_user
from shouhou.messaging import services, sms
from shouhou.messaging.models import Notification, SmsMessage

WATCHED = [Tenant, Notification, SmsMessage]
SERVICE_PATH = "shouhou.messaging.tests.test_services"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def db_state():
    return {model._meta.label: list(model._base_manager.order_by("pk").values()) for model in WATCHED}


def refused(exc_type, service, **kwargs):
    """Call a service that must refuse; assert it raised `exc_type` and wrote nothing."""
    before = db_state()
    with pytest.raises(exc_type) as info:
        service(**kwargs)
    assert db_state() == before
    return info.value


def sms_used(tenant):
    return Tenant.objects.get(pk=tenant.pk).sms_used


class FailingGateway:
    def send(self, phone, content, template=""):
        raise sms.SmsError("gateway unavailable")


class CrashingGateway:
    def send(self, phone, content, template=""):
        raise RuntimeError("bug in the gateway adapter")


# --- notifications --------------------------------------------------------------------------------

def test_notify_once_per_event(tenant, owner):
    colleague = make_user(tenant)
    event_id = uuid.uuid4()
    first = services.notify(users=[owner, colleague, owner], title="工单已指派", body="WO-1", event_id=event_id)
    assert {n.user for n in first} == {owner, colleague}
    assert services.notify(users=[owner, colleague], title="工单已指派", event_id=event_id) == []
    assert Notification.objects.filter(event_id=event_id).count() == 2
    assert len(services.notify(users=[owner], title="另一个事件", event_id=uuid.uuid4())) == 1
    assert len(services.notify(users=[owner], title="无事件")) == len(services.notify(users=[owner], title="无事件"))
    assert Notification.objects.filter(user=owner).count() == 4


def test_notify_skips_disabled_users_and_other_companies(tenant, owner, other_company):
    disabled = make_user(tenant, is_active=False)
    created = services.notify(users=[disabled, other_company[1], None, owner], title="系统通知")
    assert [n.user for n in created] == [owner]
    assert Notification.all_tenants.filter(user=other_company[1]).count() == 0


def test_mark_read_all_or_some(tenant, owner):
    colleague = make_user(tenant)
    mine = [services.notify(users=[owner], title=f"通知{i}")[0] for i in range(3)]
    theirs = services.notify(users=[colleague], title="别人的")[0]
    assert services.mark_read(user=owner, ids=[mine[0].pk, theirs.pk]) == 1
    assert services.mark_read(user=owner, ids=[mine[0].pk]) == 0  # already read
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert services.mark_read(user=owner) == 2
    assert not Notification.objects.filter(user=owner, read_at=None).exists()


# --- send_sms -------------------------------------------------------------------------------------

def test_send_sms_counts_segments(tenant, owner):
    sms.ConsoleSmsGateway.sent.clear()
    short = services.send_sms(phone="+86 138 0013 8000", content="您的工单已受理。", actor=owner, purpose="测试")
    assert (short.status, short.segments, short.phone) == (SmsMessage.Status.SENT, 1, "13800138000")
    assert short.provider_id.startswith("console-") and short.sent_by == owner
    assert sms.ConsoleSmsGateway.sent == [("13800138000", "您的工单已受理。")]
    assert services.send_sms(phone="13800138000", content="字" * 70).segments == 1
    assert services.send_sms(phone="13800138000", content="字" * 71).segments == 2
    assert services.send_sms(phone="13800138000", content="字" * 135).segments == 3
    assert sms_used(tenant) == 1 + 1 + 2 + 3 and tenant.sms_remaining == tenant.sms_limit - 7
    assert SmsMessage.objects.get(pk=short.pk).status == SmsMessage.Status.SENT


def test_send_sms_refuses_when_quota_would_be_exceeded(tenant):
    Tenant.objects.filter(pk=tenant.pk).update(sms_limit=5, sms_used=4)
    error = refused(QuotaExceeded, services.send_sms, phone="13800138000", content="字" * 71)
    assert error.code == "quota_exceeded"
    assert services.send_sms(phone="13800138000", content="刚好用完").segments == 1
    assert sms_used(tenant) == 5
    refused(QuotaExceeded, services.send_sms, phone="13800138000", content="再来一条")


@pytest.mark.parametrize("phone", ["12345", "23800138000", "", "138001380001"])
def test_send_sms_refuses_invalid_phone(tenant, phone):
    assert "phone" in refused(ValidationFailed, services.send_sms, phone=phone, content="你好").details


def test_send_sms_refuses_empty_content_and_unpermitted_sender(tenant):
    assert "content" in refused(ValidationFailed, services.send_sms, phone="13800138000", content="  ").details
    refused(PermissionDenied, services.send_sms, phone="13800138000", content="你好", actor=make_user(tenant),
            check_perm=True)


def test_send_sms_once_per_event(tenant):
    event_id = uuid.uuid4()
    assert services.send_sms(phone="13800138000", content="工单已完成", event_id=event_id) is not None
    assert services.send_sms(phone="13800138000", content="工单已完成", event_id=event_id) is None
    assert SmsMessage.objects.count() == 1 and sms_used(tenant) == 1


@pytest.mark.parametrize("gateway", ["FailingGateway", "CrashingGateway"])
def test_gateway_failure_gives_quota_back(tenant, settings, gateway):
    settings.SMS_BACKEND = f"{SERVICE_PATH}.{gateway}"
    message = services.send_sms(phone="13800138000", content="字" * 71)
    stored = SmsMessage.objects.get(pk=message.pk)
    assert stored.status == SmsMessage.Status.FAILED and stored.segments == 2
    assert stored.error in ("gateway unavailable", "bug in the gateway adapter")
    assert sms_used(tenant) == 0


# --- Aliyun gateway against a fake server ---------------------------------------------------------

class FakeAliyun:
    """Records every request and answers with the configured status and JSON body."""

    def __init__(self):
        self.requests = []
        self.status, self.body = 200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0",
                                       "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake.requests.append(parse_qs(urlsplit(self.path).query, keep_blank_values=True))
                payload = fake.body if isinstance(fake.body, bytes) else json.dumps(fake.body).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def last_params(self):
        return {key: values[0] for key, values in self.requests[-1].items()}


@pytest.fixture
def aliyun():
    fake = FakeAliyun()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def rpc_signature(params, secret):
    """Aliyun RPC signature V1 as documented: percent-encode (RFC 3986), sort, sign 'GET&%2F&…' with HMAC-SHA1."""
    def encode(value):
        return quote(str(value), safe="-_.~")

    canonical = "&".join(f"{encode(key)}={encode(params[key])}" for key in sorted(params))
    string_to_sign = "GET&" + encode("/") + "&" + encode(canonical)
    return base64.b64encode(hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()).decode()


def gateway_for(fake):
    return sms.AliyunSmsGateway(access_key_id="testId", secret="testSecret", endpoint=fake.url, sign_name="演示科技")


def test_signature_matches_the_documented_example():
    documented = {
        "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
        "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007", "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z", "Version": "2017-05-25",
    }
    gateway = sms.AliyunSmsGateway(access_key_id="testId", secret="testSecret", endpoint="http://x/", sign_name="x")
    assert gateway.sign(documented) == rpc_signature(documented, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_aliyun_request_is_complete_and_signed(aliyun):
    biz_id = gateway_for(aliyun).send("13800138000", "您的工单 WO-0001 已派给 李强，电话 13800000002。", "SMS_1234")
    assert biz_id == "900619746936498440^0"
    params = aliyun.last_params()
    signature = params.pop("Signature")
    assert signature == rpc_signature(params, "testSecret")
    assert {key: params[key] for key in ("AccessKeyId", "Action", "Format", "PhoneNumbers", "RegionId", "SignName",
                                         "SignatureMethod", "SignatureVersion", "TemplateCode", "Version")} == {
        "AccessKeyId": "testId", "Action": "SendSms", "Format": "JSON", "PhoneNumbers": "13800138000",
        "RegionId": "cn-hangzhou", "SignName": "演示科技", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
        "TemplateCode": "SMS_1234", "Version": "2017-05-25"}
    assert json.loads(params["TemplateParam"]) == {"content": "您的工单 WO-0001 已派给 李强，电话 13800000002。"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", params["Timestamp"])
    sent_at = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - sent_at) < timedelta(minutes=1)
    gateway_for(aliyun).send("13800138000", "第二条")
    assert aliyun.last_params()["SignatureNonce"] != params["SignatureNonce"]


@pytest.mark.parametrize(
    "status, body, expected",
    [
        (200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控Permits:1"},
         "isv.BUSINESS_LIMIT_CONTROL: 触发分钟级流控Permits:1"),
        (400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched."},
         "SignatureDoesNotMatch: Specified signature is not matched."),
        (500, b"<html>Internal Server Error</html>", "HTTP Error 500"),
        (200, b"not json", "unreadable gateway response"),
    ],
)
def test_aliyun_errors_raise_sms_error(aliyun, status, body, expected):
    aliyun.status, aliyun.body = status, body
    with pytest.raises(sms.SmsError) as error:
        gateway_for(aliyun).send("13800138000", "你好")
    assert str(error.value).startswith(expected)


def test_aliyun_unreachable_raises_sms_error(aliyun):
    url = aliyun.url
    aliyun.server.shutdown()
    aliyun.server.server_close()
    with pytest.raises(sms.SmsError):
        sms.AliyunSmsGateway(access_key_id="id", secret="s", endpoint=url, sign_name="x").send("13800138000", "你好")


def test_send_sms_through_aliyun(tenant, settings, aliyun):
    settings.SMS_BACKEND = "shouhou.messaging.sms.AliyunSmsGateway"
    settings.SMS_ENDPOINT, settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = aliyun.url, "key", "secret"
    message = services.send_sms(phone="13800138000", content="验证码 123456", template="SMS_9")
    assert (message.status, message.provider_id) == (SmsMessage.Status.SENT, "900619746936498440^0")
    params = aliyun.last_params()
    assert params.pop("Signature") == rpc_signature(params, "secret") and params["AccessKeyId"] == "key"
    aliyun.body = {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}
    failed = services.send_sms(phone="13800138000", content="验证码 654321", template="SMS_9")
    assert SmsMessage.objects.get(pk=failed.pk).error == "isv.MOBILE_NUMBER_ILLEGAL: 非法手机号"
    assert sms_used(tenant) == 1
