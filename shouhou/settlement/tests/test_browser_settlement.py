"""The settlement clerk settles from the console: one order from its row (结算, with an adjustment and its
reason), two with 批量结算; the KPI cards follow. The dispatcher then closes the settled orders on 关闭工单, and
the phone's 工单结算 lists them. Screenshots at 1366 px and 390 px."""

from decimal import Decimal

import pytest

from shouhou.browser_fixtures import login, shot
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, make_user
from shouhou.settlement.models import Settlement
from shouhou.workorders.models import Status, WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _patient(page):
    page.set_default_timeout(60000)  # the machine's cores are shared; a slow page is not the defect tested
    page.set_default_navigation_timeout(60000)


def test_settle_from_the_console_then_close(page, browser, live_server, company, factories):
    tenant, owner = company
    with factories.active():
        first, second, third = (factories.settlement.finished(quantity=str(n)) for n in (1, 2, 3))
    clerk = make_user(tenant, roles=("finance",), name="杨敏")
    _patient(page)
    login(page, clerk.phone, DEMO_PASSWORD)
    page.goto("/settlement/")
    kpi = page.locator("[data-kpi=unsettled_amount] .counter-value")
    assert kpi.inner_text() == "¥480.00"
    shot(page, "settlement-list")
    page.click(f"[data-settle='{first.pk}']")
    page.wait_for_selector(".modal.show #id_adjustment")
    page.fill(".modal.show #id_adjustment", "-10")
    page.locator(".modal.show button[type=submit]").click()
    page.wait_for_selector(".modal.show #id_reason.is-invalid")  # a reason is required with an adjustment
    page.fill(".modal.show #id_reason", "老客户优惠")
    shot(page, "settlement-dialog")
    page.locator(".modal.show button[type=submit]").click()
    page.wait_for_function("() => !document.querySelector('.modal.show')")
    page.wait_for_selector("[data-kpi=recent_amount] .counter-value:has-text('¥70.00')")
    for order in (second, third):
        page.check(f"input.row-check[value='{order.pk}']")
    page.click("button.batch-action[data-url$='/settlement/settle/']")
    page.wait_for_selector(".modal.show [data-fee-total]")
    assert page.locator(".modal.show [data-fee-total]").inner_text() == "¥400.00"
    page.locator(".modal.show button[type=submit]").click()
    page.wait_for_selector("[data-kpi=recent_amount] .counter-value:has-text('¥470.00')")
    assert page.locator("[data-kpi=unsettled_count] .counter-value").inner_text() == "0"
    shot(page, "settlement-list-settled")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shot(page, "settlement-list-390")
    page.set_viewport_size({"width": 1366, "height": 768})
    with tenant_context(tenant):
        assert Settlement.objects.get(order=first).amount == Decimal("70.00")
        assert set(WorkOrder.objects.values_list("status", flat=True)) == {Status.SETTLED}
    assert page.js_errors == []

    # the dispatcher closes the settled orders in a batch
    page.context.clear_cookies()
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto("/work-orders/closing/")
    page.locator(".check-all").check()
    shot(page, "closing-list")
    page.click("button.batch-action[data-url$='/batch/close/']")
    page.wait_for_selector(".modal.show textarea")
    page.locator(".modal.show button[type=submit]").click()
    page.wait_for_function("() => !document.querySelector('.modal.show')")
    with tenant_context(tenant):
        assert set(WorkOrder.objects.values_list("status", flat=True)) == {Status.CLOSED}
    assert page.js_errors == []

    # the phone's 工单结算 lists them as settled
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server.url)
    phone = context.new_page()
    _patient(phone)
    try:
        login(phone, clerk.phone, DEMO_PASSWORD)
        phone.goto("/m/settlement/?tab=settled")
        phone.locator(f"[data-settlement-order='{first.pk}']").wait_for()
        shot(phone, "settlement-phone")
    finally:
        context.close()
