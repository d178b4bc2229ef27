"""Browser journey of issue 3: an administrator designs a customer field (客户等级, options A/B/C) in the
form designer → creates a customer with it in the console → imports two customers from the Excel
template → adds a product to the customer → opens the product's QR page on a phone.
Headless Chromium at PC and phone widths; screenshots under test-artifacts/."""

import io
import re

import pytest
from django.conf import settings as django_settings
from openpyxl import load_workbook

from shouhou.browser_fixtures import login, shot
from shouhou.core.forms_engine import get_schema
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, make_company
from shouhou.customers.importers import CustomerImporter
from shouhou.customers.models import Customer
from shouhou.products.models import Product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEVEL_LABEL = "客户等级"
IMPORTED = [
    # coordinates given
    {"name": "导入客户甲", "contact_name": "孙一", "contact_phone": "13800138001", "province": "上海市",
     "city": "上海市", "district": "浦东新区", "detail": "张江路 1 号", "latitude": 31.2301,
     "longitude": 121.4737, "level": "A"},
    # no coordinates: located by the (offline) maps adapter
    {"name": "导入客户乙", "contact_name": "孙二", "contact_phone": "13800138002", "province": "北京市",
     "city": "北京市", "district": "朝阳区", "detail": "建国路 2 号", "level": "C"},
]


@pytest.fixture(autouse=True)
def _offline_maps(settings):
    settings.MAPS_AMAP_KEY = ""  # the offline gazetteer, never the network


def in_chinese(live_server, *pages):
    """Tests run in English (conftest.py); the screenshots show the pages as their users see them, in
    Chinese. No assertion reads translated text, so this holds whether or not the catalogue is compiled."""
    for page in pages:
        page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans",
                                   "url": live_server.url}])


def _drag(page, source, target):
    """Drag with real mouse moves: SortableJS (forceFallback) follows mouse events, not HTML5 drag."""
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 12, start["y"] + start["height"] / 2 + 12, steps=4)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] - 4, steps=20)
    page.mouse.up()


def design_level_field(page, tenant):
    """Drag a select from the palette to the end of the list, name it, give it A/B/C, save. Its key."""
    page.goto("/forms/customer/design/")
    page.wait_for_selector(".canvas-item")
    items_before = page.locator(".canvas-item").count()
    _drag(page, page.locator('.palette-item[data-kind="select"]'), page.locator(".canvas-item").last)
    page.wait_for_selector(".canvas-item.is-selected")
    assert page.locator(".canvas-item").count() == items_before + 1
    page.fill("#prop-label", LEVEL_LABEL)
    page.check("#prop-required")
    page.check("#prop-show_in_list")
    page.click("[data-props] button:has(.bi-card-text)")  # bulk edit of the options
    page.fill("[data-bulk-options]", "A\nB\nC")
    page.click("[data-props] .btn-primary")
    page.wait_for_selector("#designer-preview select option:text-is('C')", state="attached")
    shot(page, "issue3-01-designer")
    page.click("[data-designer-save]")
    page.wait_for_selector("[data-designer-status].text-success")
    with tenant_context(tenant):
        field = next(f for f in get_schema("customer").fields if f.get("label") == LEVEL_LABEL)
    assert field["kind"] == "select" and field["required"] and field["key"]
    assert [option["label"] for option in field["options"]] == ["A", "B", "C"]
    return field["key"]


def create_customer(page, level_key):
    """The console form, the new field filled in; the detail page shows its value."""
    page.goto("/customers/new/")
    level = page.locator(f"select[name=cf_{level_key}]")
    assert level.count() == 1, "the designed field is on the customer form"
    page.fill("[name=name]", "星河精密仪器有限公司")
    page.fill("[name=contact_name]", "周工")
    page.fill("[name=contact_phone]", "13700137001")
    page.select_option("[name=province]", label="上海市")  # the cascading picker: the city follows
    page.select_option("[name=district]", label="闵行区")
    page.fill("[name=address_detail]", "莘庄工业区 8 号")
    page.fill("[name=latitude]", "31.112")
    page.fill("[name=longitude]", "121.381")
    level.select_option(label="B")
    shot(page, "issue3-02-customer-form")
    page.locator("form.customer-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/customers/\d+/$"))
    customer = Customer.all_tenants.get(name="星河精密仪器有限公司")
    assert customer.fields[level_key] == customer_option_value(customer, level_key, "B")
    detail = page.locator("dl.kv").filter(has_text=LEVEL_LABEL)
    assert detail.locator("dd").filter(has_text=re.compile(r"^\s*B\s*$")).count() == 1
    shot(page, "issue3-03-customer-detail")
    return customer


def customer_option_value(customer, key, label):
    with tenant_context(customer.tenant):
        field = next(f for f in get_schema("customer").fields if f.get("key") == key)
    return next(option["value"] for option in field["options"] if option["label"] == label)


def filled_template(page, owner, level_key):
    """The downloaded import template with two good rows under its headers."""
    page.goto("/customers/import/")
    with page.expect_download() as download_info:
        page.click("a[href$='/customers/import/template/']")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        workbook = load_workbook(handle)
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    with tenant_context(owner.tenant):
        keys = [column.key for column in CustomerImporter(owner).get_columns()]
    assert len(headers) == len(keys) and headers[-1].rstrip("*") == LEVEL_LABEL
    for row in IMPORTED:
        values = {**row, f"cf_{level_key}": row["level"]}
        sheet.append([values.get(key) for key in keys])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_customers(page, owner, level_key):
    content = filled_template(page, owner, level_key)
    page.set_input_files("#import-file", files=[{
        "name": "customers.xlsx", "buffer": content,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    shot(page, "issue3-04-import-upload")
    page.locator("form:has(#import-file) button.btn-primary").click()
    page.wait_for_url(re.compile(r"/customers/import/\d+/$"))
    page.wait_for_selector("#import-status[data-status=ready]")  # checked (the job runs inline in tests)
    assert page.locator("#import-status .import-table tbody tr").count() == 2  # the preview
    shot(page, "issue3-05-import-checked")
    page.locator("#import-status form[action$='/commit/'] button").click()
    page.wait_for_selector("#import-status[data-status=done]")
    shot(page, "issue3-06-import-done")
    imported = {c.name: c for c in Customer.all_tenants.filter(tenant=owner.tenant, name__startswith="导入客户")}
    assert set(imported) == {"导入客户甲", "导入客户乙"}
    assert imported["导入客户乙"].fields[level_key] == customer_option_value(imported["导入客户乙"], level_key, "C")
    page.goto("/customers/")
    rows = page.locator("table tbody tr")
    for name in ("导入客户甲", "导入客户乙", "星河精密仪器有限公司"):
        assert rows.filter(has_text=name).count() == 1, name
    assert rows.filter(has_text="导入客户乙").filter(has_text=re.compile(r"\bC\b")).count() == 1  # shown in list
    shot(page, "issue3-07-customer-list")


def create_product(page, customer):
    """From the customer's quick-create button: the product form with the customer chosen."""
    page.goto(f"/customers/{customer.pk}/")
    page.locator(f"a[href$='/products/new/?customer={customer.pk}']").first.click()
    page.wait_for_url(re.compile(r"/products/new/"))
    page.fill("[name=name]", "高精度流量计")
    page.fill("[name=number]", "FLOW-0001")
    page.fill("[name=serial_number]", "SN20260001")
    page.locator("form.product-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/products/\d+/$"))
    product = Product.all_tenants.get(number="FLOW-0001")
    assert product.customer_id == customer.pk
    shot(page, "issue3-08-product-detail")
    return page.locator(".qr-url").inner_text().strip()


def test_design_field_create_import_and_scan(page, phone, live_server):
    in_chinese(live_server, page, phone)
    tenant, owner = make_company()
    login(page, owner.phone, DEMO_PASSWORD)

    level_key = design_level_field(page, tenant)
    customer = create_customer(page, level_key)
    import_customers(page, owner, level_key)
    qr_url = create_product(page, customer)
    assert page.js_errors == [], page.js_errors

    # someone scans the label: the public page, no login, on a phone
    product = Product.all_tenants.get(number="FLOW-0001")
    assert qr_url.endswith(f"/q/{product.qr_token}")
    response = phone.goto(f"/q/{product.qr_token}")
    assert response.status == 200
    assert phone.locator("h1.qr-title").inner_text() == "高精度流量计"
    card = phone.locator(".qr-product")
    for text in ("FLOW-0001", "SN20260001", "星河精密仪器有限公司"):
        assert card.get_by_text(text).count() >= 1, text
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the QR page scrolls sideways on a phone ({width}px)"
    shot(phone, "issue3-09-qr-phone")
    assert phone.goto("/q/not-a-real-token").status == 404

    # the administrator on the phone: the customer with its designed field, without sideways scrolling
    login(phone, owner.phone, DEMO_PASSWORD)
    phone.goto(f"/customers/{customer.pk}/")
    assert phone.locator("dl.kv").filter(has_text=LEVEL_LABEL).count() == 1
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the customer detail scrolls sideways on a phone ({width}px)"
    shot(phone, "issue3-10-customer-phone")
    assert phone.js_errors == [], phone.js_errors
