"""The working-hours card of 工作信息维护 (/system/work-info/, SYS-10) with its switch 工单超时仅按工作时间计算:
drawn like the 启用工作时间 switch above it, with its explanation, saved from the page, and fitting a 390 px
phone without sideways scrolling. Headless Chromium; screenshots under test-artifacts/."""

import pytest
from django.conf import settings as django_settings

from shouhou.browser_fixtures import login, shot
from shouhou.core import company_settings
from shouhou.core.models import Tenant
from shouhou.core.testing import DEMO_PASSWORD, make_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SWITCHES = """() => {
  const box = id => {
    const input = document.getElementById(id);
    const row = input.closest('.form-check');
    const r = input.getBoundingClientRect(), l = row.querySelector('label').getBoundingClientRect();
    return {row: row.className, input: input.className, type: input.type, left: Math.round(r.left),
            width: Math.round(r.width), height: Math.round(r.height), labelLeft: Math.round(l.left),
            labelRight: Math.round(l.right), fontSize: getComputedStyle(row.querySelector('label')).fontSize};
  };
  const help = document.querySelector('#id_count_timeouts').closest('div[class^=col]').querySelector('.form-text');
  const card = document.querySelector('#working-hours').getBoundingClientRect();
  return {enabled: box('id_enabled'), count: box('id_count_timeouts'), help: help && help.textContent.trim(),
          helpRight: help && Math.round(help.getBoundingClientRect().right), cardRight: Math.round(card.right),
          page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth};
}"""


def looks_alike(layout):
    enabled, count = layout["enabled"], layout["count"]
    assert count["type"] == enabled["type"] == "checkbox"
    assert count["row"] == enabled["row"] == "form-check form-switch", layout
    assert count["input"] == enabled["input"], layout
    for key in ("left", "width", "height", "labelLeft", "fontSize"):
        assert count[key] == enabled[key], (key, layout)
    assert layout["helpRight"] <= layout["cardRight"], layout
    assert layout["page"] <= layout["viewport"], layout


def in_chinese(tab, live_server):
    tab.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans",
                              "url": live_server.url}])


def test_count_timeouts_switch_on_the_working_hours_card(page, phone, live_server):
    tenant, owner = make_company()
    in_chinese(page, live_server)
    in_chinese(phone, live_server)
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto("/system/work-info/")
    layout = page.evaluate(SWITCHES)
    looks_alike(layout)
    assert "周五 17:00 开始的 4 小时超时在周一 12:00 到期" in layout["help"]
    assert page.get_by_label("工单超时仅按工作时间计算").is_checked() is False
    shot(page, "working-hours-1366")

    page.locator("#working-hours label[for=id_count_timeouts]").click()
    page.locator("#working-hours button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_text("工作时间已保存。").count() == 1
    assert page.get_by_label("工单超时仅按工作时间计算").is_checked()
    assert company_settings.get("working_hours.count_timeouts", Tenant.objects.get(pk=tenant.pk)) is True
    shot(page, "working-hours-1366-on")

    login(phone, owner.phone, DEMO_PASSWORD)
    phone.goto("/system/work-info/")
    layout = phone.evaluate(SWITCHES)
    assert layout["viewport"] == 390
    looks_alike(layout)
    assert phone.get_by_label("工单超时仅按工作时间计算").is_checked()
    shot(phone, "working-hours-390")
