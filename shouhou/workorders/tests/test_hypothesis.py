"""Random action sequences through the services against random flow variants (hypothesis, stateful).

Every step calls a real service as some person; whatever happens, the invariants of the flow hold:
the status is one the table can reach, the exception flag is the OR of the flags, at most one
approval is pending, finished_at is set exactly in the finished statuses, a refused action changes
nothing, and a successful one raises the version.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from shouhou.core.errors import DomainError
from shouhou.core.models import Activity
from shouhou.workorders import flow
from shouhou.workorders.models import Approval, Status, StatusSpan, WorkOrder
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import approvals as approval_services

from .test_services import set_setting

FLAGS = ("is_paused", "is_overdue", "is_rejected", "awaiting_approval", "location_anomaly")
APPROVAL_NODES = [None, "assign", "accept", "start", "finish", "close", "cancel"]
PEOPLE = ("dispatcher", "engineer", "engineer2", "approver", "owner")
ACTIONS = ("assign", "accept", "reject", "transfer", "start", "pause", "resume", "complete", "close", "cancel",
           "reopen")
PROPER_ACTOR = {"assign": "dispatcher", "transfer": "dispatcher", "close": "dispatcher", "cancel": "dispatcher",
                "reopen": "owner"}


def snapshot(order_id):
    ct = ContentType.objects.get_for_model(WorkOrder)
    return (WorkOrder.objects.filter(pk=order_id).values().get(),
            Activity.objects.filter(content_type=ct, object_id=str(order_id)).count(),
            list(StatusSpan.objects.filter(order_id=order_id).values_list("pk", "ended_at")),
            list(Approval.objects.filter(order_id=order_id).values_list("pk", "state")))


class FlowMachine(RuleBasedStateMachine):
    world = None  # set by the test: the company and its people
    seen = None  # outcomes and statuses over all examples, so the test can prove the walk went somewhere

    @initialize(accept=st.booleans(), start=st.booleans(), approval_node=st.sampled_from(APPROVAL_NODES),
                keep_status=st.booleans(), allow_reject=st.booleans())
    def new_order(self, accept, start, approval_node, keep_status, allow_reject):
        w = self.world
        config = flow.default_flow()
        config["accept"]["enabled"], config["start"]["enabled"] = accept, start
        if approval_node:
            config[approval_node]["approval"] = {"rule": "users", "user_ids": [w.approver.pk], "role_id": None}
        self.flow = flow.normalize(config)
        set_setting(w.tenant, "workorder.transfer_keep_status", keep_status)
        set_setting(w.tenant, "workorder.allow_reject", allow_reject)
        self.order_id = w.make_order(w.make_type(flow=config)).pk

    # --- performing actions -------------------------------------------------------------------------

    def attempt(self, call):
        """Run one service call; a refusal must leave everything as it was, a success must move on."""
        before = snapshot(self.order_id)
        try:
            call(WorkOrder.objects.get(pk=self.order_id))
        except DomainError:
            assert snapshot(self.order_id) == before, "a refused action changed something"
            self.seen["refused"] += 1
            return
        after = snapshot(self.order_id)
        assert after[0]["version"] > before[0]["version"], "a successful action must raise the version"
        self.seen["done"] += 1
        self.seen["statuses"].add(after[0]["status"])

    def person(self, name):
        """A named person, or "assignee": whoever holds the order now."""
        if name == "assignee":
            assignee = WorkOrder.objects.get(pk=self.order_id).assignee
            return assignee or self.world.engineer
        return getattr(self.world, name)

    def perform(self, action, actor, other_name, text):
        person, other = self.person(actor), self.person(other_name)
        calls = {
            "assign": lambda o: order_actions.assign(actor=person, order=o, assignee=other),
            "accept": lambda o: order_actions.accept(actor=person, order=o),
            "reject": lambda o: order_actions.reject(actor=person, order=o, reason=text),
            "transfer": lambda o: order_actions.transfer(actor=person, order=o, assignee=other, note=text),
            "start": lambda o: order_actions.start(actor=person, order=o),
            "pause": lambda o: order_actions.pause(actor=person, order=o, reason=text),
            "resume": lambda o: order_actions.resume(actor=person, order=o),
            "complete": lambda o: order_actions.complete(actor=person, order=o, content=text),
            "close": lambda o: order_actions.close(actor=person, order=o, note=text),
            "cancel": lambda o: order_actions.cancel(actor=person, order=o, reason=text),
            "reopen": lambda o: order_actions.reopen(actor=person, order=o, reason=text),
        }
        self.attempt(calls[action])

    @rule(action=st.sampled_from(ACTIONS), actor=st.sampled_from((*PEOPLE, "assignee")),
          other=st.sampled_from(["engineer", "engineer2"]), text=st.sampled_from(["", "说明"]))
    def anyone_does_anything(self, action, actor, other, text):
        """Mostly refusals: the wrong person, the wrong moment, a missing reason."""
        self.perform(action, actor, other, text)

    @rule(data=st.data())
    def the_right_person_does_an_allowed_action(self, data):
        """Mostly successes, so walks reach the later statuses (and approvals, reopen, pause …)."""
        order = WorkOrder.objects.get(pk=self.order_id)
        allowed = [a for a in flow.allowed_actions(order, self.flow) if a in ACTIONS]
        if not allowed:
            return
        action = data.draw(st.sampled_from(allowed), label="action")
        actor = PROPER_ACTOR.get(action, "assignee")
        current = order.assignee.name if order.assignee else ""
        other = "engineer" if current == self.world.engineer2.name else "engineer2"
        self.perform(action, actor, other, "说明")

    @rule(actor=st.sampled_from(["approver", "approver", "dispatcher", "assignee"]),
          decision=st.sampled_from(["approve", "approve", "refuse", "withdraw"]))
    def decide(self, actor, decision):
        approval = Approval.objects.filter(order_id=self.order_id).order_by("-pk").first()
        if approval is None:
            return
        person = self.person(actor)
        calls = {"approve": lambda _o: approval_services.approve(actor=person, approval=approval),
                 "refuse": lambda _o: approval_services.refuse(actor=person, approval=approval, note="不同意"),
                 "withdraw": lambda _o: approval_services.withdraw(actor=person, approval=approval)}
        self.attempt(calls[decision])

    # --- invariants (one load of the order per step keeps the run quick) ----------------------------------

    @invariant()
    def flow_invariants_hold(self):
        order = WorkOrder.objects.get(pk=self.order_id)
        # the status is one the table can reach; without an accept node nothing stands at 已指派
        assert order.status in flow.reachable_statuses(self.flow)
        if not flow.is_enabled(self.flow, "accept"):
            assert order.status != Status.ASSIGNED
        # 异常工单 is exactly the OR of the flags; a pause only while working; work needs an assignee
        assert order.is_exception == any(getattr(order, flag) for flag in FLAGS)
        assert not order.is_paused or order.status in flow.WORKING_STATUSES
        if order.status in (Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS):
            assert order.assignee_id is not None
        # at most one pending approval, and the flag says whether there is one
        pending = Approval.objects.filter(order_id=self.order_id, state="pending").count()
        assert pending <= 1 and order.awaiting_approval == (pending == 1)
        # finished_at set exactly in the finished statuses, closed_at exactly when closed
        assert (order.finished_at is not None) == (order.status in flow.DONE_STATUSES)
        assert (order.closed_at is not None) == (order.status == Status.CLOSED)
        # one running time span, of the current status and pause state
        open_spans = list(StatusSpan.objects.filter(order_id=self.order_id, ended_at=None)
                          .values_list("status", "paused"))
        assert open_spans == [(order.status, order.is_paused)]


def test_random_action_sequences_keep_the_flow_invariants(world):
    FlowMachine.world = world
    FlowMachine.seen = {"done": 0, "refused": 0, "statuses": set()}
    run_state_machine_as_test(FlowMachine, settings=settings(
        max_examples=40, stateful_step_count=20, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    seen = FlowMachine.seen
    assert seen["done"] > 40 and seen["refused"] > 40
    assert {Status.ASSIGNED, Status.ACCEPTED, Status.FINISHED, Status.CANCELLED} <= seen["statuses"]


@pytest.mark.parametrize("seed_flow", ["accept_off", "start_off"])
def test_every_action_is_reachable_in_some_variant(world, seed_flow):
    """A guard for the machine above: the services do get past the refusals, in both skipped-node flows."""
    order = world.in_progress(seed_flow)
    order = order_actions.complete(actor=world.engineer, order=order, content="ok")
    order = order_actions.close(actor=world.dispatcher, order=order)
    assert order.status == Status.CLOSED
