"""The journey of issue 12, after the field work, in headless Chromium: the engineer completes the order on
his phone (a service item on the receipt) → the customer opens the survey link the SMS carried on a 390 px
phone and rates → finance settles it on the console (审核结算, the frozen amount) → the dispatcher closes it
(关闭工单) → the service report's PDF downloads from the order and its text shows the order number and the
customer. The order's type has 自动回访, 结算 and service reports on (回访 off: the survey is the visit).
Screenshots: test-artifacts/after-service-*.png."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.messaging.sms import ConsoleSmsGateway
from shouhou.reports.models import ServiceReport
from shouhou.reports.tests.conftest import pdf_text
from shouhou.settlement.models import Settlement
from shouhou.visits.models import Survey, Visit
from shouhou.workorders import flow
from shouhou.workorders.models import Status, WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUSTOMER = "华东精密机房"
CONTACT_PHONE = "13900001212"


def _patient(live_server, *pages):
    """In Chinese, as their users see them (no assertion reads translated text); generous timeouts."""
    for page in pages:
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}])
        page.set_default_timeout(60000)  # the machine's cores are shared; a slow page is not the defect tested
        page.set_default_navigation_timeout(60000)


def _status(order):
    return WorkOrder.objects.get(pk=order.pk).status


def _set_up(factories):
    """An order of a type with 自动回访 and 结算 on (回访 off) and the service report on, assigned to the
    engineer, a ¥150 service item he will charge, and the finance clerk who settles."""
    f = factories
    engineer = f.accounts.user(name="工程师周", roles=("engineer",))
    clerk = f.accounts.user(name="财务杨", roles=("finance",))
    config = flow.default_flow()
    config["auto_visit"]["enabled"] = True
    config["settle"]["enabled"] = True
    config["visit"]["enabled"] = False
    order_type = f.workorders.order_type(name="机房维修", flow=config)
    f.reports.enable(order_type)
    item = f.parts.service_item(name="上门检修", number="FW-J12", sale_price="150.00", unit="次")
    customer = f.customers.customer(name=CUSTOMER, contacts=[{"name": "陈主任", "phone": CONTACT_PHONE}])
    order = f.workorders.assigned(assignee=engineer, customer=customer, order_type=order_type,
                                  description="UPS 告警，请上门检查。")
    return order, engineer, clerk, item


def _engineer_completes(phone, order, engineer, item):
    login(phone, engineer.phone, DEMO_PASSWORD)
    phone.goto(f"/m/orders/{order.pk}/")
    for action, status in (("accept", Status.ACCEPTED), ("start", Status.IN_PROGRESS)):
        phone.click(f".m-actionbar form[action$='/{order.pk}/{action}/'] button[type=submit]")
        phone.wait_for_selector(f".m-summary .m-status-{status}")
    phone.click(f".m-actionbar a[href$='/m/orders/{order.pk}/receipt/']")
    phone.wait_for_url(re.compile(rf"/m/orders/{order.pk}/receipt/$"))
    phone.fill("textarea[name=content]", "更换 UPS 电池组，告警消除，试运行正常。")
    phone.locator("[data-rl-section=service] select[name=line-service]").first.select_option(str(item.pk))
    phone.wait_for_function("() => document.querySelector('[data-rl-total]').textContent.trim() === '¥150.00'")
    shot(phone, "after-service-1-phone-receipt")
    phone.click("button[name=complete]")
    phone.wait_for_url(re.compile(rf"/m/orders/{order.pk}/$"))
    phone.wait_for_selector(".m-summary .m-status-finished")
    assert _status(order) == Status.FINISHED


def _survey_path(order):
    """The link the completion texted to the customer's contact (the console SMS gateway keeps it)."""
    links = [re.search(r"/s/\S+", content) for number, content in ConsoleSmsGateway.sent
             if number == CONTACT_PHONE and order.number in content]
    links = [link.group(0) for link in links if link]
    assert len(links) == 1, ConsoleSmsGateway.sent  # one survey SMS (the report's link is another)
    return links[0]


def _customer_rates(customer_phone, order, path):
    customer_phone.goto(path)
    expect(customer_phone.locator("[data-order-number]")).to_have_text(order.number)
    assert customer_phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(customer_phone, "after-service-2-survey-390")
    customer_phone.click("label:text-is('满意')")
    for index in range(3):
        customer_phone.click(f"label[for=id_score_{index}_4]")
    customer_phone.fill("textarea[name=note]", "响应很快，处理彻底")
    customer_phone.click("button[type=submit]")
    expect(customer_phone.locator("[data-survey-thanks]")).to_be_visible()
    shot(customer_phone, "after-service-3-survey-thanks-390")
    customer_phone.goto(path)  # the link answers once
    expect(customer_phone.locator("form")).to_have_count(0)
    visit = Visit.objects.get(order=order, kind=Visit.Kind.AUTO)
    assert (visit.level, visit.note) == ("good", "响应很快，处理彻底")
    assert visit.scores == {"服务态度": 5, "服务效率": 5, "服务质量": 5}
    assert Survey.objects.get(order=order).answered_at is not None


def _finance_settles(page, live_server, order, clerk):
    login(page, clerk.phone, DEMO_PASSWORD)
    page.goto("/settlement/?tab=unsettled")
    row = page.locator(f"tr:has([data-settle='{order.pk}'])")
    expect(row).to_contain_text(order.number)
    page.click(f"[data-settle='{order.pk}']")
    page.wait_for_selector(".modal.show [data-fee-total]")
    assert page.locator(".modal.show [data-fee-total]").inner_text() == "¥150.00"
    shot(page, "after-service-4-settle-dialog")
    page.locator(".modal.show button[type=submit]").click()
    page.wait_for_function("() => !document.querySelector('.modal.show')")
    page.wait_for_selector("[data-kpi=recent_amount] .counter-value:has-text('¥150.00')")
    assert _status(order) == Status.SETTLED
    settlement = Settlement.objects.get(order=order, is_current=True)
    assert settlement.amount == Decimal("150.00")
    shot(page, "after-service-5-settled")
    page.context.clear_cookies()
    _patient(live_server, page)


def _dispatcher_closes(page, order, owner):
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto("/work-orders/closing/")
    page.click(f"[data-close='{order.pk}']")
    page.wait_for_selector(".modal.show textarea[name=note]")
    page.fill(".modal.show textarea[name=note]", "客户已评价，结算完成，关闭。")
    shot(page, "after-service-6-close-dialog")
    page.locator(".modal.show button[type=submit]").click()
    page.wait_for_function("() => !document.querySelector('.modal.show')")
    assert _status(order) == Status.CLOSED
    page.goto("/work-orders/?tab=closed")
    expect(page.locator("table")).to_contain_text(order.number)


def _report_downloads(page, order):
    assert ServiceReport.objects.get(order=order).status == ServiceReport.Status.READY
    page.goto(f"/work-orders/{order.pk}/")
    page.click("button[data-bs-target='#tab-visits']")
    expect(page.locator("#tab-visits")).to_contain_text("响应很快，处理彻底")
    page.click(".detail-actions .dropdown-toggle")
    page.click("[data-record-action=report]")  # 更多 › 服务报告
    expect(page.locator("[data-report-status=ready]")).to_be_visible()
    shot(page, "after-service-7-report")
    with page.expect_download() as info:
        page.click("[data-report-download]")
    data = Path(info.value.path()).read_bytes()
    text = pdf_text(data)
    assert data.startswith(b"%PDF") and order.number in text and CUSTOMER in text and "更换 UPS 电池组" in text
    assert "上门检修" in text and "150.00" in text


def test_complete_rate_settle_close_and_download_the_report(page, phone, browser, live_server, company,
                                                            factories):
    _tenant, owner = company
    with factories.active():
        order, engineer, clerk, item = _set_up(factories)
    _patient(live_server, page, phone)
    ConsoleSmsGateway.sent.clear()

    _engineer_completes(phone, order, engineer, item)
    customer_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                           base_url=live_server.url, is_mobile=True, has_touch=True)
    customer_phone = customer_context.new_page()
    errors = []
    customer_phone.on("pageerror", lambda exc: errors.append(str(exc)))
    _patient(live_server, customer_phone)
    try:
        with factories.active():
            _customer_rates(customer_phone, order, _survey_path(order))
    finally:
        customer_context.close()
    with factories.active():
        _finance_settles(page, live_server, order, clerk)
        _dispatcher_closes(page, order, owner)
        _report_downloads(page, order)
    assert not page.js_errors and not phone.js_errors and not errors
