"""The work-order API: happy paths, 409 for actions not allowed now, 404 across companies and scopes."""

import json

import pytest

from shouhou.core import forms_engine
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import api_client_for
from shouhou.workorders import flow
from shouhou.workorders.models import Approval, Status, WorkOrder
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import types as type_services

from .conftest import World

ACTIONS = ["assign", "accept", "reject", "transfer", "start", "pause", "resume", "complete", "close", "cancel",
           "reopen"]


class Api:
    def __init__(self, user):
        self.client = api_client_for(user)

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path, body=None, **headers):
        return self.client.post(f"/api/v1{path}", json.dumps(body if body is not None else {}),
                                content_type="application/json", headers=headers)

    def patch(self, path, body):
        return self.client.patch(f"/api/v1{path}", json.dumps(body), content_type="application/json")


@pytest.fixture
def api(world):
    return {name: Api(getattr(world, name)) for name in ("owner", "dispatcher", "engineer", "engineer2", "approver")}


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def test_types_crud_with_flow(world, api):
    config = flow.default_flow()
    config["accept"]["timeout_hours"] = 4
    body = ok(api["owner"].post("/work-order-types", {"name": "安装", "color": "#00aa00", "flow": config,
                                                      "team_ids": [world.team.pk]}), 201)
    assert body["flow"]["accept"]["timeout_hours"] == 4 and body["team_ids"] == [world.team.pk]
    assert [step["node"] for step in body["steps"]] == ["create", "assign", "accept", "start", "finish", "close"]
    config["start"]["enabled"] = False
    patched = ok(api["owner"].patch(f"/work-order-types/{body['id']}", {"flow": config, "is_enabled": False}))
    assert not patched["flow"]["start"]["enabled"] and patched["is_enabled"] is False
    assert patched["name"] == "安装" and patched["team_ids"] == [world.team.pk]
    bad = api["owner"].patch(f"/work-order-types/{body['id']}", {"flow": {"assign": {"enabled": False}}})
    assert bad.status_code == 400 and "flow.assign.enabled" in bad.json()["details"]
    assert api["dispatcher"].post("/work-order-types", {"name": "维修"}).status_code == 403
    listed = ok(api["engineer"].get("/work-order-types"))
    assert [item["name"] for item in listed["results"]] == ["安装"]
    assert ok(api["engineer"].get("/work-order-types", usable="true"))["count"] == 0  # disabled above


def test_the_whole_life_of_an_order_over_the_api(world, api):
    order_type = world.make_type()
    created = ok(api["dispatcher"].post("/work-orders", {
        "order_type_id": order_type.pk, "customer_id": world.customer.pk, "priority": "high",
        "description": "空调不制冷"}), 201)
    assert created["status"] == "pending" and created["contact_name"] == "张三"
    order_id = created["id"]
    listing = ok(api["dispatcher"].get("/work-orders", tab="pending"))
    assert [row["number"] for row in listing["results"]] == [created["number"]]
    assert ok(api["dispatcher"].get("/work-orders/counts"))["counts"]["pending"] == 1

    path = f"/work-orders/{order_id}"
    assert ok(api["dispatcher"].get(path))["actions"] == ["assign", "cancel"]
    assigned = ok(api["dispatcher"].post(f"{path}/assign", {"assignee_id": world.engineer.pk, "note": "优先",
                                                            "expected_version": 0}))
    assert assigned["status"] == "assigned" and assigned["assignee"]["id"] == world.engineer.pk
    assert ok(api["engineer"].get(path))["actions"] == ["accept", "reject", "transfer"]
    ok(api["engineer"].post(f"{path}/accept"))
    ok(api["engineer"].post(f"{path}/start", {"latitude": "31.23", "longitude": "121.47"}))
    ok(api["engineer"].post(f"{path}/pause", {"reason": "等配件"}))
    ok(api["engineer"].post(f"{path}/resume"))
    finished = ok(api["engineer"].post(f"{path}/complete", {
        "content": "更换压缩机", "attachments": [
            {"name": "a.jpg", "url": "/media/workorders/1/a.jpg", "size": 10, "content_type": "image/jpeg"}]}))
    assert finished["status"] == "finished" and finished["receipt"]["content"] == "更换压缩机"
    closed = ok(api["dispatcher"].post(f"{path}/close", {"note": "回访满意"}))
    assert closed["status"] == "closed" and closed["version"] == 7

    timeline = ok(api["dispatcher"].get(f"{path}/timeline"))
    assert [entry["verb"] for entry in timeline["results"]][:3] == ["closed", "finished", "resumed"]
    time = ok(api["dispatcher"].get(f"{path}/time"))
    assert set(time) == {"per_status", "paused_seconds", "total_seconds", "working_seconds"}
    reopened = ok(api["owner"].post(f"{path}/reopen", {"reason": "客户反馈"}))
    assert reopened["status"] == "in_progress"


def test_actions_not_allowed_now_answer_409(world, api):
    order = world.assigned()
    path = f"/work-orders/{order.pk}"
    response = api["engineer"].post(f"{path}/start")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    stale = api["engineer"].post(f"{path}/accept", {"expected_version": 0})
    assert stale.status_code == 409 and stale.json()["details"]["version"] == order.version
    assert api["dispatcher"].post(f"{path}/close").status_code == 409
    assert WorkOrder.objects.get(pk=order.pk).version == order.version


def test_refusals_answer_400_and_403(world, api):
    order = world.assigned()
    path = f"/work-orders/{order.pk}"
    missing = api["engineer"].post(f"{path}/reject", {"reason": ""})
    assert missing.status_code == 400 and "reason" in missing.json()["details"]
    assert api["dispatcher"].post(f"{path}/accept").status_code == 403
    assert api["engineer"].post("/work-orders", {"order_type_id": order.order_type_id}).status_code == 400
    bad_fields = api["dispatcher"].post("/work-orders", {
        "order_type_id": order.order_type_id, "customer_id": world.customer.pk, "fields": {"nope": 1}})
    assert bad_fields.status_code == 400 and "fields.nope" in bad_fields.json()["details"]


def test_engineer_cannot_reach_someone_elses_order(world, api):
    order = world.assigned(assignee=world.engineer2)
    assert api["engineer"].get(f"/work-orders/{order.pk}").status_code == 404
    assert api["engineer"].post(f"/work-orders/{order.pk}/accept").status_code == 404
    assert ok(api["engineer"].get("/work-orders"))["count"] == 0


def test_another_companys_order_is_404_on_every_route(world, api, other_company):
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        other = World(other_tenant, other_owner)
        foreign = other.assigned("approval_assign")
        foreign_type = foreign.order_type
        pending = order_actions.assign(actor=other.dispatcher, order=other.make_order(other.make_type("approval_assign")),
                                  assignee=other.engineer)
        approval = Approval.objects.get(order=pending)
    client = api["owner"]
    order_paths = [f"/work-orders/{foreign.pk}/{action}" for action in ACTIONS]
    for path in [f"/work-orders/{foreign.pk}", *order_paths, f"/work-orders/{foreign.pk}/notes"]:
        assert client.post(path, {"reason": "x", "assignee_id": world.engineer.pk, "content": "x"}).status_code in (
            404, 405), path
    for path in [f"/work-orders/{foreign.pk}", f"/work-orders/{foreign.pk}/timeline",
                 f"/work-orders/{foreign.pk}/notes", f"/work-orders/{foreign.pk}/approvals",
                 f"/work-orders/{foreign.pk}/time", f"/work-orders/{foreign.pk}/assignee-candidates",
                 f"/work-order-types/{foreign_type.pk}", f"/approvals/{approval.pk}"]:
        assert client.get(path).status_code == 404, path
    for action in ("approve", "refuse", "withdraw"):
        assert client.post(f"/approvals/{approval.pk}/{action}", {"note": "x"}).status_code == 404
    assert client.patch(f"/work-orders/{foreign.pk}", {"description": "x"}).status_code == 404
    assert client.patch(f"/work-order-types/{foreign_type.pk}", {"name": "x"}).status_code == 404
    assert ok(client.get("/work-orders"))["count"] == 0
    assert ok(client.get("/work-order-types"))["count"] == 0
    assert ok(api["approver"].get("/approvals", state="all"))["count"] == 0
    with tenant_context(other_tenant):
        assert WorkOrder.objects.get(pk=foreign.pk).status == Status.ASSIGNED
        assert Approval.objects.get(pk=approval.pk).state == "pending"


def test_approvals_inbox_and_decisions(world, api):
    order = world.make_order(world.make_type("approval_assign"))
    response = ok(api["dispatcher"].post(f"/work-orders/{order.pk}/assign", {"assignee_id": world.engineer.pk}))
    assert response["awaiting_approval"] and response["status"] == "pending"
    inbox = ok(api["approver"].get("/approvals"))
    assert inbox["count"] == 1 and inbox["results"][0]["action"] == "assign"
    approval_id = inbox["results"][0]["id"]
    assert ok(api["dispatcher"].get("/approvals", requested="true"))["count"] == 1
    assert api["dispatcher"].post(f"/approvals/{approval_id}/approve").status_code == 403
    assert api["approver"].post(f"/approvals/{approval_id}/refuse", {"note": ""}).status_code == 400
    decided = ok(api["approver"].post(f"/approvals/{approval_id}/approve", {"note": "同意"}))
    assert decided["state"] == "approved" and decided["decided_by"]["id"] == world.approver.pk
    assert WorkOrder.objects.get(pk=order.pk).status == Status.ASSIGNED
    assert ok(api["approver"].get("/approvals", state="approved"))["count"] == 1
    assert api["approver"].post(f"/approvals/{approval_id}/approve").status_code == 409
    listed = ok(api["dispatcher"].get(f"/work-orders/{order.pk}/approvals"))
    assert listed["results"][0]["state"] == "approved"


def test_withdraw_over_the_api(world, api):
    order = world.make_order(world.make_type("approval_assign"))
    order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer)
    approval = Approval.objects.get(order=order)
    assert api["approver"].post(f"/approvals/{approval.pk}/withdraw").status_code == 403
    assert ok(api["dispatcher"].post(f"/approvals/{approval.pk}/withdraw"))["state"] == "withdrawn"


def test_patch_notes_and_custom_field_filters(world, api):
    order_type = world.make_type()
    schema = forms_engine.get_schema(order_type.form_target)
    type_services.save_type_form(actor=world.owner, order_type=order_type, fields=[
        *schema.fields, {"key": "floor", "label": "楼层", "kind": "number", "searchable": True}])
    first = world.make_order(order_type, fields={"floor": 3})
    world.make_order(order_type, fields={"floor": 9})
    found = ok(api["dispatcher"].get("/work-orders", type_id=order_type.pk, cf_floor__gte=5))
    assert found["count"] == 1 and found["results"][0]["fields"] == {"floor": 9}
    assert api["dispatcher"].get("/work-orders", cf_floor=3).status_code == 400
    patched = ok(api["dispatcher"].patch(f"/work-orders/{first.pk}", {
        "description": "三楼机房", "fields": {"floor": 4}, "expected_version": 0}))
    assert patched["description"] == "三楼机房" and patched["fields"] == {"floor": 4} and patched["version"] == 1
    stale = api["dispatcher"].patch(f"/work-orders/{first.pk}", {"description": "x", "expected_version": 0})
    assert stale.status_code == 409
    note = ok(api["dispatcher"].post(f"/work-orders/{first.pk}/notes", {"content": "带梯子"}), 201)
    assert note["author"]["id"] == world.dispatcher.pk
    assert ok(api["dispatcher"].get(f"/work-orders/{first.pk}/notes"))["count"] == 1


def test_create_honours_the_idempotency_key(world, api):
    body = {"order_type_id": world.make_type().pk, "customer_id": world.customer.pk}
    first = ok(api["dispatcher"].post("/work-orders", body, **{"Idempotency-Key": "abc"}), 201)
    again = api["dispatcher"].post("/work-orders", body, **{"Idempotency-Key": "abc"})
    assert again.status_code == 201 and again.json()["id"] == first["id"]
    assert again["Idempotent-Replayed"] == "true" and WorkOrder.objects.count() == 1


def test_assignee_candidates(world, api):
    order = world.make_order()
    candidates = ok(api["dispatcher"].get(f"/work-orders/{order.pk}/assignee-candidates"))
    names = {c["name"]: c for c in candidates}
    assert {"工程师甲", "工程师乙"} <= set(names)
    assert names["工程师甲"]["teams"] == [world.team.name] and names["工程师甲"]["open_count"] == 0


def test_transfer_and_batch_shape_over_the_api(world, api):
    order = world.in_progress()
    moved = ok(api["engineer"].post(f"/work-orders/{order.pk}/transfer", {"assignee_id": world.engineer2.pk,
                                                                          "note": "换人"}))
    assert moved["assignee"]["id"] == world.engineer2.pk and moved["status"] == "assigned"
    assert api["engineer"].get(f"/work-orders/{order.pk}").status_code == 404  # no longer theirs
