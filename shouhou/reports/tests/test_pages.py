"""The report pages and API: settings, uploads, the order's report, downloads, the customer's signed link
(expiry, tampering, revocation), and 404 for another company's or an out-of-scope order."""

import base64
import time
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse

from shouhou.core.testing import api_client_for, client_for
from shouhou.reports import configure, links, sample
from shouhou.reports.models import ServiceReport, TemplateKind

from .conftest import complete, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(shop, owner, commits):
    with commits():
        return complete(shop, owner)


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_order_page_downloads_the_pdf(done, owner):
    client = client_for(owner)
    page = client.get(reverse("reports:order", args=[done.pk]))
    assert page.status_code == 200 and "Download PDF" in page.content.decode()
    response = client.get(reverse("reports:pdf", args=[done.pk]) + "?download=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "甲公司" in pdf_text(_body(response))
    detail = client.get(reverse("workorders:detail", args=[done.pk])).content.decode()
    assert reverse("reports:order", args=[done.pk]) in detail and reverse("workorders:print", args=[done.pk]) in detail
    # pages of their own under 更多, not flow buttons opening as dialogs
    assert 'data-modal-url="/reports/' not in detail and f'data-modal-url="{reverse("workorders:print", args=[done.pk])}"' not in detail
    phone = client.get(reverse("mobile:order_detail", args=[done.pk])).content.decode()
    assert reverse("reports:pdf", args=[done.pk]) in phone


def test_generate_again_from_the_page(done, owner, commits):
    first = ServiceReport.objects.get(order=done).pdf["url"]
    with commits():
        response = client_for(owner).post(reverse("reports:generate", args=[done.pk]))
    assert response.status_code == 302
    assert ServiceReport.objects.get(order=done).pdf["url"] != first


def test_other_company_and_out_of_scope_get_404(done, owner, other_company, factories):
    other_owner = other_company[1]
    engineer = factories.accounts.user(name="工程师丁", roles=("engineer",))
    for user in (other_owner, engineer):
        client = client_for(user)
        for name in ("order", "pdf", "xlsx", "print"):
            assert client.get(reverse(f"reports:{name}", args=[done.pk])).status_code == 404, (user, name)
        assert client.post(reverse("reports:generate", args=[done.pk])).status_code == 404
        api = api_client_for(user)
        assert api.get(f"/api/v1/work-orders/{done.pk}/report").status_code == 404
        assert api.post(f"/api/v1/work-orders/{done.pk}/report", content_type="application/json").status_code == 404


def test_signed_link_serves_the_pdf_until_it_expires_or_is_revoked(done, owner, client):
    report = ServiceReport.objects.get(order=done)
    token = links.token_for(report)
    response = client.get(reverse("reports_public:pdf", args=[token]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert done.number in pdf_text(_body(response))
    # tampered: 404
    assert client.get(reverse("reports_public:pdf", args=[token[:-2] + "xx"])).status_code == 404
    # expired after the company's days
    with mock.patch("time.time", return_value=time.time() + 8 * 86400):
        assert client.get(reverse("reports_public:pdf", args=[token])).status_code == 410
    # revoked from the report's page
    assert client_for(owner).post(reverse("reports:revoke", args=[done.pk])).status_code == 302
    assert client.get(reverse("reports_public:pdf", args=[token])).status_code == 404
    fresh = links.token_for(ServiceReport.objects.get(order=done))
    assert client.get(reverse("reports_public:pdf", args=[fresh])).status_code == 200


def test_a_link_signed_for_something_else_is_refused(done):
    report = ServiceReport.objects.get(order=done)
    forged = signing.dumps({"t": report.tenant_id, "r": report.pk, "n": report.link_nonce, "e": 2**40},
                           salt="another.salt", compress=True)
    with pytest.raises(signing.BadSignature):
        links.read(forged)


def test_settings_pages_save_and_upload(factories, owner):
    order_type = factories.workorders.order_type(name="安装")
    client = client_for(owner)
    assert "安装" in client.get(reverse("reports:settings")).content.decode()
    url = reverse("reports:type_settings", args=[order_type.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"report_enabled": "on", "report_kind": "system", "report_fields": ["order.number"],
                                 "print_enabled": "on", "print_kind": "system"})
    assert response.status_code == 302
    row = configure.settings_for(order_type)
    assert row.report_enabled and row.report_fields == ["order.number"]
    dictionary = client.get(reverse("reports:dictionary", args=[order_type.pk]))
    assert dictionary.status_code == 200 and dictionary["Content-Type"] == configure.XLSX
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("报告.xlsx", sample.sample_template(order_type), content_type=configure.XLSX)
    response = client.post(reverse("reports:report_template_upload", args=[order_type.pk]), {"report-file": upload,
                                                                                           "report-purpose": "report"})
    assert response.status_code == 302
    assert configure.settings_for(order_type).report_kind == TemplateKind.CUSTOM
    bad = SimpleUploadedFile("报告.xlsx", b"not excel", content_type=configure.XLSX)
    response = client.post(reverse("reports:print_template_upload", args=[order_type.pk]), {"print-file": bad,
                                                                                          "print-purpose": "print"})
    assert response.status_code == 400 and "not an Excel workbook" in response.content.decode()
    assert configure.settings_for(order_type).print_template == {}


def test_settings_need_the_settings_permission(factories):
    engineer = factories.accounts.user(roles=("engineer",))
    order_type = factories.workorders.order_type()
    assert client_for(engineer).get(reverse("reports:type_settings", args=[order_type.pk])).status_code == 403
    assert api_client_for(engineer).get("/api/v1/report-templates").status_code == 403


def test_api_generate_then_download(done, owner, commits):
    api = api_client_for(owner)
    with commits():
        response = api.post(f"/api/v1/work-orders/{done.pk}/report", content_type="application/json")
    assert response.status_code == 202 and response.json()["status"] in ("pending", "ready")
    status = api.get(f"/api/v1/work-orders/{done.pk}/report/status").json()
    assert status["status"] == "ready" and status["template"] == "system"
    response = api.get(f"/api/v1/work-orders/{done.pk}/report")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "甲公司" in pdf_text(_body(response))


def test_api_pdf_while_pending_is_409(done, owner):
    ServiceReport.objects.filter(order=done).update(status=ServiceReport.Status.PENDING)
    response = api_client_for(owner).get(f"/api/v1/work-orders/{done.pk}/report")
    assert response.status_code == 409 and response.json()["code"] == "report_not_ready"


def test_api_templates(factories, owner):
    order_type = factories.workorders.order_type(name="保养")
    api = api_client_for(owner)
    listed = api.get("/api/v1/report-templates").json()
    assert any(row["type_name"] == "保养" and row["report_enabled"] is False for row in listed)
    entries = api.get(f"/api/v1/report-templates/{order_type.pk}/dictionary").json()
    assert {"key": "order.number", "placeholder": "{{order.number}}"}.items() <= next(
        e for e in entries if e["key"] == "order.number").items()
    assert api.get(f"/api/v1/report-templates/{order_type.pk}/dictionary?format=xlsx")["Content-Type"] == configure.XLSX
    body = {"purpose": "report", "name": "模板.xlsx",
            "content_base64": base64.b64encode(sample.sample_template(order_type)).decode()}
    response = api.post(f"/api/v1/report-templates/{order_type.pk}/upload", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["report_template"]["name"] == "模板.xlsx"
    response = api.put(f"/api/v1/report-templates/{order_type.pk}", {"report_enabled": True, "report_kind": "custom"},
                       content_type="application/json")
    assert response.status_code == 200 and response.json()["report_kind"] == "custom"
    response = api.post(f"/api/v1/report-templates/{order_type.pk}/upload", {**body, "content_base64": "@@@"},
                        content_type="application/json")
    assert response.status_code == 400 and "content_base64" in response.json()["details"]


def test_report_header_logo_and_footer(done, owner, commits):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    png = BytesIO()
    Image.new("RGB", (120, 40), "#1677ff").save(png, "PNG")
    client = client_for(owner)
    response = client.post(reverse("reports:settings"), {
        "footer": "服务热线 400-800-1234", "logo": SimpleUploadedFile("logo.png", png.getvalue(), "image/png")})
    assert response.status_code == 302
    brand = configure.branding()
    assert brand.footer == "服务热线 400-800-1234" and brand.logo["content_type"] == "image/png"
    assert client.get(brand.logo["url"]).status_code == 200
    with commits():
        client.post(reverse("reports:generate", args=[done.pk]))
    report = ServiceReport.objects.get(order=done)
    data = _body(client.get(reverse("reports:pdf", args=[done.pk])))
    assert "服务热线 400-800-1234" in pdf_text(data) and b"/Subtype /Image" in data and report.status == "ready"
    response = client.post(reverse("reports:settings"), {
        "footer": "x", "logo": SimpleUploadedFile("logo.png", b"GIF89a not a png", "image/png")})
    assert response.status_code == 200 and configure.branding().footer == "服务热线 400-800-1234"
