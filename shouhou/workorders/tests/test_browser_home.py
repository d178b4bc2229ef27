"""The console home page at 1366×768 for an administrator and an engineer (issue 15): what each must act on
now, today's plan and the figures of his scope, in one screen without sideways scrolling.
Screenshots under test-artifacts/home-*.png."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from shouhou.browser_fixtures import login, shot
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, make_company, make_team, make_user
from shouhou.customers.factories import CustomersFactory
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import types as type_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _company():
    tenant, owner = make_company()
    engineer = make_user(tenant, roles=("engineer",), name="工程师小王")
    make_team(tenant, name="维修一组", members=[engineer])
    today = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    with tenant_context(tenant):
        order_type = type_services.save_type(actor=owner, name="上门维修")
        customers = CustomersFactory(owner)
        for index, name in enumerate(["上海百川贸易股份有限公司", "杭州云栖科技有限公司", "苏州工业园区精密机械厂",
                                      "南京鼓楼医院设备科", "无锡新吴区物业服务中心"]):
            order = order_services.create_work_order(
                actor=owner, order_type=order_type, customer=customers.customer(name=name),
                planned_at=today.replace(hour=9 + index * 2) if index < 4 else None)
            if index < 3:
                order = order_actions.assign(actor=owner, order=order, assignee=engineer)
            if index == 0:
                WorkOrder.objects.filter(pk=order.pk).update(is_overdue=True, is_exception=True,
                                                             deadline_at=timezone.now() - timedelta(hours=1))
            if index == 1:
                WorkOrder.objects.filter(pk=order.pk).update(deadline_at=timezone.now() + timedelta(hours=5))
    return owner, engineer


LAYOUT = """() => ({scroll: document.scrollingElement.scrollWidth, width: window.innerWidth,
  tiles: document.querySelectorAll('[data-panel=workorders] .home-tile').length,
  plan: document.querySelectorAll('.home-plan li').length})"""


@pytest.mark.parametrize("who", ["admin", "engineer"])
def test_home_page_shows_what_to_act_on(page, live_server, who):
    owner, engineer = _company()
    user = owner if who == "admin" else engineer
    page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans",
                               "url": live_server.url}])
    login(page, user.phone, DEMO_PASSWORD)
    page.goto("/")
    layout = page.evaluate(LAYOUT)
    shot(page, f"home-{who}")
    assert layout["scroll"] <= layout["width"], layout
    assert layout["tiles"] == (9 if who == "admin" else 8), layout  # the engineer dispatches nothing: no 待指派
    assert layout["plan"] == (4 if who == "admin" else 3), layout
    assert page.locator("[data-counter=overdue] .home-tile-value").inner_text() == "1"
    assert page.js_errors == []
    # a tile opens the list filtered to what it counts, the filter shown in the list's filter bar
    page.click("[data-counter=due_soon]")
    page.wait_for_url("**/work-orders/**")
    page.wait_for_load_state("networkidle")
    shot(page, f"home-{who}-due-soon-list")
    assert page.locator(".list-table tbody tr").count() == 1
    assert "杭州云栖科技有限公司" in page.locator(".list-table tbody").inner_text()
    assert page.js_errors == []
