"""Browser journey (headless Chromium) through the settings pages declared on the generic views
(core/generic_views.py): a new work-order type through its dialog and the four editor steps, then disabled
from the list; a service content added on its list page; an add-on component from its dialog; the reminder
rules list and editor; product types added and renamed on their page. Screenshots go to test-artifacts/."""

import re

import pytest

from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.products.models import ProductType
from shouhou.workorders.models import AddonComponent, ServiceOption, WorkOrderType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_settings_pages_on_the_generic_views(page, tenant, owner):
    login(page, owner.phone, DEMO_PASSWORD)

    page.goto("/work-orders/settings/types/")
    page.click("a[data-modal-url$='/settings/types/new/']")
    page.fill(".modal #id_name", "浏览器安装")
    page.click(".modal button[type=submit]")
    page.wait_for_url(re.compile(r"/work-orders/settings/types/\d+/form/$"))
    order_type = WorkOrderType.objects.get(name="浏览器安装")
    shot(page, "workorders-type-editor-form")
    for step in ("flow", "receipt", "components"):
        page.click(".form-actions button.btn-primary")
        page.wait_for_url(re.compile(rf"/work-orders/settings/types/{order_type.pk}/{step}/$"))
    shot(page, "workorders-type-editor-components")
    page.click(".form-actions button.btn-primary")
    page.wait_for_url(re.compile(r"/work-orders/settings/types/$"))
    page.click(f"form[action$='/settings/types/{order_type.pk}/toggle/'] input[role=switch]")
    page.wait_for_load_state("networkidle")
    order_type.refresh_from_db()
    assert not order_type.is_enabled
    shot(page, "workorders-types")

    page.goto("/work-orders/settings/options/")
    page.fill("input[name='service_content-name']", "浏览器清洗")
    page.click("form:has(input[name=kind][value=service_content]) button")
    page.wait_for_load_state("networkidle")
    assert ServiceOption.objects.filter(kind="service_content", name="浏览器清洗").exists()
    assert "浏览器清洗" in page.content()
    shot(page, "workorders-options")

    page.goto("/work-orders/settings/components/")
    page.click("a[data-modal-url$='/settings/components/new/']")
    page.fill(".modal #id_name", "浏览器快递")
    page.click(".modal button[type=submit]")
    page.wait_for_function("() => document.body.innerText.includes('浏览器快递')")
    assert AddonComponent.objects.filter(name="浏览器快递").exists()
    shot(page, "workorders-components")

    assert page.goto("/reminders/").status == 200
    shot(page, "reminders-rules")
    assert page.goto("/reminders/new/").status == 200
    shot(page, "reminders-rule-new")

    page.goto("/products/types/")
    page.fill("input[name='new-name']", "浏览器空调")
    page.click("form[action$='/products/types/add/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    product_type = ProductType.objects.get(name="浏览器空调")
    page.fill(f"input[name='t{product_type.pk}-name']", "浏览器中央空调")
    page.click(f"form[action$='/products/types/{product_type.pk}/edit/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    product_type.refresh_from_db()
    assert product_type.name == "浏览器中央空调"
    shot(page, "products-types")
    assert not page.js_errors
