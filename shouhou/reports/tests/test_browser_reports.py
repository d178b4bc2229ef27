"""A completed order's service report: the dispatcher opens it from the order's page (更多 › 服务报告) and
downloads the PDF, which shows the order; the engineer opens it from the phone; the settings pages at PC width."""

from io import BytesIO

import pypdf
import pytest
from playwright.sync_api import expect

from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.reports.models import ServiceReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _patient(page):
    page.set_default_timeout(60000)  # the machine's cores are shared; a slow page is not the defect tested
    page.set_default_navigation_timeout(60000)


@pytest.fixture
def finished(factories):
    with factories.active():
        customer = factories.customers.customer(name="华东机房")
        order_type = factories.workorders.order_type(name="维修")
        factories.reports.enable(order_type)
        order = factories.workorders.finished(customer=customer, order_type=order_type, content="更换电源模块")
    assert ServiceReport.objects.get(order=order).status == ServiceReport.Status.READY  # made by the job
    return order


def test_download_the_pdf_from_the_order_page(page, company, finished):
    _tenant, owner = company
    _patient(page)
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto(f"/work-orders/{finished.pk}/")
    page.click(".detail-actions .dropdown-toggle")
    page.click("[data-record-action=report]")
    page.wait_for_url(f"**/reports/work-orders/{finished.pk}/")
    expect(page.locator("[data-report-status=ready]")).to_be_visible()
    shot(page, "reports-order-1366")
    with page.expect_download() as info:
        page.click("[data-report-download]")
    data = open(info.value.path(), "rb").read()
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(BytesIO(data)).pages)
    assert finished.number in text and "华东机房" in text and "更换电源模块" in text
    page.goto(f"/reports/settings/types/{finished.order_type_id}/")
    shot(page, "reports-type-settings-1366")
    page.goto("/reports/settings/")
    shot(page, "reports-settings-1366")
    assert not page.js_errors


def test_the_phone_opens_the_report(phone, company, finished):
    _tenant, owner = company
    _patient(phone)
    login(phone, owner.phone, DEMO_PASSWORD)
    phone.goto(f"/m/orders/{finished.pk}/")
    link = phone.locator("[data-record-action=report]")
    expect(link).to_be_visible()
    shot(phone, "reports-phone-390")
    response = phone.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    phone.goto(f"/reports/work-orders/{finished.pk}/")
    shot(phone, "reports-order-390")
    assert not phone.js_errors
