"""Browser journey (headless Chromium): create a product with the customer picker, open its QR page on a
phone, regenerate the code from the detail page, and see the old code refused."""

import re

import pytest

from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.products.models import Product

from .conftest import make_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_product_qr_journey(page, phone, tenant, owner):
    make_customer(owner, name="浏览器测试客户", contacts=[{"name": "赵工", "phone": "13911112222"}])
    login(page, owner.phone, DEMO_PASSWORD)

    page.goto("/products/new/")
    page.fill("#id_name", "浏览器空调")
    page.fill("#id_number", "BR-001")
    page.fill(".cf-ref input[type=search]", "浏览器")
    page.click(".cf-ref-menu button:has-text('浏览器测试客户')")
    page.click("button[type=submit]:has-text('Save'), button[type=submit]:has-text('保存')")
    page.wait_for_url(re.compile(r"/products/\d+/$"))
    product = Product.objects.get(number="BR-001")
    assert product.customer.name == "浏览器测试客户"
    shot(page, "products-detail")

    phone.goto(f"/q/{product.qr_token}")
    assert "浏览器空调" in phone.content() and "浏览器测试客户" in phone.content()
    assert "13911112222" not in phone.content()  # the contact is hidden by default
    shot(phone, "products-qr-public")

    old = product.qr_token
    page.click("#qrcode form button")
    page.click("#confirm-dialog .confirm-ok")  # the kit's confirmation dialog (core/kit/_confirm.html)
    page.wait_for_load_state("networkidle")
    product.refresh_from_db()
    assert product.qr_token != old
    response = phone.goto(f"/q/{old}")
    assert response.status == 410 and "浏览器空调" not in phone.content()
    assert phone.goto(f"/q/{product.qr_token}").status == 200
    assert not page.js_errors and not phone.js_errors
