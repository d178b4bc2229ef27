"""Browser journey (headless Chromium): an engineer requests parts in the 申领 dialog, the warehouse
keeper approves part of it, and the stock list, the records and the engineer's personal stock show it."""

import re

import pytest

from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.parts.models import StockRequest
from shouhou.parts.testing_helpers import on_hand

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_requisition_journey(page, tenant, owner, factories):
    f = factories
    keeper = f.accounts.user(name="库管赵", roles=("warehouse",))
    engineer = f.accounts.user(name="工程师李", roles=("engineer",))
    warehouse = f.parts.warehouse(name="华东区域库", kind="regional", managers=[keeper])
    part = f.parts.part(name="变频主控板", number="BJ-PCB-1")
    other = f.parts.part(name="温度传感器", number="BJ-TS-1")
    f.parts.stock(warehouse, part, 5)
    f.parts.stock(warehouse, other, 2)
    f.parts.service_item(name="上门检测", number="FW0001")
    from shouhou.parts import services

    services.set_safety_stock(actor=owner, warehouse_id=warehouse.pk, part_id=other.pk, safety_quantity=3)

    login(page, engineer.phone, DEMO_PASSWORD)
    page.goto("/parts/stock/personal/")
    page.click("a[data-modal-url$='/parts/requisitions/new/']")
    page.wait_for_selector("#modal-content #id_warehouse_id")
    page.select_option("#id_warehouse_id", str(warehouse.pk))
    page.select_option("#id_part_0", str(part.pk))
    page.fill("#id_quantity_0", "3")
    page.fill("#id_note", "更换主板")
    shot(page, "parts-requisition-dialog")
    page.click("#modal-content button[type=submit]")
    page.wait_for_url(re.compile(r"/parts/requests/\d+/$"))
    requisition = StockRequest.objects.get()
    assert requisition.status == "pending"

    page.context.clear_cookies()
    login(page, keeper.phone, DEMO_PASSWORD)
    page.goto(f"/parts/requests/{requisition.pk}/")
    page.click("a[data-modal-url$='/approve/']")
    page.wait_for_selector(f"#id_approved_{requisition.lines.get().pk}")
    page.fill(f"#id_approved_{requisition.lines.get().pk}", "2")
    with page.expect_navigation():
        page.click("#modal-content button[type=submit]")
    shot(page, "parts-after-approve")
    requisition.refresh_from_db()
    assert requisition.status == "partly"
    assert on_hand(part, holder=engineer) == 2 and on_hand(part, warehouse=warehouse) == 3
    shot(page, "parts-request-detail")

    page.goto("/parts/stock/")
    assert "BJ-PCB-1" in page.content() and "BJ-TS-1" in page.content()
    shot(page, "parts-stock")
    page.goto("/parts/stock/?tab=alert")
    assert "BJ-TS-1" in page.content() and "BJ-PCB-1" not in page.content()
    page.goto("/parts/stock/records/")
    shot(page, "parts-movements")
    page.goto("/parts/stock/")
    page.click("a[data-modal-url$='/parts/stock/in/']")
    page.wait_for_selector("#modal-content #id_part_0")
    shot(page, "parts-stock-in-dialog")

    page.context.clear_cookies()
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto("/parts/stock/personal/")
    assert "工程师李" in page.content()  # the admin's scope is all: every person's holdings (PART-13)
    shot(page, "parts-personal")
    for address, name in (("/parts/", "parts-list"), ("/parts/warehouses/", "parts-warehouses"),
                          ("/parts/service-items/", "parts-service-items"), (f"/parts/{part.pk}/", "parts-detail"),
                          ("/parts/new/", "parts-form")):
        page.goto(address)
        shot(page, name)
    assert not page.js_errors


def test_batch_edit_and_remove_dialogs(page, tenant, owner, factories):
    """批量编辑 from the selected rows of 备件列表, and 移除 with several lines from 库存列表."""
    from shouhou.parts.models import Part, StockMovement

    f = factories
    warehouse = f.parts.warehouse(name="华东区域库", kind="regional")
    category = f.parts.category(name="电路板")
    first = f.parts.part(name="变频主控板", number="BJ-PCB-1")
    second = f.parts.part(name="温度传感器", number="BJ-TS-1")
    f.parts.stock(warehouse, first, 5)
    f.parts.stock(warehouse, second, 4)
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto("/parts/")
    page.locator("tbody input[type=checkbox]").nth(0).check()
    page.locator("tbody input[type=checkbox]").nth(1).check()
    page.locator(".batch-action").first.click()
    page.wait_for_selector("#modal-content #id_category_id")
    page.select_option("#id_category_id", str(category.pk))
    page.select_option("#id_in_mall", "1")
    page.fill("#id_sale_price", "88.50")
    page.wait_for_timeout(300)
    shot(page, "parts-batch-edit")
    with page.expect_navigation():
        page.click("#modal-content button[type=submit]")
    assert set(Part.objects.values_list("category_id", "in_mall")) == {(category.pk, True)}
    assert {str(p) for p in Part.objects.values_list("sale_price", flat=True)} == {"88.50"}

    page.goto("/parts/stock/")
    page.click("a[data-modal-url$='/parts/stock/remove/']")
    page.wait_for_selector("#modal-content #id_warehouse_id")
    page.select_option("#id_warehouse_id", str(warehouse.pk))
    page.select_option("#id_part_0", str(first.pk))
    page.fill("#id_quantity_0", "2")
    page.select_option("#id_part_1", str(second.pk))
    page.fill("#id_quantity_1", "1")
    page.fill("#id_reason", "受潮报废")
    shot(page, "parts-remove-dialog")
    with page.expect_navigation():
        page.click("#modal-content button[type=submit]")
    assert on_hand(first, warehouse=warehouse) == 3 and on_hand(second, warehouse=warehouse) == 3
    assert StockMovement.objects.filter(kind="removal").count() == 2
    shot(page, "parts-stock-after-remove")
