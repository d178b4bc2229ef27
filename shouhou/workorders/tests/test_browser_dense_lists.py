"""Issue 15 at 1366×768: with demo-like data (long customer names and addresses, several owners, custom
fields), no row of the customer list or of the work-order list wraps — every row is one line high — the
codes are whole, and a cut-off text shows its whole text as a tooltip. Headless Chromium; screenshots under
test-artifacts/."""

import pytest
from django.conf import settings as django_settings

from shouhou.browser_fixtures import login, shot
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.customers.models import Customer
from shouhou.customers.tests.test_browser_layout import set_up_company
from shouhou.workorders.models import ServiceOption
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import types as type_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "广州同创环保科技股份有限公司（江南大道中350号B座14楼分公司）"

ROWS = """() => {
  const table = document.querySelector('.list-page .list-table');
  const box = table.closest('.table-responsive');
  const line = parseFloat(getComputedStyle(table.querySelector('tbody td')).lineHeight);
  const rows = Array.from(table.querySelectorAll('tbody tr')).map(row => {
    const cells = Array.from(row.children).map(cell => {  // the lines its text is laid out on
      const tops = [];
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        const range = document.createRange(); range.selectNodeContents(node);
        for (const rect of range.getClientRects()) if (rect.width > 0) tops.push(rect.top);
      }
      tops.sort((a, b) => a - b);
      return tops.filter((top, i) => i === 0 || top - tops[i - 1] > line * 0.6).length;
    });
    return Math.max(...cells);
  });
  const codes = Array.from(table.querySelectorAll('td.col-code')).map(td => td.scrollWidth <= td.clientWidth + 1);
  return {rows, line, codes, scroll: box.scrollWidth, client: box.clientWidth,
          heights: Array.from(table.querySelectorAll('tbody tr')).map(r => r.getBoundingClientRect().height)};
}"""


def set_up_orders(owner):
    with tenant_context(owner.tenant):
        order_type = type_services.save_type(actor=owner, name="上门维修")
        contents = [type_services.save_service_option(actor=owner, kind=ServiceOption.Kind.SERVICE_CONTENT, name=name)
                    for name in ("故障检修", "更换配件")]
        for index, customer in enumerate(Customer.objects.order_by("pk")):
            order_services.create_work_order(actor=owner, order_type=order_type, customer=customer,
                                             priority="urgent", service_content=contents[index % 2],
                                             description="空调不制冷，室外机不启动，客户要求上午上门")


def in_chinese(page, live_server):
    page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans",
                               "url": live_server.url}])


def assert_one_line(rows):
    assert rows["rows"], rows
    assert all(lines == 1 for lines in rows["rows"]), rows  # no cell's text takes a second line
    assert max(rows["heights"]) < 2 * rows["line"] + 20, rows  # so no row is taller than one line and a badge
    assert all(rows["codes"]), rows  # codes are whole
    assert rows["scroll"] <= rows["client"] + 1, rows  # and the default columns fit 1366 px


def test_no_customer_or_work_order_row_wraps_at_1366(page, live_server):
    owner = set_up_company()
    with tenant_context(owner.tenant):
        from shouhou.customers import services
        services.create_customer(actor=owner, name=LONG_NAME, fields={"grade": "A", "contract_amount": "1631900.00"},
                                 contacts=[{"name": "欧阳晓明", "phone": "13599514270"}],
                                 addresses=[{"province": "广东省", "city": "广州市", "district": "海珠区",
                                             "detail": "江南大道中350号B座14楼1401-1405室"}], geocode=False)
    set_up_orders(owner)
    in_chinese(page, live_server)
    login(page, owner.phone, DEMO_PASSWORD)

    page.goto("/customers/")
    rows = page.evaluate(ROWS)
    shot(page, "dense-customers-1366")
    assert_one_line(rows)
    cell = page.locator(f'td[title="{LONG_NAME}"]')
    assert cell.count() == 1  # the cut-off name carries its whole text as a tooltip
    assert page.locator(".list-pagination .pagination").count() == 0  # five customers: one page, no pager

    page.goto("/work-orders/?tab=all")
    rows = page.evaluate(ROWS)
    shot(page, "dense-work-orders-1366")
    assert_one_line(rows)
    assert page.locator("thead th", has_text="服务内容").count() == 1  # it tells more than the type here


def test_a_batch_delete_asks_in_the_kit_dialog(page, live_server):
    """The confirmation speaks the product's language (not the browser's window.confirm): cancel keeps the
    customer, 确定 deletes it."""
    owner = set_up_company()
    in_chinese(page, live_server)
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto("/customers/")
    native = []
    page.on("dialog", lambda dialog: (native.append(dialog.message), dialog.dismiss()))
    page.locator(".row-check").first.check()
    page.click(".batch-action.btn-outline-danger")
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    shot(page, "confirm-dialog-1366")
    assert "确定" in dialog.inner_text() and "取消" in dialog.inner_text()
    dialog.locator("button[data-bs-dismiss]").click()
    dialog.wait_for(state="hidden")
    with tenant_context(owner.tenant):
        assert Customer.objects.count() == 4
    page.click(".batch-action.btn-outline-danger")
    dialog.wait_for(state="visible")
    dialog.locator(".confirm-ok").click()
    page.wait_for_load_state("networkidle")
    with tenant_context(owner.tenant):
        assert Customer.objects.count() == 3
    assert not native and not page.js_errors
