"""自动回访, 结算 and 回访 are refused until a module performs them, and 合计费用 is hidden until a module
records fees: an order of a type with such a node on could never be closed (hardening issue)."""

import importlib
import json

import pytest
from django.apps import apps
from django.urls import reverse

from shouhou.core.testing import api_client_for, client_for
from shouhou.workorders import fees, flow
from shouhou.workorders.forms import FlowForm
from shouhou.workorders.models import Status, WorkOrderType
from shouhou.workorders.services import actions as order_actions

MODULE_NODES = sorted(flow.MODULE_NODES)


@pytest.fixture(autouse=True)
def no_module_performs_them(monkeypatch):
    """As before any module registered a performer (the visits module registers 回访 and 自动回访); the
    `module_nodes` fixture puts them all back where a test needs them."""
    monkeypatch.setattr(flow.KIND, "performers", {})


def patch_type(user, order_type, body):
    return api_client_for(user).patch(f"/api/v1/work-order-types/{order_type.pk}", json.dumps(body),
                                      content_type="application/json")


@pytest.mark.parametrize("node", MODULE_NODES)
def test_the_api_refuses_to_enable_a_node_nothing_performs(world, node):
    order_type = world.make_type()
    config = flow.default_flow()
    config[node]["enabled"] = True
    response = patch_type(world.owner, order_type, {"flow": config})
    assert response.status_code == 400, response.content
    assert "not installed" in response.json()["details"][f"flow.{node}.enabled"][0]
    assert not WorkOrderType.objects.get(pk=order_type.pk).flow[node]["enabled"]


def test_the_api_lists_the_nodes_a_flow_may_switch(world):
    body = api_client_for(world.owner).get(f"/api/v1/work-order-types/{world.make_type().pk}").json()
    assert body["available_nodes"] == ["accept", "start"]


def test_the_api_accepts_the_nodes_once_their_modules_register(world, module_nodes):
    order_type = world.make_type()
    config = flow.default_flow()
    config["settle"]["enabled"] = True
    response = patch_type(world.owner, order_type, {"flow": config})
    assert response.status_code == 200 and response.json()["flow"]["settle"]["enabled"]
    assert set(MODULE_NODES) <= set(response.json()["available_nodes"])


def test_a_stored_type_with_the_nodes_on_still_closes_its_orders(world):
    """Rows written before the check: the nodes read as off, and saving the type again stores them off."""
    order_type = world.make_type()
    stored = flow.default_flow()
    for node in MODULE_NODES:
        stored[node]["enabled"] = True
    WorkOrderType.objects.filter(pk=order_type.pk).update(flow=stored)
    order = order_actions.complete(actor=world.engineer, order=world.in_progress(order_type=order_type), content="修好了")
    assert order_actions.close(actor=world.owner, order=order).status == Status.CLOSED
    response = patch_type(world.owner, order_type, {"name": "改名"})
    assert response.status_code == 200, response.content
    assert not any(WorkOrderType.objects.get(pk=order_type.pk).flow[node]["enabled"] for node in MODULE_NODES)


def test_the_migration_stores_the_nodes_off(world):
    migration = importlib.import_module("shouhou.workorders.migrations.0005_module_nodes_off")
    order_type = world.make_type()
    stored = {**flow.default_flow(), "settle": {"enabled": True, "timeout_hours": 2}, "visit": "junk"}
    WorkOrderType.objects.filter(pk=order_type.pk).update(flow=stored)
    migration.switch_off(apps, None)
    saved = WorkOrderType.objects.get(pk=order_type.pk).flow
    assert saved["settle"] == {"enabled": False, "timeout_hours": 2} and saved["visit"] == "junk"
    assert saved["accept"]["enabled"]


def test_the_flow_editor_keeps_the_nodes_off(world):
    order_type = world.make_type()
    form = FlowForm(actor=world.owner, order_type=order_type)
    assert all(form.fields[f"{node}_enabled"].disabled for node in MODULE_NODES)
    assert not form.fields["accept_enabled"].disabled
    page = client_for(world.owner).get(reverse("workorders:type_flow", args=[order_type.pk]))
    later = [row["node"] for row in page.context["rows"] if row["later"]]
    assert later == ["auto_visit", "settle", "visit"]


def _list_columns(user):
    response = client_for(user).get(reverse("workorders:list"))
    assert response.status_code == 200
    return [column.key for column in response.context["list"].columns]


def test_the_total_fees_column_waits_for_a_fees_provider(world, monkeypatch):
    monkeypatch.setattr(fees, "_providers", [])  # the receipt's fees (issue 11) register one at start-up
    assert "total_amount" not in _list_columns(world.owner)
    with_fees = client_for(world.owner).get(reverse("workorders:list") + "?sort=total_amount")
    assert with_fees.status_code == 200 and with_fees.context["state"].sort == ""
    monkeypatch.setattr(fees, "_providers", [])
    fees.register_fees_provider(object())
    assert "total_amount" in _list_columns(world.owner)
