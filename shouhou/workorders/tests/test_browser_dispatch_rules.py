"""Browser journey (headless Chromium): 自动派单规则 — a rule made in the editor (the target's inputs appear for
the chosen kind), seen in the list, then the 测试规则 panel tells which rule would pick whom; the pages at
phone width have no horizontal scroll. Screenshots go to test-artifacts/."""

import re

import pytest

from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.workorders.models import DispatchRule, Status
from shouhou.workorders.services import dispatch_rules as rules

from .conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_rule_editor_and_test_panel(page, phone, tenant, owner):
    world = World(tenant, owner)
    order = world.make_order()
    rules.create_rule(actor=owner, name="紧急单就近", conditions={"priorities": ["urgent"]},
                      target={"kind": "best_candidate", "radius_km": 10})
    login(page, owner.phone, DEMO_PASSWORD)

    page.goto("/work-orders/settings/dispatch-rules/new/")
    assert not page.is_visible("#id_target_user")
    page.fill("#id_name", "上海兜底")
    # regions: the cascading picker, one row per region (a municipality's city is chosen with it)
    rows = page.locator("[data-region-rows] [data-region-row]")
    rows.nth(0).locator("select[name=regions_province]").select_option("310000")
    page.wait_for_function("() => document.querySelector(\"[data-region-row] select[name=regions_district] "
                           "option[value='310115']\") !== null")
    page.click("[data-region-add]")
    assert rows.count() == 2
    rows.nth(1).locator("select[name=regions_province]").select_option("330000")
    page.wait_for_function("() => document.querySelectorAll(\"[data-region-row]\")[1]"
                           ".querySelector(\"option[value='330100']\") !== null")
    rows.nth(1).locator("select[name=regions_city]").select_option("330100")
    page.click("[data-region-add]")
    rows.nth(2).locator("[data-region-remove]").click()
    assert rows.count() == 2
    page.check("input[name=target_kind][value=user]")
    assert page.is_visible("#id_target_user") and not page.is_visible("#id_target_team")
    page.select_option("#id_target_user", str(world.engineer.pk))
    shot(page, "workorders-dispatch-rule-editor")
    page.click(".dispatch-rule-form button[type=submit]")
    page.wait_for_url(re.compile(r"/work-orders/settings/dispatch-rules/$"))
    rule = DispatchRule.objects.get(name="上海兜底")
    assert rule.target_user_id == world.engineer.pk
    assert [(r["province_code"], r["city_code"], r["district_code"]) for r in rule.conditions["regions"]] == [
        ("310000", "310100", ""), ("330000", "330100", "")]
    assert page.locator(".dispatch-rule").count() == 2

    page.fill("#id_order", order.number)
    page.click(".dispatch-test button[type=submit]")
    page.wait_for_selector(".dispatch-test-result")
    result = page.inner_text(".dispatch-test-result")
    assert "上海兜底" in result and world.engineer.name in result
    assert page.locator(".dispatch-test-result .border-success").count() == 1
    shot(page, "workorders-dispatch-rules")
    order.refresh_from_db()
    assert order.status == Status.PENDING

    login(phone, owner.phone, DEMO_PASSWORD)
    phone.goto(f"/work-orders/settings/dispatch-rules/?order={order.number}")
    assert _no_horizontal_scroll(phone)
    shot(phone, "workorders-dispatch-rules-phone")
    phone.goto(f"/work-orders/settings/dispatch-rules/{rule.pk}/")
    assert _no_horizontal_scroll(phone)
    shot(phone, "workorders-dispatch-rule-editor-phone")
