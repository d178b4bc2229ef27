"""试用已到期 (hardening issue): an expired company signs in, reads and exports, but every write — console,
phone, API, a queued import — is refused with 403 `subscription_expired` until an operator runs
`manage.py extend_company`."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouhou.core.audit import SystemLog
from shouhou.core.models import Tenant
from shouhou.core.testing import DEMO_PASSWORD, api_client_for, client_for
from shouhou.customers.models import Customer

EXPIRED = "trial has expired"  # the message (the page escapes the apostrophe before it)


@pytest.fixture
def expired(tenant, owner):
    Tenant.objects.filter(pk=tenant.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    tenant.refresh_from_db()
    return tenant


CUSTOMER_FORM = {"name": "到期后新建", "status": "active", "service_team": "", "tags": "", "contact_name": "王",
                 "contact_phone": "13912340000", "contact_position": "", "province": "上海市", "city": "上海市",
                 "district": "浦东新区", "address_detail": "张江路 1 号", "latitude": "31.2", "longitude": "121.5"}


def create_customer(client, **headers):
    return client.post(reverse("customers:create"), CUSTOMER_FORM, **headers)


def api_post(client, path, body):
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def test_console_reads_and_exports_but_refuses_writes(expired, owner):
    client = client_for(owner)
    page = client.get(reverse("customers:list"))
    assert page.status_code == 200 and "data-subscription-expired" in page.content.decode()
    assert client.get(reverse("customers:list") + "?export=xlsx").status_code == 200
    refused = create_customer(client, HTTP_REFERER="http://testserver" + reverse("customers:list"))
    assert refused.status_code == 302
    shown = client.get(refused["Location"]).content.decode()
    assert EXPIRED in shown
    assert not Customer.all_tenants.filter(name="到期后新建").exists()
    htmx = create_customer(client, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 403 and EXPIRED in htmx.content.decode()


def test_a_company_that_has_not_expired_writes(tenant, owner):
    Tenant.objects.filter(pk=tenant.pk).update(expires_at=timezone.now() + dt.timedelta(hours=1))
    page = client_for(owner).get(reverse("customers:list"))
    assert "data-subscription-expired" not in page.content.decode()
    create_customer(client_for(owner))
    assert Customer.all_tenants.filter(name="到期后新建").exists()


def test_sign_in_language_password_and_sign_out_still_work(expired, owner):
    client = Client()
    signed_in = client.post(reverse("accounts:login"), {"username": owner.phone, "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    changed = client.post(reverse("accounts:change_password"), {
        "old_password": DEMO_PASSWORD, "new_password": "Another-pass-2027", "new_password2": "Another-pass-2027"})
    assert changed.status_code == 302 and EXPIRED not in client.get(changed["Location"]).content.decode()
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_phone_pages_read_but_refuse_writes(expired, owner):
    client = client_for(owner)
    assert client.get(reverse("mobile:home")).status_code == 200
    refused = client.post(reverse("mobile:action_accept", args=[1]), {"expected_version": 1},
                          HTTP_REFERER="http://testserver" + reverse("mobile:home"))
    assert refused.status_code == 302 and EXPIRED in client.get(refused["Location"]).content.decode()
    script = client.post(reverse("mobile:location"), {"latitude": "31.2", "longitude": "121.4"},
                         HTTP_ACCEPT="application/json")
    assert script.status_code == 403 and script.json()["code"] == "subscription_expired"
    owner.refresh_from_db()
    assert owner.last_located_at is None
    client.post(reverse("mobile:logout"))
    assert "_auth_user_id" not in client.session


def test_the_api_answers_403_subscription_expired_to_writes(expired, owner):
    client = api_client_for(owner)
    assert client.get("/api/v1/customers").status_code == 200
    refused = api_post(client, "/customers", {"name": "到期后新建", "contact_name": "王",
                                              "contact_phone": "13912340000"})
    assert refused.status_code == 403, refused.content
    assert refused.json()["code"] == "subscription_expired" and EXPIRED in refused.json()["message"]
    assert not Customer.all_tenants.filter(name="到期后新建").exists()
    language = client.patch("/api/v1/me", json.dumps({"language": "en"}), content_type="application/json")
    assert language.status_code == 200, language.content
    assert client.post("/api/v1/auth/logout").status_code == 204


def test_the_api_over_the_console_session_refuses_writes_too(expired, owner):
    client = client_for(owner)
    refused = api_post(client, "/customers", {"name": "到期后新建"})
    assert refused.status_code == 403 and refused.json()["code"] == "subscription_expired"


def test_an_import_queued_before_the_expiry_does_not_run_after_it(expired, owner):
    from shouhou.core import importer
    from shouhou.core.jobs import DataJob

    job = DataJob.objects.create(kind=DataJob.Kind.IMPORT, key="customers.customers", created_by=owner,
                                 status=DataJob.Status.RUNNING, result={"committed_by": owner.pk})
    importer.commit_job(job)
    job.refresh_from_db()
    assert job.status == DataJob.Status.INVALID and EXPIRED in json.dumps(job.errors, ensure_ascii=False)


def test_the_usage_page_says_expired(expired, owner):
    page = client_for(owner).get(reverse("system:usage"))
    assert page.status_code == 200 and page.context["usage"]["expired"]


def run_extend(*args):
    out = StringIO()
    call_command("extend_company", *args, stdout=out)
    return out.getvalue()


def test_extend_company_lets_the_company_write_again(expired, owner):
    output = run_extend(expired.slug, "--until", "2099-06-30")
    expired.refresh_from_db()
    assert expired.expires_at == dt.datetime(2099, 7, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert expired.slug in output
    create_customer(client_for(owner))
    assert Customer.all_tenants.filter(name="到期后新建").exists()
    assert SystemLog.all_tenants.filter(tenant=expired, kind=SystemLog.Kind.SETTINGS,
                                        action="Extended the subscription").exists()
    run_extend(expired.slug, "--until", "never")
    expired.refresh_from_db()
    assert expired.expires_at is None


@pytest.mark.parametrize("args", [("nobody", "--until", "2099-01-01"), ("{slug}", "--until", "soon"),
                                  ("{slug}", "--until", "2020-01-01")])
def test_extend_company_refuses_bad_input(expired, args):
    with pytest.raises(CommandError):
        run_extend(*[arg.format(slug=expired.slug) for arg in args])
    expired.refresh_from_db()
    assert expired.expires_at < timezone.now()
