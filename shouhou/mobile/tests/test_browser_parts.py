"""备件 on the phone in headless Chromium (issue 11): an engineer requests parts on the phone (warehouse
picker, search, 加入, stepper), the warehouse keeper approves on the console, and the engineer's 备件 page
shows them; the kit's scanner fills serial numbers (the browser's BarcodeDetector, and the vendored ZXing
reading a real QR code where the browser has none); a keeper decides on the phone.

The camera is a canvas stream (getUserMedia is replaced in the page), so no device is needed.
Screenshots: test-artifacts/mobile-parts-*.png (390 px wide)."""

import base64
import io
import re

import pytest
import segno
from django.conf import settings as django_settings

from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.parts.models import StockRequest
from shouhou.parts.testing_helpers import on_hand

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# the camera: a canvas showing window.__cameraImage (a data URL) if set, redrawn so the stream has frames
FAKE_CAMERA = """
(() => {
  const media = navigator.mediaDevices || {};
  if (!navigator.mediaDevices) Object.defineProperty(navigator, 'mediaDevices', {value: media});
  media.getUserMedia = () => {
    const canvas = document.createElement('canvas');
    canvas.width = 480; canvas.height = 480;
    const ctx = canvas.getContext('2d');
    const img = new Image();
    if (window.__cameraImage) img.src = window.__cameraImage;
    setInterval(() => {
      ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, 480, 480);
      if (img.complete && img.naturalWidth) ctx.drawImage(img, 40, 40, 400, 400);
    }, 50);
    return Promise.resolve(canvas.captureStream(20));
  };
})();
"""
FAKE_DETECTOR = """
window.BarcodeDetector = class {
  static getSupportedFormats() { return Promise.resolve(['qr_code', 'code_128']); }
  detect() { return Promise.resolve(window.__codes && window.__codes.length ? [{rawValue: window.__codes.shift()}] : []); }
};
"""


def _chinese(page, live_server):
    page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans",
                               "url": live_server.url}])


def _phone_login(page, user):
    page.goto("/m/login/")
    page.fill("#m-username", user.phone)
    page.fill("#m-password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/m/login/" not in url)


def _no_sideways_scroll(page):
    assert page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"]


def test_request_on_the_phone_approve_on_the_console(phone, page, live_server, tenant, owner, factories):
    f = factories
    keeper = f.accounts.user(name="库管赵", roles=("warehouse",))
    engineer = f.accounts.user(name="工程师李", roles=("engineer",))
    warehouse = f.parts.warehouse(name="华东区域库", kind="regional", managers=[keeper])
    f.parts.warehouse(name="华北备件库")
    part = f.parts.part(name="变频主控板", number="BJ-PCB-1", specification="V2.1", unit="块", sale_price="680.00")
    f.parts.part(name="温度传感器", number="BJ-TS-1")
    f.parts.stock(warehouse, part, 5)
    f.parts.service_item(name="上门检测", number="FW0001", sale_price="80.00")

    _chinese(phone, live_server)
    _phone_login(phone, engineer)
    phone.click("a.m-tile[href='/m/parts/']")
    phone.wait_for_url("**/m/parts/")
    shot(phone, "mobile-parts-home-empty")
    phone.click("a.m-tile[href='/m/parts/requisition/']")
    phone.select_option("#m-warehouse", str(warehouse.pk))
    phone.fill("#m-pick-q", "主控")
    phone.wait_for_function("() => document.querySelectorAll('#m-pick-results [data-pick-row]').length === 1")
    row = phone.locator(f"#m-pick-results [data-pick-row='{part.pk}']")
    assert row.locator("[data-pick-stock]").inner_text() == "5"  # 库存 at the chosen warehouse
    row.locator("[data-pick-add]").click()
    picked = phone.locator(f"#m-picked [data-pick-row='{part.pk}']")
    picked.locator(".kit-stepper-btn").nth(1).click()  # +
    picked.locator(".kit-stepper-btn").nth(1).click()
    assert phone.input_value(f"#m-qty-{part.pk}") == "3"
    assert phone.locator("[data-pick-count]").inner_text() == "1"
    phone.fill("#m-note", "更换主板")
    _no_sideways_scroll(phone)
    shot(phone, "mobile-parts-requisition")
    phone.click(".m-actionbar button[type=submit]")
    phone.wait_for_url("**/m/parts/requests/")
    requisition = StockRequest.objects.get()
    assert requisition.status == "pending" and requisition.note == "更换主板"
    assert requisition.lines.get().quantity == 3 and requisition.warehouse == warehouse
    assert requisition.number in phone.content()
    shot(phone, "mobile-parts-requests")

    # the keeper approves on the console
    login(page, keeper.phone, DEMO_PASSWORD)
    page.goto(f"/parts/requests/{requisition.pk}/")
    page.click("a[data-modal-url$='/approve/']")
    page.wait_for_selector(f"#id_approved_{requisition.lines.get().pk}")
    with page.expect_navigation():
        page.click("#modal-content button[type=submit]")
    requisition.refresh_from_db()
    assert requisition.status == "approved" and on_hand(part, holder=engineer) == 3

    # the engineer's 备件 page shows them
    phone.goto("/m/parts/")
    assert phone.locator("[data-counter=kinds] b").inner_text() == "1"
    assert phone.locator("[data-counter=total] b").inner_text() == "3"
    assert phone.locator("[data-counter=pending] b").inner_text() == "0"
    assert "变频主控板" in phone.locator("#m-my-stock").inner_text()
    _no_sideways_scroll(phone)
    shot(phone, "mobile-parts-home")
    phone.goto("/m/parts/lookup/?q=BJ-PCB")
    assert "华东区域库" in phone.content()
    shot(phone, "mobile-parts-lookup")
    phone.goto("/m/parts/prices/")
    assert "上门检测" in phone.content()
    shot(phone, "mobile-parts-prices")
    phone.goto("/m/parts/return/")
    shot(phone, "mobile-parts-return")
    assert not phone.js_errors, phone.js_errors


def test_scanner_fills_serials_and_the_keeper_decides_on_the_phone(phone, live_server, tenant, owner, factories):
    f = factories
    keeper = f.accounts.user(name="库管钱", roles=("warehouse",))
    engineer = f.accounts.user(name="工程师孙", roles=("engineer",))
    warehouse = f.parts.warehouse(name="上海备件库", managers=[keeper])
    board = f.parts.part(name="主控板", number="ZB-100", serial_tracked=True)
    f.parts.stock(warehouse, board, 3, serials=["SN-1", "SN-2", "SN-3"])

    phone.add_init_script(FAKE_CAMERA + FAKE_DETECTOR)
    _chinese(phone, live_server)
    _phone_login(phone, engineer)
    phone.goto(f"/m/parts/requisition/?warehouse={warehouse.pk}")
    phone.locator(f"#m-pick-results [data-pick-row='{board.pk}'] [data-pick-add]").click()
    phone.locator(f"#m-picked [data-pick-row='{board.pk}'] .kit-stepper-btn").nth(1).click()  # 2
    serials = phone.locator(f"#m-serials-{board.pk}")
    scan = phone.locator(f"#m-picked [data-pick-row='{board.pk}'] .kit-scan-btn")
    assert scan.bounding_box()["height"] >= 44 and scan.bounding_box()["width"] >= 44
    for code in ("SN-3", "SN-1"):
        phone.evaluate(f"window.__codes = ['{code}']")
        scan.click()
        phone.wait_for_selector(".cf-scanner", state="detached")
    assert serials.input_value() == "SN-3 SN-1"  # append mode: each scan adds one
    serials.press("End")
    serials.type(" ")  # typing always works
    shot(phone, "mobile-parts-requisition-serials")
    phone.click(".m-actionbar button[type=submit]")
    phone.wait_for_url("**/m/parts/requests/")
    requisition = StockRequest.objects.get()
    assert requisition.lines.get().serials == ["SN-3", "SN-1"]

    # the keeper approves on the phone
    phone.context.clear_cookies()
    _chinese(phone, live_server)
    _phone_login(phone, keeper)
    phone.goto("/m/parts/")
    phone.click("a.m-tile[href='/m/parts/approvals/']")
    phone.click(f"[data-m-sheet='m-approve-{requisition.pk}']")
    shot(phone, "mobile-parts-approve-sheet")
    with phone.expect_navigation():
        phone.click(f"#m-approve-{requisition.pk} button[type=submit]")
    requisition.refresh_from_db()
    assert requisition.status == "approved" and on_hand(board, holder=engineer) == 2
    assert not phone.js_errors, phone.js_errors


def test_zxing_reads_a_qr_code_where_the_browser_has_no_barcode_detector(phone, live_server, tenant, owner,
                                                                          factories):
    f = factories
    engineer = f.accounts.user(name="工程师周", roles=("engineer",))
    warehouse = f.parts.warehouse(name="杭州备件库")
    board = f.parts.part(name="电源板", number="DY-1", serial_tracked=True)
    f.parts.stock(warehouse, board, 1, serials=["PWR-0001"])
    f.parts.stock(warehouse, f.parts.part(name="备用", number="BY-1"), 1)
    buffer = io.BytesIO()
    segno.make_qr("PWR-0001").save(buffer, kind="png", scale=10, border=4)
    image = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()

    phone.add_init_script(f"window.__cameraImage = {image!r}; delete window.BarcodeDetector;" + FAKE_CAMERA)
    _phone_login(phone, engineer)
    phone.goto(f"/m/parts/requisition/?warehouse={warehouse.pk}&q=DY")
    phone.locator(f"[data-pick-row='{board.pk}'] [data-pick-add]").click()
    phone.locator(f"#m-picked [data-pick-row='{board.pk}'] .kit-scan-btn").click()
    phone.wait_for_function("() => !!window.ZXingBrowser")  # the vendored library, loaded on the first scan
    phone.wait_for_function(f"() => document.querySelector('#m-serials-{board.pk}').value === 'PWR-0001'",
                           timeout=20000)
    assert phone.locator(".cf-scanner").count() == 0
    assert re.search(r"/static/vendor/zxing/zxing-browser\.min\.js", phone.content())
    assert not phone.js_errors, phone.js_errors
