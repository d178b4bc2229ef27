"""The console's 自动派单规则 page (工单设置): list, editor, enable, move, delete, the 测试规则 panel; the create
page's 保存并自动派单 and the 待指派 list's batch 自动派单; permissions and another company's rule."""

from django.urls import reverse

from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import client_for
from shouhou.workorders.models import DispatchRule, Status, WorkOrder
from shouhou.workorders.services import dispatch_rules as rules

from .test_dispatch_rules import searchable_type


def _rule(world, name="甲", **target):
    return rules.create_rule(actor=world.owner, name=name,
                             target=target or {"kind": "user", "user_id": world.engineer.pk})


def test_list_shows_rules_in_order_with_their_conditions(world):
    rules.create_rule(actor=world.owner, name="上海空调", conditions={"priorities": ["urgent"], "tags": ["VIP"]},
                      target={"kind": "team_round_robin", "team_id": world.team.pk})
    _rule(world, "兜底", kind="best_candidate", radius_km=20)
    response = client_for(world.owner).get(reverse("workorders:dispatch_rules"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("上海空调") < body.index("兜底")
    assert "VIP" in body and world.team.name in body and "within 20 km" in body


def test_editor_creates_and_edits_a_rule(world):
    searchable_type(world)
    client = client_for(world.owner)
    url = reverse("workorders:dispatch_rule_create")
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "杭州", "priority": "", "is_enabled": "on", "priorities": ["high"],
                                 "regions_province": ["330000", "310000", ""], "regions_city": ["330100", "310100", ""],
                                 "regions_district": ["", "310115", ""], "tags": "VIP，重点",
                                 "custom_fields": "brand=格力", "target_kind": "team_least_loaded",
                                 "target_team": world.team.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = DispatchRule.objects.get()
    assert rule.conditions["tags"] == ["VIP", "重点"] and rule.conditions["fields"] == {"brand": "格力"}
    assert [r["city_code"] for r in rule.conditions["regions"]] == ["330100", "310100"]
    edit = reverse("workorders:dispatch_rule_edit", args=[rule.pk])
    page = client.get(edit).content.decode()
    # one picker row per region, its selects on the stored codes; the empty row's template follows
    assert page.count('name="regions_province"') == 3 and "brand=格力" in page
    assert '<option value="330100" selected>杭州市</option>' in page
    assert '<option value="310115" selected>浦东新区</option>' in page
    response = client.post(edit, {"name": "杭州2", "target_kind": "user", "target_user": world.engineer.pk})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.name == "杭州2" and rule.target_user == world.engineer and not rule.is_enabled
    assert rule.conditions == {}


def test_editor_shows_errors_and_saves_nothing(world):
    client = client_for(world.owner)
    response = client.post(reverse("workorders:dispatch_rule_create"), {
        "name": "x", "regions_province": ["310000", "330000"], "regions_city": ["310100", "310100"],
        "regions_district": ["", ""], "target_kind": "user"})
    assert response.status_code == 400 and "Region 2" in response.content.decode()
    response = client.post(reverse("workorders:dispatch_rule_create"), {
        "name": "x", "custom_fields": "nosuch=1", "target_kind": "best_candidate"})
    assert response.status_code == 400 and "nosuch" in response.content.decode()
    response = client.post(reverse("workorders:dispatch_rule_create"), {"name": "x", "target_kind": "user"})
    assert response.status_code == 400 and "Choose an active colleague" in response.content.decode()
    assert not DispatchRule.objects.exists()


def test_toggle_move_delete(world):
    a, b = _rule(world, "甲"), _rule(world, "乙")
    client = client_for(world.owner)
    client.post(reverse("workorders:dispatch_rule_toggle", args=[a.pk]))
    a.refresh_from_db()
    assert not a.is_enabled
    client.post(reverse("workorders:dispatch_rule_move", args=[b.pk]), {"direction": "up"})
    assert list(DispatchRule.objects.values_list("name", flat=True)) == ["乙", "甲"]
    client.post(reverse("workorders:dispatch_rule_delete", args=[a.pk]))
    assert list(DispatchRule.objects.values_list("name", flat=True)) == ["乙"]


def test_test_panel_says_which_rule_and_whom(world):
    order = world.make_order()
    rules.create_rule(actor=world.owner, name="紧急单", conditions={"priorities": ["urgent"]},
                      target={"kind": "best_candidate"})
    _rule(world, "兜底")
    client = client_for(world.owner)
    body = client.get(reverse("workorders:dispatch_rules"), {"order": order.number}).content.decode()
    assert "Rule 兜底 would assign it to 工程师甲" in body and "is not one of the rule&#x27;s priorities" in body
    order.refresh_from_db()
    assert order.status == Status.PENDING
    body = client.get(reverse("workorders:dispatch_rules"), {"order": "NOPE"}).content.decode()
    assert "No work order with this number" in body


def test_engineers_may_not_open_the_page_and_foreign_rules_are_404(world, other_company):
    assert client_for(world.engineer).get(reverse("workorders:dispatch_rules")).status_code == 403
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        foreign = rules.create_rule(actor=other_owner, name="外", target={"kind": "best_candidate"})
    client = client_for(world.owner)
    assert client.get(reverse("workorders:dispatch_rule_edit", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("workorders:dispatch_rule_delete", args=[foreign.pk])).status_code == 404


def test_create_page_save_and_auto_assign(world):
    _rule(world)
    order_type = world.make_type()
    client = client_for(world.dispatcher)
    page = client.get(reverse("workorders:create") + f"?type={order_type.pk}").content.decode()
    assert 'name="auto_assign"' in page
    response = client.post(reverse("workorders:create"), {
        "order_type": order_type.pk, "customer": world.customer.pk, "priority": "normal", "auto_assign": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    order = WorkOrder.objects.latest("pk")
    assert order.assignee_id == world.engineer.pk and order.status == Status.ASSIGNED


def test_batch_auto_assign_on_the_assign_list(world):
    _rule(world)
    first, second = world.make_order(), world.make_order()
    client = client_for(world.dispatcher)
    page = client.get(reverse("workorders:assign")).content.decode()
    assert reverse("workorders:batch_auto_assign") in page
    response = client.post(reverse("workorders:batch_auto_assign"), {"ids": [first.pk, second.pk]}, follow=True)
    assert response.status_code == 200
    assert set(WorkOrder.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        Status.ASSIGNED}
    assert "2 work orders auto-assigned" in response.content.decode()


def test_phone_new_order_with_auto_assign(world):
    order_type = world.make_type()
    client = client_for(world.dispatcher)
    page = client.get(reverse("mobile:create") + f"?type={order_type.pk}").content.decode()
    assert 'name="dispatch_mode" value="auto"' in page  # 自动派单, one choice of the 派单 group
    post = {"order_type": order_type.pk, "customer": world.customer.pk, "priority": "normal",
            "planned_at": "2026-12-20T10:00", "description": "手机自动派单", "dispatch_mode": "auto", "dispatch": "1"}
    response = client.post(reverse("mobile:create"), post, follow=True)  # no rule yet: stays 待指派, told so
    order = WorkOrder.objects.get(description="手机自动派单")
    assert order.status == Status.PENDING and "No auto-assignment rule found anyone" in response.content.decode()
    _rule(world)
    response = client.post(reverse("mobile:create"), {**post, "description": "手机自动派单2"})
    assert response.status_code == 302
    assert WorkOrder.objects.get(description="手机自动派单2").assignee_id == world.engineer.pk
