"""Browser journey (issue 11): an engineer completes an order on the phone using parts from his personal
stock and a service item; his stock, the stock records, the service records and the order's fees show it
(phone and console). Screenshots: test-artifacts/fees-*.png."""

import datetime
import re
from decimal import Decimal

import pytest

from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.parts import services as part_services
from shouhou.parts.models import ServiceRecord, StockLevel, StockMovement
from shouhou.workorders.models import Status, WorkOrder
from shouhou.workorders.services import actions as order_actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_engineer_completes_an_order_with_parts_on_the_phone(phone, page, tenant, owner, factories):
    f = factories
    engineer = f.accounts.user(name="工程师王", roles=("engineer",))
    warehouse = f.parts.warehouse(name="华东备件库")
    boards = f.parts.category(name="主控板")
    part = f.parts.part(name="变频主控板", number="BJ-PCB-9", sale_price="420.00", unit="块", category_id=boards.pk)
    filter_part = f.parts.part(name="空气滤网", number="BJ-FLT-2", sale_price="35.00", unit="个")
    f.parts.stock(warehouse, part, 5)
    f.parts.stock(warehouse, filter_part, 10)
    part_services.allocate(actor=owner, warehouse_id=warehouse.pk, holder_id=engineer.pk,
                           lines=[{"part_id": part.pk, "quantity": "3"}, {"part_id": filter_part.pk, "quantity": "4"}])
    item = f.parts.service_item(name="上门维修", number="FW-9", sale_price="120.00", category="维修", unit="次")
    part_services.create_pricing_rule(actor=owner, name="保内主控板免费", priority=10, applies_to="parts",
                                      part_category_id=boards.pk, warranty="in", effect="free")
    customer = f.customers.customer(name="上海申华酒店")
    product = f.products.product(customer=customer, name="中央空调外机",
                                 warranty_end=datetime.date.today() + datetime.timedelta(days=90))
    order = f.workorders.assigned(assignee=engineer, customer=customer, product=product)
    order = order_actions.start(actor=engineer, order=order_actions.accept(actor=engineer, order=order))

    login(phone, engineer.phone, DEMO_PASSWORD)
    phone.goto(f"/m/orders/{order.pk}/receipt/")
    phone.fill("textarea[name=content]", "更换变频主控板，清洗滤网，试机正常。")
    parts_section = phone.locator("[data-rl-section=part]")
    parts_section.locator("select[name=line-part]").first.select_option(str(part.pk))
    parts_section.locator("input[name=line-part-qty]").first.fill("2")
    parts_section.locator("[data-rl-add=part]").click()
    parts_section.locator("select[name=line-part]").nth(1).select_option(str(filter_part.pk))
    parts_section.locator("input[name=line-part-qty]").nth(1).fill("1")
    services = phone.locator("[data-rl-section=service]")
    services.locator("select[name=line-service]").first.select_option(str(item.pk))
    # live repricing: the 总计 follows the rows before anything is saved (0 in warranty + 35 + 120)
    phone.wait_for_function("() => document.querySelector('[data-rl-total]').textContent.trim() === '¥155.00'")
    assert "保内主控板免费" in parts_section.locator("[data-rl-priced]").first.inner_text()
    phone.click("button[name=draft]")
    phone.wait_for_url(re.compile(rf"/m/orders/{order.pk}/$"))
    level = StockLevel.objects.get(part=part, holder=engineer)
    assert (level.quantity, level.reserved) == (Decimal(3), Decimal(2))  # the draft holds them (不可用数量)

    login(page, owner.phone, DEMO_PASSWORD)  # the console's 完成 dialog shows the same draft, priced
    from django.urls import reverse

    page.goto(reverse("workorders:action_complete", args=[order.pk]))
    assert page.locator(".rl-total strong").inner_text().replace(",", "") == "¥155.00"
    shot(page, "fees-console-complete-dialog")
    page.context.clear_cookies()
    login(page, engineer.phone, DEMO_PASSWORD)  # the assignee on the console: the prices follow his changes
    page.goto(reverse("workorders:action_complete", args=[order.pk]))
    page.locator("[data-rl-section=part] input[name=line-part-qty]").nth(1).fill("2")  # 2 filters: 70 + 120
    page.wait_for_function("() => document.querySelector('[data-rl-total]').textContent.trim() === '¥190.00'")
    assert "70.00" in page.locator("[data-rl-section=part] [data-rl-priced]").nth(1).inner_text()
    shot(page, "fees-console-live-repricing")
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, "fees-console-live-repricing-1366")
    page.context.clear_cookies()
    login(page, owner.phone, DEMO_PASSWORD)

    phone.goto(f"/m/orders/{order.pk}/receipt/")
    assert phone.locator(".rl-total strong").inner_text().replace(",", "") == "¥155.00"  # 0 + 35 + 120
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "fees-phone-receipt")
    phone.set_viewport_size({"width": 360, "height": 800})
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "fees-phone-receipt-360")
    phone.click("button[name=complete]")
    phone.wait_for_url(re.compile(rf"/m/orders/{order.pk}/$"))
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.status == Status.FINISHED and order.total_amount == Decimal("155.00")
    level.refresh_from_db()
    assert (level.quantity, level.reserved) == (Decimal(1), Decimal(0))
    used = StockMovement.objects.filter(kind="used_on_order", work_order=order)
    assert {(m.part_id, m.quantity, m.customer_id, m.product_id) for m in used} == {
        (part.pk, Decimal(-2), customer.pk, product.pk), (filter_part.pk, Decimal(-1), customer.pk, product.pk)}
    assert ServiceRecord.objects.get().order_number == order.number
    assert "¥155.00" in phone.locator("[data-m-fee-total]").inner_text()
    shot(phone, "fees-phone-order")

    page.goto(f"/work-orders/{order.pk}/")
    page.click("button[data-bs-target='#tab-receipt']")
    page.wait_for_selector("#tab-receipt.show .wo-fees")
    assert "¥155.00" in page.locator(".wo-fees").inner_text()
    shot(page, "fees-console-order")
    page.goto("/parts/service-records/")
    assert order.number in page.content()
    shot(page, "fees-service-records")
    page.goto("/parts/pricing-rules/")
    assert "保内主控板免费" in page.content()
    shot(page, "fees-pricing-rules")
    page.click("a[data-modal-url$='/parts/pricing-rules/new/']")
    page.wait_for_selector("#modal-content #id_name")
    shot(page, "fees-pricing-rule-dialog")
    page.goto(f"/customers/{customer.pk}/")
    page.click("button[data-bs-target='#tab-parts-used']")
    page.wait_for_selector(".wo-parts-used table")
    assert "BJ-PCB-9" in page.locator(".wo-parts-used").inner_text()
    shot(page, "fees-customer-parts")
    page.goto("/parts/stock/personal/")
    shot(page, "fees-personal-stock")
    assert not phone.js_errors and not page.js_errors
