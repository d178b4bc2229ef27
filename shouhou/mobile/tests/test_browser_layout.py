"""The phone's work-order detail (/m/orders/<id>/) at 390 px: the progress bar of flow nodes fits the card when
the flow has up to six nodes, and with every node on (eight) it scrolls sideways inside its own box with the
current step in view — the page never scrolls sideways. Headless Chromium; screenshots under test-artifacts/."""

import pytest
from django.conf import settings as django_settings

from shouhou.browser_fixtures import login, shot
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, make_company, make_team, make_user
from shouhou.customers.models import Customer
from shouhou.workorders import flow
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import types as type_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def every_node_on():
    config = flow.default_flow()
    for node in config.values():
        if isinstance(node, dict) and "enabled" in node:
            node["enabled"] = True
    return config


def started_order(*, flow_config, type_name):
    """An order of a type with `flow_config`, assigned to a new engineer who accepted and started it."""
    tenant, owner = make_company()
    engineer = make_user(tenant, roles=("engineer",), name="工程师小王")
    make_team(tenant, name="维修一组", members=[engineer])
    with tenant_context(tenant):
        order_type = type_services.save_type(actor=owner, name=type_name, flow=flow_config)
        customer = Customer.objects.create(tenant=tenant, number="C00001", name="上海百川贸易股份有限公司")
        order = order_services.create_work_order(actor=owner, order_type=order_type, customer=customer, priority="normal")
        order = order_actions.assign(actor=owner, order=order, assignee=engineer)
        order = order_actions.start(actor=engineer, order=order_actions.accept(actor=engineer, order=order))
    return engineer, order


STEPS = """() => {
  const bar = document.querySelector('.m-steps');
  const box = bar.getBoundingClientRect();
  const current = bar.querySelector('.m-step.current').getBoundingClientRect();
  const labels = Array.from(bar.querySelectorAll('.m-step span'));
  return {steps: bar.querySelectorAll('.m-step').length, scroll: bar.scrollWidth, client: bar.clientWidth,
          currentInView: current.left >= box.left - 1 && current.right <= box.right + 1,
          labelsCut: labels.filter(s => s.scrollHeight > s.clientHeight + 1 || s.scrollWidth > s.clientWidth + 1).length,
          page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_eight_nodes_scroll_inside_the_bar(phone, live_server, language, monkeypatch):
    # 结算 and 回访 as once their modules register performers (the live server runs in this process)
    monkeypatch.setattr(flow.KIND, "performers", {node: object() for node in flow.MODULE_NODES})
    engineer, order = started_order(flow_config=every_node_on(), type_name="全流程安装调试服务")
    phone.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language,
                                "url": live_server.url}])
    login(phone, engineer.phone, DEMO_PASSWORD)
    phone.goto(f"/m/orders/{order.pk}/")
    bar = phone.evaluate(STEPS)
    shot(phone, f"mobile-detail-steps-8-{language}")
    assert bar["steps"] == 8
    assert bar["page"] <= bar["viewport"] == 390, bar  # the page never scrolls sideways
    assert bar["scroll"] > bar["client"], bar  # the bar does, inside itself
    assert bar["currentInView"], bar  # 进行中 brought into view by mobile.js
    assert bar["labelsCut"] == 0, bar  # no label cut to an ellipsis
    phone.eval_on_selector(".m-steps", "bar => { bar.scrollLeft = bar.scrollWidth; }")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_six_nodes_fit_the_card(phone, live_server):
    engineer, order = started_order(flow_config=flow.default_flow(), type_name="上门维修")
    login(phone, engineer.phone, DEMO_PASSWORD)
    phone.goto(f"/m/orders/{order.pk}/")
    bar = phone.evaluate(STEPS)
    shot(phone, "mobile-detail-steps-6")
    assert bar["steps"] == 6
    assert bar["scroll"] <= bar["client"], bar  # no scrolling needed
    assert bar["labelsCut"] == 0 and bar["page"] <= bar["viewport"], bar
