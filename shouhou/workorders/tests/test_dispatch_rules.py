"""Auto-assignment rules (自动派单, issue 10): rule order, each target kind, each condition kind, the reasons
when no rule yields anyone (timeline + the dispatcher's notification), eligibility shared with the ranking
(skills, hidden statuses), the entry points (create, batch, plans) and the rule list's writes."""

import pytest

from shouhou.accounts.factories import AccountsFactory
from shouhou.core import forms_engine
from shouhou.core.errors import PermissionDenied, ValidationFailed
from shouhou.core.testing import make_team, make_user
from shouhou.core.timeline import entries_for
from shouhou.messaging.models import Notification
from shouhou.products.factories import ProductsFactory
from shouhou.workorders.models import DispatchRule, Status, WorkOrder
from shouhou.workorders.services import dispatch_rules as rules
from shouhou.workorders.services import types as type_services

from .conftest import make_customer
from .test_candidates import place
from .test_services import set_setting


def rule(world, name="规则", *, target=None, conditions=None, **extra):
    return rules.create_rule(actor=world.owner, name=name, conditions=conditions,
                             target=target or {"kind": "user", "user_id": world.engineer.pk}, **extra)


def searchable_type(world):
    """A type whose searchable custom fields rules may name: 品牌 brand (text), 型号 models (multi-select A, B),
    楼层 floor (number), 故障 fault (select 异响 noise / 漏液 leak)."""
    order_type = world.make_type()
    schema = forms_engine.get_schema(order_type.form_target)
    options = [{"value": "A", "label": "A"}, {"value": "B", "label": "B"}]
    type_services.save_type_form(actor=world.owner, order_type=order_type, fields=[
        *schema.fields, {"key": "brand", "label": "品牌", "kind": "text", "searchable": True},
        {"key": "models", "label": "型号", "kind": "multi_select", "searchable": True, "options": options},
        {"key": "floor", "label": "楼层", "kind": "number", "searchable": True},
        {"key": "fault", "label": "故障", "kind": "select", "searchable": True,
         "options": [{"value": "noise", "label": "异响"}, {"value": "leak", "label": "漏液"}]},
        {"key": "remark", "label": "备注", "kind": "text"}])
    return order_type


def run(world, order):
    return rules.auto_assign(actor=world.dispatcher, order=order)


# --- order and targets ---------------------------------------------------------------------------------------

def test_the_first_rule_that_yields_someone_assigns_through_the_flow(world):
    order = world.make_order()
    rule(world, "不匹配", conditions={"priorities": ["urgent"]}, target={"kind": "user", "user_id": world.engineer.pk})
    rule(world, "乙", target={"kind": "user", "user_id": world.engineer2.pk})
    rule(world, "甲", target={"kind": "user", "user_id": world.engineer.pk})
    result = run(world, order)
    assert result.assigned and result.chosen.rule.name == "乙"
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED and order.assignee_id == world.engineer2.pk
    assert [o.rule.name for o in result.outcomes] == ["不匹配", "乙"]
    entry = entries_for(order)[0]
    assert entry.verb == "assigned" and "乙" in entry.note


def test_priority_decides_the_order_and_disabled_rules_are_skipped(world):
    order = world.make_order()
    late = rule(world, "后", target={"kind": "user", "user_id": world.engineer.pk}, priority=50)
    rule(world, "先", target={"kind": "user", "user_id": world.engineer2.pk}, priority=5, enabled=False)
    rule(world, "中", target={"kind": "user", "user_id": world.engineer2.pk}, priority=20)
    assert run(world, order).chosen.rule.name == "中"
    order2 = world.make_order()
    rules.reorder_rules(actor=world.owner, rule_ids=[late.pk, *DispatchRule.objects.exclude(pk=late.pk)
                                                     .values_list("pk", flat=True)])
    assert run(world, order2).chosen.rule.name == "后"


def test_a_named_person_who_cannot_take_the_order_is_a_reason_and_the_next_rule_runs(world, owner):
    skill = AccountsFactory(owner).skill(name="高压电工证", users=[world.engineer2])
    order = world.make_order(world.make_type(required_skill_ids=[skill.pk]))
    rule(world, "甲", target={"kind": "user", "user_id": world.engineer.pk})
    rule(world, "乙", target={"kind": "user", "user_id": world.engineer2.pk})
    result = run(world, order)
    assert result.chosen.user == world.engineer2
    assert "工程师甲" in result.outcomes[0].reasons[0] or world.engineer.name in result.outcomes[0].reasons[0]


def test_round_robin_takes_the_team_in_turn(world):
    rule(world, "轮流", target={"kind": "team_round_robin", "team_id": world.team.pk})
    picked = [run(world, world.make_order()).chosen.user for _ in range(3)]
    first, second = sorted([world.engineer, world.engineer2], key=lambda u: u.pk)
    assert picked == [first, second, first]


def test_round_robin_skips_members_who_cannot_take_the_order(world, tenant):
    from shouhou.accounts.models import WorkStatus

    rule(world, "轮流", target={"kind": "team_round_robin", "team_id": world.team.pk})
    status = WorkStatus.objects.create(name="休假")
    world.engineer.work_status = status
    world.engineer.save(update_fields=["work_status"])
    set_setting(tenant, "workorder.hide_statuses", [status.pk])
    assert {run(world, world.make_order()).chosen.user for _ in range(2)} == {world.engineer2}


def test_least_loaded_member_of_the_team(world):
    world.assigned(assignee=world.engineer)
    world.assigned(assignee=world.engineer)
    world.assigned(assignee=world.engineer2)
    rule(world, "最闲", target={"kind": "team_least_loaded", "team_id": world.team.pk})
    result = run(world, world.make_order())
    assert result.chosen.user == world.engineer2
    assert "1" in result.chosen.reasons[0]


def test_best_candidate_within_the_radius(world):
    from .test_candidates import north

    place(world.engineer, *north(3))
    place(world.engineer2, *north(30))
    rule(world, "附近", target={"kind": "best_candidate", "radius_km": 10})
    result = run(world, world.make_order())
    assert result.chosen.user == world.engineer
    # nobody within 1 km: the rule fails with the reason
    DispatchRule.objects.update(radius_km=1)
    result = run(world, world.make_order())
    assert not result.assigned and "1 km" in result.outcomes[0].reasons[0]


def test_best_candidate_without_radius_takes_the_top_of_the_ranking(world):
    from .test_candidates import north

    place(world.engineer, *north(50))
    place(world.engineer2, *north(2))
    rule(world, "最佳", target={"kind": "best_candidate"})
    assert run(world, world.make_order()).chosen.user == world.engineer2


# --- conditions -----------------------------------------------------------------------------------------------

def _only(world, conditions):
    DispatchRule.objects.all().delete()
    return rule(world, "条件", conditions=conditions)


def _matches(world, order):
    return rules.explain(actor=world.dispatcher, order=order).assigned


def test_type_priority_and_service_type_conditions(world, owner):
    from shouhou.workorders.services import types as type_services

    order_type = world.make_type()
    option = type_services.save_service_option(actor=owner, kind="service_type", name="上门维修")
    order = world.make_order(order_type, priority="high", service_type=option.pk)
    other = world.make_order(priority="low")
    for conditions in ({"order_type_ids": [order_type.pk]}, {"priorities": ["high", "urgent"]},
                       {"service_type_ids": [option.pk]}):
        _only(world, conditions)
        assert _matches(world, order) and not _matches(world, other), conditions


def test_customer_team_tags_and_region_conditions(world, tenant):
    team = make_team(tenant, name="北区")
    here = make_customer(tenant, service_team=team, tags=["VIP"], city="上海")
    there = make_customer(tenant, city="杭州")
    order, other = world.make_order(customer=here), world.make_order(customer=there)
    for conditions in ({"team_ids": [team.pk]}, {"tags": ["VIP", "重点"]},
                       {"regions": [{"province": "上海", "city": "", "district": ""}]},
                       {"regions": [{"province": "310000", "city": "310100"}]}):
        _only(world, conditions)
        assert _matches(world, order) and not _matches(world, other), conditions
    _only(world, {"regions": [{"province": "浙江省", "city": "杭州"}]})
    assert _matches(world, other) and not _matches(world, order)


def test_product_type_and_custom_field_conditions(world, owner):
    products = ProductsFactory(owner)
    kind = products.product_type(name="空调")
    product = products.product(name="格力空调", customer=world.customer, product_type_id=kind.pk)
    order = world.make_order(searchable_type(world), product=product)
    _only(world, {"product_type_ids": [kind.pk]})
    assert _matches(world, order) and not _matches(world, world.make_order())
    WorkOrder.objects.filter(pk=order.pk).update(fields={"brand": "格力", "models": ["A", "B"]})
    order.refresh_from_db()
    _only(world, {"fields": {"brand": "格力"}})
    assert _matches(world, order)
    _only(world, {"fields": {"models": "B"}})
    assert _matches(world, order)
    _only(world, {"fields": {"brand": "美的"}})
    result = rules.explain(actor=world.dispatcher, order=order)
    assert not result.assigned and "brand" in result.outcomes[0].reasons[0]


@pytest.mark.parametrize("fields, message", [
    ({"colour": "红"}, "colour"),  # no type has it
    ({"remark": "x"}, "remark"),  # not searchable
    ({"fault": "冒烟"}, "冒烟"),  # not an option
    ({"models": "C"}, "C"),
    ({"floor": "三楼"}, "楼层"),  # not a number
    ({"brand": ["格力"]}, "characters"),  # a list is not a value
    ({"brand": True}, "characters"),
])
def test_custom_field_conditions_must_fit_the_types_searchable_fields(world, fields, message):
    searchable_type(world)
    with pytest.raises(ValidationFailed) as caught:
        rules.create_rule(actor=world.owner, name="字段", target={"kind": "best_candidate"}, conditions={"fields": fields})
    assert message in " ".join(str(m) for m in caught.value.details["fields"])
    assert not DispatchRule.objects.exists()


def test_custom_field_conditions_take_option_labels_and_only_the_rules_types(world):
    order_type = searchable_type(world)
    rule = rules.create_rule(actor=world.owner, name="字段", target={"kind": "best_candidate"},
                             conditions={"fields": {"fault": "异响", "floor": "3", "models": "B"}})
    assert rule.conditions["fields"] == {"fault": "noise", "floor": "3", "models": "B"}
    other = world.make_type()  # without those fields: a rule limited to it may not name them
    with pytest.raises(ValidationFailed):
        rules.create_rule(actor=world.owner, name="字段2", target={"kind": "best_candidate"},
                          conditions={"order_type_ids": [other.pk], "fields": {"fault": "noise"}})
    rules.create_rule(actor=world.owner, name="字段3", target={"kind": "best_candidate"},
                      conditions={"order_type_ids": [order_type.pk, other.pk], "fields": {"fault": "leak"}})


# --- nobody: reasons on the timeline and to the dispatcher ------------------------------------------------------

def test_no_rule_leaves_the_order_pending_and_tells_the_dispatcher_why(world, django_capture_on_commit_callbacks):
    order = world.make_order()
    rule(world, "紧急单", conditions={"priorities": ["urgent"]})
    rule(world, "空团队", target={"kind": "team_round_robin", "team_id": make_team(world.tenant, name="空组").pk})
    with django_capture_on_commit_callbacks(execute=True):
        result = run(world, order)
    assert not result.assigned
    order.refresh_from_db()
    assert order.status == Status.PENDING and order.assignee_id is None
    assert [len(o.reasons) for o in result.outcomes] == [1, 1]
    entry = entries_for(order)[0]
    assert entry.verb == "auto_assign_failed" and "紧急单" in entry.note and "空组" in entry.note
    notice = Notification.objects.get(user=world.dispatcher)
    assert order.number in notice.title and "空团队" in notice.body


def test_no_enabled_rule_is_a_reason_too(world):
    result = run(world, world.make_order())
    assert not result.assigned and result.outcomes == []
    assert "no enabled rule" in entries_for(result.order)[0].summary


def test_auto_assign_needs_the_assign_permission_and_a_pending_order(world):
    rule(world)
    with pytest.raises(PermissionDenied):
        rules.auto_assign(actor=world.engineer, order=world.make_order())
    assigned = world.assigned()
    with pytest.raises(Exception) as caught:
        run(world, assigned)
    assert getattr(caught.value, "status", None) == 409


def test_explain_writes_nothing_and_does_not_move_the_round_robin(world):
    rr = rule(world, "轮流", target={"kind": "team_round_robin", "team_id": world.team.pk})
    order = world.make_order()
    first = rules.explain(actor=world.dispatcher, order=order).chosen.user
    assert rules.explain(actor=world.dispatcher, order=order).chosen.user == first
    rr.refresh_from_db()
    assert rr.last_user_id is None
    order.refresh_from_db()
    assert order.status == Status.PENDING


# --- entry points ---------------------------------------------------------------------------------------------

def test_create_with_auto_assign(world):
    rule(world)
    order = world.make_order(auto_assign=True)
    assert order.status == Status.ASSIGNED and order.assignee_id == world.engineer.pk
    with pytest.raises(ValidationFailed):
        world.make_order(auto_assign=True, to_pool=True)


def test_batch_auto_assign_reports_each_order(world):
    rule(world)
    orders = [world.make_order(), world.make_order(), world.assigned()]
    done = rules.batch_auto_assign(actor=world.dispatcher, orders=orders)
    assert [bool(result and result.assigned) for _o, result, _e in done] == [True, True, False]
    assert done[2][2]


def test_a_plan_in_auto_mode_runs_the_rules(world, owner):
    import datetime as dt

    from shouhou.plans import services as plan_services

    rule(world)
    plan = plan_services.create_plan(actor=owner, name="季度保养", order_type=world.make_type().pk,
                                     customer=world.customer.pk, freq="daily", interval=1,
                                     start_date=dt.date.today(), days_ahead=0, dispatch_mode="auto")
    created = plan_services.generate(actor=owner, plan=plan)
    assert created and created[0].assignee_id == world.engineer.pk


# --- the rule list's writes -----------------------------------------------------------------------------------

def test_rule_validation_collects_every_error(world, tenant):
    with pytest.raises(ValidationFailed) as caught:
        rules.create_rule(actor=world.owner, name="", target={"kind": "team_round_robin"},
                          conditions={"priorities": ["never"], "order_type_ids": [999999],
                                      "regions": [{"province": "火星"}], "fields": {"bad key": "x"}})
    assert set(caught.value.details) >= {"name", "target.team_id", "priorities", "order_type_ids", "regions",
                                         "fields"}
    with pytest.raises(ValidationFailed):
        rules.create_rule(actor=world.owner, name="x", target={"kind": "nobody"})
    with pytest.raises(ValidationFailed):
        rules.create_rule(actor=world.owner, name="x", target={"kind": "best_candidate", "radius_km": -1})
    with pytest.raises(ValidationFailed):
        rules.create_rule(actor=world.owner, name="x", conditions={"unknown": [1]},
                          target={"kind": "best_candidate"})
    with pytest.raises(PermissionDenied):
        rules.create_rule(actor=world.engineer, name="x", target={"kind": "best_candidate"})
    assert not DispatchRule.objects.exists()


def test_regions_are_stored_with_canonical_names_and_codes(world):
    saved = rule(world, conditions={"regions": [{"province": "上海", "city": "上海", "district": "浦东"}]})
    assert saved.conditions["regions"] == [{"province": "上海市", "province_code": "310000", "city": "上海市",
                                            "city_code": "310100", "district": "浦东新区",
                                            "district_code": "310115"}]


def test_move_and_update(world):
    a, b = rule(world, "甲"), rule(world, "乙")
    rules.move_rule(actor=world.owner, rule=b, direction="up")
    assert list(DispatchRule.objects.values_list("name", flat=True)) == ["乙", "甲"]
    rules.update_rule(actor=world.owner, rule=a, enabled=False, name="甲2")
    a.refresh_from_db()
    assert not a.is_enabled and a.name == "甲2"
    with pytest.raises(ValidationFailed):
        rules.reorder_rules(actor=world.owner, rule_ids=[a.pk])


def test_a_person_of_another_company_cannot_be_the_target(world, other_company):
    stranger = make_user(other_company[0], roles=("engineer",), name="外人")
    with pytest.raises(ValidationFailed):
        rule(world, target={"kind": "user", "user_id": stranger.pk})
