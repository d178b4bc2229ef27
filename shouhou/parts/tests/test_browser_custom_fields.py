"""Browser: an administrator fills a part's custom fields on the part form (更多信息) and finds them as a
list column and on the part's page. Screenshots at 1366 and 390 px: test-artifacts/part-custom-fields-*.png."""

import pytest
from django.urls import reverse

from shouhou.browser_fixtures import login, shot
from shouhou.core.forms_engine import get_schema, save_schema
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.parts.models import Part

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_part_custom_fields_on_form_list_and_page(page, tenant, owner):
    built_in = [{"key": field["key"], "system": True} for field in get_schema("part").fields if field.get("system")]
    save_schema(actor=owner, target="part", permission="part.edit", fields=[
        *built_in,
        {"key": "brand", "label": "品牌", "kind": "select", "required": True, "show_in_list": True,
         "options": [{"value": "gree", "label": "格力"}, {"value": "midea", "label": "美的"}]},
        {"key": "origin", "label": "产地", "kind": "text"},
    ])
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto(reverse("parts:part_create"))
    page.fill("#id_number", "BJ-CF-1")
    page.fill("#id_name", "压缩机")
    page.select_option("#id_cf_brand", "midea")
    page.fill("#id_cf_origin", "佛山")
    shot(page, "part-custom-fields-form-1366")
    page.click("form.form-card button.btn-primary")
    page.wait_for_function("() => document.body.textContent.includes('佛山')")
    assert Part.objects.get(number="BJ-CF-1").fields == {"brand": "midea", "origin": "佛山"}
    shot(page, "part-custom-fields-detail-1366")
    page.goto(reverse("parts:list"))
    page.wait_for_function("() => document.body.textContent.includes('美的')")
    shot(page, "part-custom-fields-list-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("parts:part_edit", args=[Part.objects.get(number="BJ-CF-1").pk]))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(page, "part-custom-fields-form-390")
