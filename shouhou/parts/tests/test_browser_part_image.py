"""Browser: an administrator uploads a part's picture on the part form and sees it on the part's page;
the work-order type's 回执设置 switches the receipt's 备件 / 服务项目 sections (WOSET-R1). Screenshots at
1366 and 390 px: test-artifacts/part-image-*.png, type-receipt-sections-*.png."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.parts.models import Part
from shouhou.workorders.services import types as type_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_part_picture_and_receipt_sections(page, tenant, owner, factories, tmp_path):
    picture = tmp_path / "board.png"
    buffer = io.BytesIO()
    Image.new("RGB", (80, 80), "teal").save(buffer, "PNG")
    picture.write_bytes(buffer.getvalue())
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto(reverse("parts:part_create"))
    page.fill("#id_number", "BJ-IMG-1")
    page.fill("#id_name", "变频主控板")
    page.set_input_files("#id_image", str(picture))
    shot(page, "part-image-form-1366")
    page.click("form.form-card button.btn-primary")
    page.wait_for_function("() => { const img = document.querySelector('img.object-fit-cover');"
                           " return img !== null && img.complete; }")  # loaded (or failed) through the file view
    part = Part.objects.get(number="BJ-IMG-1")
    assert page.evaluate("() => document.querySelector('img.object-fit-cover').naturalWidth") == 80
    shot(page, "part-image-detail-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(page, "part-image-detail-390")
    assert part.image_id

    order_type = factories.workorders.order_type(name="回访类")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(reverse("workorders:type_receipt", args=[order_type.pk]))
    assert page.is_checked("#id_parts") and page.is_checked("#id_service_items")
    page.uncheck("#id_parts")
    shot(page, "type-receipt-sections-1366")
    with page.expect_navigation():
        page.click("form button.btn-primary")
    order_type.refresh_from_db()
    assert type_services.receipt_options(order_type)["parts"] is False
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("workorders:type_receipt", args=[order_type.pk]))
    assert not page.is_checked("#id_parts")
    shot(page, "type-receipt-sections-390")
