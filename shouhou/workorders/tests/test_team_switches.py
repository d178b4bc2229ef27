"""The two team switches of ACC-06 in the work-order centre:

- 启用按服务团队派单 (team.dispatch_by_team): an order of a customer with a service team goes only to the
  members and leaders of that team and its sub-teams — the pickers list only them and the services refuse
  anyone else (changing nothing; 400 over the API).
- 选择人员时隐藏非团队内成员 (team.hide_non_members): the assignee and collaborator pickers list only the
  actor and the members of the actor's own teams, unless the actor's work-order data scope is "all".

Both compose with WOSET-D1 (workorder.dispatch_by_team) and with each other as AND, and never cross companies.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shouhou.accounts.models import User
from shouhou.core.errors import ValidationFailed
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import api_client_for, client_for, make_team, make_user
from shouhou.workorders.forms import work_order_form_class
from shouhou.workorders.models import Approval, Status, WorkOrder
from shouhou.workorders.queries import pickers
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import approvals as approval_services
from shouhou.workorders.services import batch as batch_services
from shouhou.workorders.services import orders as order_services

from .conftest import World, make_customer
from .test_services import assert_refused, set_setting, state

SERVICE_TEAM_ERROR = "the customer's service team"


class Teams:
    """A service team 华东 (leader + member) with a sub-team 上海 (member); the customer served by 华东.
    The world's own engineers (维修组) are outside it."""

    def __init__(self, world):
        tenant = world.tenant
        self.world = world
        self.region = make_team(tenant, name="华东")
        self.city = make_team(tenant, name="上海", parent=self.region)
        self.leader = make_user(tenant, roles=("engineer",), name="华东主管")
        self.region.leaders.add(self.leader)  # a leader who is not also listed as a member
        self.member = make_user(tenant, roles=("engineer",), teams=[self.region], name="华东工程师")
        self.sub_member = make_user(tenant, roles=("engineer",), teams=[self.city], name="上海工程师")
        self.customer = make_customer(tenant, service_team=self.region)
        self.team_people = {self.leader, self.member, self.sub_member}


@pytest.fixture
def teams(world):
    return Teams(world)


def names(candidates):
    return {c.user.name for c in candidates}


def people(users):
    return {user.name for user in users}


def assignee_error(exc):
    messages = exc.details["assignee"]
    assert len(messages) == 1 and SERVICE_TEAM_ERROR in str(messages[0]) and "华东" in str(messages[0])
    return messages[0]


# --- 启用按服务团队派单: the pickers ---------------------------------------------------------------------------

def test_dispatch_by_service_team_off_lists_the_usual_candidates(world, teams):
    order = world.make_order(customer=teams.customer)
    listed = names(pickers.candidates_for_assignment(world.dispatcher, order))
    assert people(teams.team_people) | {"工程师甲", "工程师乙"} <= listed
    order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer)  # anyone may take it
    assert WorkOrder.objects.get(pk=order.pk).assignee == world.engineer


def test_dispatch_by_service_team_on_lists_the_team_and_its_sub_teams(world, teams):
    set_setting(world.tenant, "team.dispatch_by_team", True)
    order = world.make_order(customer=teams.customer)
    assert names(pickers.candidates_for_assignment(world.dispatcher, order)) == people(teams.team_people)
    # a customer without a service team: the usual candidates
    plain = world.make_order()
    assert {"工程师甲", "工程师乙", *people(teams.team_people)} <= names(
        pickers.candidates_for_assignment(world.dispatcher, plain))
    # a transfer lists the team without the current assignee; a search stays within the team
    assigned = order_actions.assign(actor=world.dispatcher, order=order, assignee=teams.member)
    assert names(pickers.candidates_for_assignment(world.dispatcher, assigned)) == {"华东主管", "上海工程师"}
    assert names(pickers.candidates_for_assignment(world.dispatcher, assigned, search="上海")) == {"上海工程师"}
    assert names(pickers.candidates_for_assignment(world.dispatcher, assigned, search="工程师甲")) == set()
    # a new order names its customer
    assert names(pickers.candidates_for_assignment(world.dispatcher, customer=teams.customer)) == people(
        teams.team_people)


def team_queries(call):
    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries if "accounts_team" in query["sql"]]


def test_the_switches_off_read_no_team(world, teams, django_assert_max_num_queries):
    order = world.make_order(customer=teams.customer)
    with django_assert_max_num_queries(6):  # as before the switches existed
        pickers.candidates_for_assignment(world.dispatcher, order)
    assert team_queries(lambda: order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer)) == []
    set_setting(world.tenant, "team.dispatch_by_team", True)
    served = world.make_order(customer=teams.customer)
    assert team_queries(lambda: order_actions.assign(actor=world.dispatcher, order=served, assignee=teams.member))


def test_batch_pickers_list_who_may_take_every_selected_order(world, teams):
    set_setting(world.tenant, "team.dispatch_by_team", True)
    in_region, plain = world.make_order(customer=teams.customer), world.make_order()
    city_customer = make_customer(world.tenant, service_team=teams.city)
    in_city = world.make_order(customer=city_customer)
    dispatcher = world.dispatcher
    assert names(pickers.candidates_for_assignment(dispatcher, orders=[in_region, plain])) == people(teams.team_people)
    assert names(pickers.candidates_for_assignment(dispatcher, orders=[in_region, in_city])) == {"上海工程师"}
    assert {"工程师甲", "工程师乙"} <= names(pickers.candidates_for_assignment(dispatcher, orders=[plain]))


def test_console_dialogs_list_only_the_service_team(world, teams):
    set_setting(world.tenant, "team.dispatch_by_team", True)
    admin = client_for(world.owner)
    order, other = world.make_order(customer=teams.customer), world.make_order(customer=teams.customer)
    dialog = admin.get(reverse("workorders:action_assign", args=[order.pk]))
    assert dialog.status_code == 200 and names(dialog.context["candidates"]) == people(teams.team_people)
    batch = admin.get(reverse("workorders:batch_assign") + f"?ids={order.pk}&ids={other.pk}")
    assert batch.status_code == 200 and names(batch.context["candidates"]) == people(teams.team_people)
    refused = admin.post(reverse("workorders:action_assign", args=[order.pk]),
                         {"expected_version": order.version, "assignee": world.engineer.pk})
    assert refused.status_code == 400 and "assignee" in refused.context["form"].errors
    assert WorkOrder.objects.get(pk=order.pk).assignee is None
    done = admin.post(reverse("workorders:action_assign", args=[order.pk]),
                      {"expected_version": order.version, "assignee": teams.sub_member.pk})
    assert done.status_code == 302 and WorkOrder.objects.get(pk=order.pk).assignee == teams.sub_member


# --- 启用按服务团队派单: the services refuse anyone else ---------------------------------------------------------

def test_assign_and_transfer_refuse_someone_outside_the_service_team(world, teams):
    set_setting(world.tenant, "team.dispatch_by_team", True)
    order = world.make_order(customer=teams.customer)
    assignee_error(assert_refused(order, ValidationFailed, lambda: order_actions.assign(
        actor=world.dispatcher, order=order, assignee=world.engineer)))
    order = order_actions.assign(actor=world.dispatcher, order=order, assignee=teams.member)
    assert order.status == Status.ASSIGNED
    assignee_error(assert_refused(order, ValidationFailed, lambda: order_actions.transfer(
        actor=world.dispatcher, order=order, assignee=world.engineer2, note="换人")))
    moved = order_actions.transfer(actor=world.dispatcher, order=order, assignee=teams.leader, note="换人")  # a leader counts
    assert moved.assignee == teams.leader
    # the order of a customer without a service team goes to anyone, as before
    plain = order_actions.assign(actor=world.dispatcher, order=world.make_order(), assignee=world.engineer)
    assert plain.assignee == world.engineer


def test_batches_are_refused_whole(world, teams):
    set_setting(world.tenant, "team.dispatch_by_team", True)
    plain, served = world.make_order(), world.make_order(customer=teams.customer)
    before = [state(plain), state(served)]
    with pytest.raises(ValidationFailed) as info:
        batch_services.batch_assign(actor=world.dispatcher, orders=[plain, served], assignee=world.engineer)
    assignee_error(info.value)
    assert info.value.details["number"] == served.number and [state(plain), state(served)] == before

    one = world.assigned(assignee=teams.member)
    two = order_actions.assign(actor=world.dispatcher, order=world.make_order(customer=teams.customer),
                          assignee=teams.member)
    before = [state(one), state(two)]
    with pytest.raises(ValidationFailed) as info:
        batch_services.batch_transfer(actor=world.owner, orders=[one, two], assignee=world.engineer2, note="调整")
    assignee_error(info.value)
    assert [state(one), state(two)] == before
    done = batch_services.batch_transfer(actor=world.owner, orders=[one, two], assignee=teams.sub_member, note="调整")
    assert {order.assignee for order in done} == {teams.sub_member}


def test_create_and_dispatch_refuses_and_creates_nothing(world, teams):
    set_setting(world.tenant, "team.dispatch_by_team", True)
    order_type = world.make_type()
    count = WorkOrder.objects.count()
    with pytest.raises(ValidationFailed) as info:
        order_services.create_work_order(actor=world.dispatcher, order_type=order_type, customer=teams.customer,
                                   assignee=world.engineer, dispatch=True)
    assignee_error(info.value)
    assert WorkOrder.objects.count() == count
    order = order_services.create_work_order(actor=world.dispatcher, order_type=order_type, customer=teams.customer,
                                       assignee=teams.sub_member, dispatch=True)
    assert order.status == Status.ASSIGNED and order.assignee == teams.sub_member


def test_an_approved_assign_applies_the_same_rule(world, teams):
    order_type = world.make_type("approval_assign")
    order = world.make_order(order_type, customer=teams.customer)
    order = order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer)  # switch still off
    approval = Approval.objects.get(order=order, state=Approval.State.PENDING)
    set_setting(world.tenant, "team.dispatch_by_team", True)
    # approving it now applies the rule of now: refused, nothing changes, the request stays open
    assert order.awaiting_approval
    assignee_error(assert_refused(order, ValidationFailed, lambda: approval_services.approve(
        actor=world.approver, approval=approval)))
    approval.refresh_from_db()
    assert approval.state == Approval.State.PENDING  # the approver may still refuse it
    approval_services.refuse(actor=world.approver, approval=approval, note="不在服务团队")
    # asking again for someone outside the team is refused before any approval is recorded
    order = WorkOrder.objects.get(pk=order.pk)
    assignee_error(assert_refused(order, ValidationFailed, lambda: order_actions.assign(
        actor=world.dispatcher, order=order, assignee=world.engineer)))
    order = order_actions.assign(actor=world.dispatcher, order=order, assignee=teams.member)
    approval = Approval.objects.get(order=order, state=Approval.State.PENDING)
    approved = approval_services.approve(actor=world.approver, approval=approval)
    assert approved.assignee == teams.member and approved.status == Status.ASSIGNED


# --- 启用按服务团队派单: the API --------------------------------------------------------------------------------

def api_post(client, path, body):
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def test_api_answers_400_and_changes_nothing(world, teams):
    set_setting(world.tenant, "team.dispatch_by_team", True)
    client = api_client_for(world.dispatcher)
    order = world.make_order(customer=teams.customer)
    before = state(order)
    response = api_post(client, f"/work-orders/{order.pk}/assign", {"assignee_id": world.engineer.pk})
    assert response.status_code == 400, response.content
    assert SERVICE_TEAM_ERROR in response.json()["details"]["assignee"][0]
    assert state(order) == before
    count = WorkOrder.objects.count()
    response = api_post(client, "/work-orders", {"order_type_id": order.order_type_id,
                                                 "customer_id": teams.customer.pk, "assignee_id": world.engineer.pk})
    assert response.status_code == 400 and "assignee" in response.json()["details"]
    assert WorkOrder.objects.count() == count
    listed = client.get(f"/api/v1/work-orders/{order.pk}/assignee-candidates")
    assert {c["name"] for c in listed.json()} == people(teams.team_people)
    response = api_post(client, f"/work-orders/{order.pk}/assign", {"assignee_id": teams.member.pk})
    assert response.status_code == 200 and response.json()["assignee"]["id"] == teams.member.pk


# --- composing with WOSET-D1 (workorder.dispatch_by_team) ---------------------------------------------------------

def test_composes_with_assign_by_team_members(world, teams):
    set_setting(world.tenant, "workorder.dispatch_by_team", True)
    set_setting(world.tenant, "team.dispatch_by_team", True)
    order = world.make_order(customer=teams.customer)
    assert names(pickers.candidates_for_assignment(world.dispatcher, order)) == people(teams.team_people)
    plain = world.make_order()  # no service team: D1 alone, people of any team
    assert names(pickers.candidates_for_assignment(world.dispatcher, plain)) == {
        "工程师甲", "工程师乙", *people(teams.team_people)}
    # a type limited to the sub-team: both rules hold
    city_type = world.make_type(team_ids=[teams.city.pk])
    limited = world.make_order(city_type, customer=teams.customer, actor=world.owner)
    assert names(pickers.candidates_for_assignment(world.dispatcher, limited)) == {"上海工程师"}
    # a type limited to a team outside the service team: nobody fits both
    other_type = world.make_type(team_ids=[world.team.pk])
    assert names(pickers.candidates_for_assignment(world.dispatcher, world.make_order(
        other_type, customer=teams.customer, actor=world.owner))) == set()
    # D1 off again: the service team alone
    set_setting(world.tenant, "workorder.dispatch_by_team", False)
    assert names(pickers.candidates_for_assignment(world.dispatcher, limited)) == people(teams.team_people)


# --- 选择人员时隐藏非团队内成员 ------------------------------------------------------------------------------------

@pytest.fixture
def team_admin(world):
    """A 团队管理员 (work-order scope "team") of 维修组."""
    return make_user(world.tenant, roles=("team_admin",), teams=[world.team], name="组长")


def test_hide_non_members_narrows_the_assignee_picker(world, teams, team_admin):
    order = world.make_order(customer=teams.customer)
    everyone = names(pickers.candidates_for_assignment(team_admin, order))
    assert people(teams.team_people) | {"组长", "工程师甲", "工程师乙"} <= everyone
    set_setting(world.tenant, "team.hide_non_members", True)
    assert names(pickers.candidates_for_assignment(team_admin, order)) == {"组长", "工程师甲", "工程师乙"}
    # a dispatcher with the "all" scope still sees everyone
    assert names(pickers.candidates_for_assignment(world.dispatcher, order)) == everyone
    # a leader of 华东 sees 华东 and its sub-team 上海
    leader_admin = make_user(world.tenant, roles=("team_admin",), name="华东组长")
    teams.region.leaders.add(leader_admin)
    assert names(pickers.candidates_for_assignment(leader_admin, order)) == {"华东组长", *people(teams.team_people)}


def test_hide_non_members_composes_with_the_service_team(world, teams, team_admin):
    set_setting(world.tenant, "team.hide_non_members", True)
    set_setting(world.tenant, "team.dispatch_by_team", True)
    order = world.make_order(customer=teams.customer)
    # 组长's teams and the customer's service team have nobody in common
    assert names(pickers.candidates_for_assignment(team_admin, order)) == set()
    teams.city.members.add(team_admin)
    team_admin = User.objects.get(pk=team_admin.pk)  # a new request: teams read afresh
    assert names(pickers.candidates_for_assignment(team_admin, order)) == {"组长", "上海工程师"}


def collaborator_names(form):
    labels = [label for _pk, label in form.fields["collaborator_ids"].choices]
    return {label.split(" · ")[0] for label in labels}


def test_hide_non_members_narrows_the_collaborator_picker(world, teams, team_admin):
    order_type = world.make_type()
    form_class = work_order_form_class(order_type)
    assert people(teams.team_people) <= collaborator_names(form_class(actor=team_admin))
    set_setting(world.tenant, "team.hide_non_members", True)
    assert collaborator_names(form_class(actor=team_admin)) == {"组长", "工程师甲", "工程师乙"}
    # an engineer (scope "own") of 上海 sees himself only: 上海 has no sub-teams and nobody else
    assert collaborator_names(form_class(actor=teams.sub_member)) == {"上海工程师"}
    assert collaborator_names(form_class(actor=teams.member)) == {"华东工程师", "华东主管", "上海工程师"}
    # administrators see everyone
    admin_names = collaborator_names(form_class(actor=world.owner))
    assert people(teams.team_people) | {"组长", "工程师甲", "调度员"} <= admin_names


def test_an_outsider_already_collaborating_stays_listed_and_valid_on_edit(world, teams, team_admin):
    customer = make_customer(world.tenant, service_team=world.team)  # one 组长 may pick
    order = order_services.create_work_order(actor=team_admin, order_type=world.make_type(), customer=customer,
                                       collaborator_ids=[teams.member.pk])
    set_setting(world.tenant, "team.hide_non_members", True)
    client = client_for(team_admin)
    edit_url = reverse("workorders:edit", args=[order.pk])
    page = client.get(edit_url)
    assert page.status_code == 200 and "华东工程师" in collaborator_names(page.context["form"])
    assert "上海工程师" not in collaborator_names(page.context["form"])
    data = {"customer": customer.pk, "priority": "high", "expected_version": order.version,
            "collaborator_ids": [teams.member.pk, world.engineer.pk]}
    saved = client.post(edit_url, data)
    assert saved.status_code == 302, saved.context["form"].errors
    order = WorkOrder.objects.get(pk=order.pk)
    assert set(order.collaborators.all()) == {teams.member, world.engineer} and order.priority == "high"
    refused = client.post(edit_url, {**data, "expected_version": order.version,
                                     "collaborator_ids": [teams.member.pk, teams.sub_member.pk]})
    assert refused.status_code == 400 and "collaborator_ids" in refused.context["form"].errors
    assert set(WorkOrder.objects.get(pk=order.pk).collaborators.all()) == {teams.member, world.engineer}


# --- companies never mix ---------------------------------------------------------------------------------------

def test_no_company_sees_the_other_companys_people(world, teams, team_admin, other_company):
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        other = World(other_tenant, other_owner)
        foreign_team = make_team(other_tenant, name="华东")
        stranger = make_user(other_tenant, roles=("engineer",), teams=[foreign_team], name="外司工程师")
        foreign_customer = make_customer(other_tenant, service_team=foreign_team)
        foreign = other.make_order(customer=foreign_customer)
        for key in ("team.dispatch_by_team", "team.hide_non_members", "workorder.dispatch_by_team"):
            set_setting(other_tenant, key, True)
    for key in ("team.dispatch_by_team", "team.hide_non_members", "workorder.dispatch_by_team"):
        set_setting(world.tenant, key, True)
    order = world.make_order(customer=teams.customer)
    plain = world.make_order()
    for actor in (world.dispatcher, world.owner, team_admin):
        listed = [*pickers.candidates_for_assignment(actor, order), *pickers.candidates_for_assignment(
            actor, orders=[order, plain]), *pickers.candidates_for_assignment(actor, plain)]
        assert all(c.user.tenant_id == world.tenant.pk for c in listed)
        assert "外司工程师" not in names(listed)
    assert {c.user for c in pickers.candidates_for_assignment(world.dispatcher, order)} == teams.team_people
    for actor in (team_admin, world.owner):
        form = work_order_form_class(world.make_type())(actor=actor)
        assert "外司工程师" not in collaborator_names(form) and "组长" in collaborator_names(form)
    # the other company's engineer is no colleague here, and its order is not found
    refusal = assert_refused(order, ValidationFailed, lambda: order_actions.assign(
        actor=world.dispatcher, order=order, assignee=stranger))
    assert "assignee" in refusal.details
    client = api_client_for(world.dispatcher)
    assert client.get(f"/api/v1/work-orders/{foreign.pk}/assignee-candidates").status_code == 404
    with tenant_context(other_tenant):
        assert {c.user for c in pickers.candidates_for_assignment(other.dispatcher, foreign)} == {stranger}
