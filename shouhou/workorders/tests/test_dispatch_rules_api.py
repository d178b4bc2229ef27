"""The auto-assignment rules' API (issue 10): CRUD with the issue's body, reorder, test, auto-assign (200 with
the assignee, 409 with the reasons), validation and another company's rule or order as a 404."""

import json

import pytest

from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import api_client_for, make_user
from shouhou.workorders.models import DispatchRule, Status
from shouhou.workorders.services import dispatch_rules as rules

from .conftest import World
from .test_dispatch_rules import searchable_type


def post(client, url, body=None):
    return client.post(url, json.dumps(body) if body is not None else "", content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def admin(world):
    return api_client_for(world.owner)


def test_create_read_update_delete(world, admin):
    searchable_type(world)
    body = {"name": "上海空调", "priority": 5, "enabled": True,
            "conditions": {"priorities": ["high"], "regions": [{"province": "上海", "city": "", "district": ""}],
                           "tags": ["VIP"], "fields": {"brand": "格力"}, "team_ids": [world.team.pk]},
            "target": {"kind": "team_round_robin", "team_id": world.team.pk}}
    response = post(admin, "/api/v1/dispatch-rules", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["priority"] == 5 and data["target"]["kind"] == "team_round_robin"
    assert data["conditions"]["regions"][0]["province_code"] == "310000"
    rule_id = data["id"]
    assert admin.get(f"/api/v1/dispatch-rules/{rule_id}").json()["name"] == "上海空调"
    response = patch(admin, f"/api/v1/dispatch-rules/{rule_id}",
                     {"enabled": False, "target": {"kind": "best_candidate", "radius_km": 12.5}})
    assert response.status_code == 200, response.content
    assert response.json()["enabled"] is False and response.json()["target"]["radius_km"] == 12.5
    assert [r["id"] for r in admin.get("/api/v1/dispatch-rules").json()] == [rule_id]
    assert admin.delete(f"/api/v1/dispatch-rules/{rule_id}").status_code == 204
    assert not DispatchRule.objects.exists()


@pytest.mark.parametrize("body, field", [
    ({"name": "", "target": {"kind": "best_candidate"}}, "name"),
    ({"name": "x" * 51, "target": {"kind": "best_candidate"}}, "name"),
    ({"name": "x", "target": {"kind": "robot"}}, "kind"),
    ({"name": "x", "target": {"kind": "user"}}, "target.user_id"),
    ({"name": "x", "target": {"kind": "best_candidate", "radius_km": 0}}, "radius_km"),
    ({"name": "x", "target": {"kind": "best_candidate", "radius_km": 99999}}, "radius_km"),
    ({"name": "x", "priority": -1, "target": {"kind": "best_candidate"}}, "priority"),
    ({"name": "x", "conditions": {"priorities": ["soon"]}, "target": {"kind": "best_candidate"}}, "priorities"),
    ({"name": "x", "conditions": {"order_type_ids": [999999]}, "target": {"kind": "best_candidate"}},
     "order_type_ids"),
    ({"name": "x", "conditions": {"order_type_ids": [2**64]}, "target": {"kind": "best_candidate"}},
     "order_type_ids"),
    ({"name": "x", "conditions": {"regions": [{"province": "火星"}]}, "target": {"kind": "best_candidate"}},
     "regions"),
    ({"name": "x", "conditions": {"fields": {"a b": "1"}}, "target": {"kind": "best_candidate"}}, "fields"),
    ({"name": "x", "conditions": {"fields": {"nosuch": "1"}}, "target": {"kind": "best_candidate"}}, "nosuch"),
    ({"name": "x", "conditions": {"fields": {"fault": "冒烟"}}, "target": {"kind": "best_candidate"}}, "冒烟"),
    ({"name": "x\x07", "target": {"kind": "best_candidate"}}, "name"),
])
def test_bad_bodies_are_400_and_change_nothing(world, admin, body, field):
    searchable_type(world)
    response = post(admin, "/api/v1/dispatch-rules", body)
    assert response.status_code in (400, 422), response.content
    assert field in json.dumps(response.json(), ensure_ascii=False)
    assert not DispatchRule.objects.exists()


def test_engineers_may_not_manage_rules(world):
    response = post(api_client_for(world.engineer), "/api/v1/dispatch-rules",
                    {"name": "x", "target": {"kind": "best_candidate"}})
    assert response.status_code == 403
    assert api_client_for(world.engineer).get("/api/v1/dispatch-rules").status_code == 403


def test_reorder(world, admin):
    a = rules.create_rule(actor=world.owner, name="甲", target={"kind": "best_candidate"})
    b = rules.create_rule(actor=world.owner, name="乙", target={"kind": "best_candidate"})
    response = post(admin, "/api/v1/dispatch-rules/reorder", {"ids": [b.pk, a.pk]})
    assert response.status_code == 200 and [r["name"] for r in response.json()] == ["乙", "甲"]
    assert post(admin, "/api/v1/dispatch-rules/reorder", {"ids": [b.pk]}).status_code == 400


def test_test_endpoint_says_whom_the_rule_would_pick(world):
    order = world.make_order()
    rule = rules.create_rule(actor=world.owner, name="甲", target={"kind": "user", "user_id": world.engineer.pk})
    client = api_client_for(world.dispatcher)
    response = post(client, f"/api/v1/dispatch-rules/{rule.pk}/test?order_id={order.pk}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["would_assign"] and data["outcome"]["user_id"] == world.engineer.pk and data["outcome"]["reasons"]
    order.refresh_from_db()
    assert order.status == Status.PENDING
    assert post(client, f"/api/v1/dispatch-rules/{rule.pk}/test").status_code in (400, 422)
    assert post(client, f"/api/v1/dispatch-rules/{rule.pk}/test?order_id=abc").status_code in (400, 422)


def test_auto_assign_200_and_409(world):
    client = api_client_for(world.dispatcher)
    order = world.make_order()
    response = post(client, f"/api/v1/work-orders/{order.pk}/auto-assign")
    assert response.status_code == 409 and response.json()["code"] == "not_assigned"
    assert response.json()["details"]["rules"] == []
    rules.create_rule(actor=world.owner, name="紧急", conditions={"priorities": ["urgent"]},
                      target={"kind": "best_candidate"})
    response = post(client, f"/api/v1/work-orders/{order.pk}/auto-assign")
    tried = response.json()["details"]["rules"]
    assert response.status_code == 409 and tried[0]["rule_name"] == "紧急" and tried[0]["reasons"]
    rules.create_rule(actor=world.owner, name="甲", target={"kind": "user", "user_id": world.engineer.pk})
    response = post(client, f"/api/v1/work-orders/{order.pk}/auto-assign", {"expected_version": 999})
    assert response.status_code == 409 and response.json()["code"] == "conflict"  # stale version
    response = post(client, f"/api/v1/work-orders/{order.pk}/auto-assign")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["assignee"]["id"] == world.engineer.pk and data["status"] == "assigned"
    assert data["rule"]["rule_name"] == "甲" and [t["rule_name"] for t in data["tried"]] == ["紧急", "甲"]
    response = post(client, f"/api/v1/work-orders/{order.pk}/auto-assign")
    assert response.status_code == 409 and response.json()["code"] == "conflict"  # no longer 待指派


def test_another_companys_rule_and_order_are_404(world, other_company):
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        foreign_world = World(other_tenant, other_owner)
        foreign_order = foreign_world.make_order()
        foreign_rule = rules.create_rule(actor=other_owner, name="外", target={"kind": "best_candidate"})
    admin = api_client_for(world.owner)
    mine = rules.create_rule(actor=world.owner, name="内", target={"kind": "best_candidate"})
    assert admin.get(f"/api/v1/dispatch-rules/{foreign_rule.pk}").status_code == 404
    assert patch(admin, f"/api/v1/dispatch-rules/{foreign_rule.pk}", {"name": "x"}).status_code == 404
    assert admin.delete(f"/api/v1/dispatch-rules/{foreign_rule.pk}").status_code == 404
    assert post(admin, f"/api/v1/dispatch-rules/{foreign_rule.pk}/test?order_id=1").status_code == 404
    assert post(admin, f"/api/v1/dispatch-rules/{mine.pk}/test?order_id={foreign_order.pk}").status_code == 404
    assert post(admin, f"/api/v1/work-orders/{foreign_order.pk}/auto-assign").status_code == 404
    assert post(admin, "/api/v1/dispatch-rules/reorder", {"ids": [mine.pk, foreign_rule.pk]}).status_code == 400
    response = post(admin, "/api/v1/dispatch-rules", {"name": "x", "target": {"kind": "team_round_robin",
                                                                          "team_id": foreign_world.team.pk}})
    assert response.status_code == 400


def test_unknown_user_id_is_the_same_answer_as_another_companys(world, other_company):
    stranger = make_user(other_company[0], name="外人")
    admin = api_client_for(world.owner)
    answers = [post(admin, "/api/v1/dispatch-rules", {"name": "x", "target": {"kind": "user", "user_id": pk}}).json()
               for pk in (stranger.pk, 99999999)]
    assert answers[0] == answers[1]
