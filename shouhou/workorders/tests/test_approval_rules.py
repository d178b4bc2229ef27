"""Who approves: the requester never does. When the flow's rule names nobody but him, the company's
administrators (系统管理员 / 普通管理员) decide, and the request says so."""

import pytest

from shouhou.core.errors import PermissionDenied
from shouhou.core.testing import make_user
from shouhou.messaging.models import Notification
from shouhou.workorders import flow, policy
from shouhou.workorders.models import Approval, Status
from shouhou.workorders.queries import orders as order_queries
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import approvals as approval_services

ROUTED = "sent to the administrators"


def leader_rule(node):
    config = flow.default_flow()
    config[node]["approval"] = {"rule": "team_leader", "user_ids": [], "role_id": None}
    return config


@pytest.fixture
def lead_engineer(world):
    """An engineer who leads his own team (维修组): the team-leader rule would name only him."""
    engineer = make_user(world.tenant, roles=("engineer",), teams=[world.team], name="组长工程师")
    world.team.leaders.add(engineer)
    return engineer


def test_the_team_leader_rule_never_names_the_requester(world, lead_engineer, django_capture_on_commit_callbacks):
    order = world.assigned(flow=leader_rule("accept"), assignee=lead_engineer)
    with django_capture_on_commit_callbacks(execute=True):
        order = order_actions.accept(actor=lead_engineer, order=order)
    approval = Approval.objects.get(order=order, state="pending")
    assert lead_engineer not in approval.approvers.all()
    assert set(approval.approvers.all()) == {world.owner, world.approver} and approval.routed_to_admins
    assert policy.approval_actions(lead_engineer, approval) == ["withdraw"]
    assert ROUTED in order_queries.timeline_of(order)[0].note
    with pytest.raises(PermissionDenied):
        approval_services.approve(actor=lead_engineer, approval=approval)
    assert Notification.objects.filter(user=world.approver, category="approval").exists()
    assert not Notification.objects.filter(user=lead_engineer, category="approval").exists()
    order = approval_services.approve(actor=world.approver, approval=approval)
    assert order.status == Status.ACCEPTED


def test_other_leaders_approve_as_before(world, lead_engineer):
    other_leader = make_user(world.tenant, roles=("team_admin",), name="另一组长")
    world.team.leaders.add(other_leader)
    order = world.assigned(flow=leader_rule("accept"), assignee=lead_engineer)
    order_actions.accept(actor=lead_engineer, order=order)
    approval = Approval.objects.get(order=order, state="pending")
    assert list(approval.approvers.all()) == [other_leader] and not approval.routed_to_admins


def test_an_administrator_requesting_is_not_his_own_approver(world):
    config = flow.default_flow()
    config["cancel"]["approval"] = {"rule": "role", "user_ids": [], "role_id": world.approver.roles.get().pk}
    order = world.make_order(world.make_type(flow=config), actor=world.approver)
    order_actions.cancel(actor=world.approver, order=order, reason="重复")
    approval = Approval.objects.get(order=order, state="pending")
    assert set(approval.approvers.all()) == {world.owner} and approval.routed_to_admins


def test_a_request_recorded_with_the_requester_as_approver_cannot_be_self_approved(world):
    order = world.make_order(world.make_type("approval_assign"))
    order = order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer)
    approval = Approval.objects.get(order=order, state="pending")
    approval.approvers.add(world.dispatcher)  # as an older version recorded it
    with pytest.raises(PermissionDenied):
        approval_services.approve(actor=world.dispatcher, approval=approval)
    assert Approval.objects.get(pk=approval.pk).state == "pending"
