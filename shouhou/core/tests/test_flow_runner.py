"""The flow engine's action protocol serves a second document kind without a change to it (issue 9, point 1).

A test-only service-desk event (新建 → 分配 → 处理 → 完成, the later issue's kind) is declared here the way
workorders/services/kernel.py declares work orders: its own FlowKind and table, its APPLY, its words, its
event prefix "event", who its creator and assignee are. It borrows the work-order tables for its rows (the
document, spans, approvals, reminders) so no model has to be made for a test; nothing of the work-order
flow, policy or services is used. The work-order kind runs through the same runner in its own tests
(workorders/tests/); here it is only checked that it is declared so.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shouhou.core.errors import Conflict, PermissionDenied, ValidationFailed
from shouhou.core.flow import FlowKind, approvals, deadlines, locking
from shouhou.core.flow.runner import NEXT, FlowRunner, Step
from shouhou.core.models import Activity, OutboxEvent
from shouhou.core.testing import make_team, make_user
from shouhou.workorders import flow as order_flow
from shouhou.workorders.models import Approval, StatusSpan, TimeoutReminder, WorkOrder
from shouhou.workorders.services import kernel as order_kernel
from shouhou.workorders.services import timeouts as order_timeouts
from shouhou.workorders.services import transitions as order_transitions
from shouhou.workorders.tests.conftest import World

# --- the second kind ------------------------------------------------------------------------------------------

EVENT = FlowKind(
    key="event", chain=("create", "assign", "handle", "finish"),
    node_status={"create": "new", "assign": "assigned", "handle": "handling", "finish": "done"},
    locked_nodes=frozenset({"create", "assign", "finish"}), default_enabled={"handle": True},
    approval_nodes=frozenset({"assign", "finish"}), timeout_nodes=frozenset({"assign", "handle", "finish"}),
    approval_rules=("none", "users", "role", "team_leader", "creator"), node_action={"finish": "complete"})
AFTER_CREATE = ("assign", "handle", "finish")
ACTION_NODE = {"assign": "assign", "handle": "handle", "complete": "finish"}
CONFIG = {}  # the stored configuration of the test's event type


class EventNotAllowed(Conflict):
    pass


def event_table(config):
    return EVENT.chain_rows(config, AFTER_CREATE)


def check(action, event, config, *, ignore_approval=False):
    row = event_table(config).get(action)
    if row is None or event.status not in row.sources or (event.awaiting_approval and not ignore_approval):
        raise EventNotAllowed("Not now.")


def next_status(action, event, config):
    check(action, event, config, ignore_approval=True)
    return event_table(config)[action].target


def apply_assign(actor, event, payload, config, now):
    event.assignee_id = payload["assignee_id"]
    return Step("assigned", "Assigned the event", enter=NEXT, fields=["assignee"], assignee_id=payload["assignee_id"])


def apply_handle(actor, event, payload, config, now):
    return Step("handling", "Handling the event", enter=NEXT)


def apply_complete(actor, event, payload, config, now):
    return Step("completed", "Completed the event", enter="done", note=payload.get("note", ""), event="closed")


def clean_note(value, field, *, required=False):
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(details={field: ["Required."]})
    return text


class Clock:
    now = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


RUNNER = FlowRunner(
    kind=EVENT, model=WorkOrder, event_prefix="event",
    lock=lambda actor, event, expected_version=None, *, check_scope=True: locking.lock(
        WorkOrder.objects.select_for_update(of=("self",)), getattr(event, "pk", event), expected_version, "Changed."),
    can_see=lambda actor, event: True, config_of=lambda event: EVENT.normalize(CONFIG), check=check,
    next_status=next_status, action_node=ACTION_NODE,
    waiting_node=lambda status, config: EVENT.waiting_node(status, event_table(config), AFTER_CREATE),
    final_statuses={"done"}, apply={"assign": apply_assign, "handle": apply_handle, "complete": apply_complete},
    span_model=StatusSpan, span_field="order", tracked=("status", "awaiting_approval"),
    describe=lambda name, old, new: (old, new), event_fields=lambda event: {"event_id": event.pk},
    flags=("awaiting_approval", "is_overdue"), clock=lambda: Clock.now,
    approvals=approvals.Approvals(
        model=Approval, document_field="order", creator_of=lambda event: event.created_by_id,
        assignee_of=lambda event, payload: payload.get("assignee_id") or event.assignee_id,
        action_labels={"assign": "Assign", "handle": "Handle", "complete": "Complete"}, clean_note=clean_note,
        waiting="The event is waiting for an approval.", not_allowed=EventNotAllowed))

TIMEOUTS = deadlines.Timeouts(
    runner=RUNNER, reminder_model=TimeoutReminder, reminder_field="order", type_field="order_type",
    rules=lambda: [], rule_of=lambda event: {}, overdue_summary=lambda event: f"Event late at {event.deadline_node}")


# --- the world ------------------------------------------------------------------------------------------------

@pytest.fixture
def world(tenant, owner, monkeypatch):
    monkeypatch.setattr(Clock, "now", Clock.now)
    CONFIG.clear()
    return World(tenant, owner)


def new_event(world, actor=None):
    """A document of the event kind at its first status "new", no clock running."""
    order = world.make_order(actor=actor)
    WorkOrder.objects.filter(pk=order.pk).update(status="new", deadline_node="", deadline_at=None)
    return WorkOrder.objects.get(pk=order.pk)


def perform(actor, event, action, payload=None, expected_version=None):
    event = RUNNER.lock(actor, event, expected_version)
    return RUNNER.perform(actor, event, action, payload or {})


def activities(event):
    return list(Activity.objects.filter(object_id=str(event.pk)).order_by("id").values_list("verb", flat=True))


def events(name):
    return list(OutboxEvent.objects.filter(name=name).values_list("payload", flat=True))


# --- the protocol -------------------------------------------------------------------------------------------

def test_an_action_of_the_second_kind_runs_the_whole_protocol(world):
    CONFIG.update({"handle": {"timeout_hours": 2}})
    event = new_event(world)
    version = event.version
    event = perform(world.dispatcher, event, "assign", {"assignee_id": world.engineer.pk}, expected_version=version)
    event = WorkOrder.objects.get(pk=event.pk)
    assert (event.status, event.assignee_id, event.version) == ("assigned", world.engineer.pk, version + 1)
    assert (event.deadline_node, event.deadline_at) == ("handle", Clock.now + timedelta(hours=2))
    spans = list(StatusSpan.objects.filter(order=event).order_by("id").values_list("status", "ended_at"))
    assert spans[-1] == ("assigned", None) and spans[-2][1] == Clock.now  # the running span closed, the next open
    entry = Activity.objects.filter(object_id=str(event.pk), verb="assigned").get()
    assert entry.summary == "Assigned the event" and entry.actor == world.dispatcher
    assert entry.changes == [{"field": "status", "label": "work-order status", "old": "new", "new": "assigned"}]
    assert events("event.assigned") == [{"event_id": event.pk, "actor_id": world.dispatcher.pk,
                                         "assignee_id": world.engineer.pk}]
    event = perform(world.engineer, event, "handle")
    assert (event.status, event.deadline_node, event.deadline_at) == ("handling", "", None)  # finish has no timeout
    event = perform(world.engineer, event, "complete", {"note": "好了"})
    assert event.status == "done" and activities(event)[-3:] == ["assigned", "handling", "completed"]
    assert len(events("event.closed")) == 1  # an action may name its event apart from its verb


def test_a_switched_off_node_is_skipped_by_the_runner(world):
    CONFIG.update({"handle": {"enabled": False}})
    event = perform(world.dispatcher, new_event(world), "assign", {"assignee_id": world.engineer.pk})
    with pytest.raises(EventNotAllowed):
        perform(world.engineer, event, "handle")
    assert perform(world.engineer, event, "complete").status == "done"


def test_a_refused_action_changes_nothing(world):
    event = new_event(world)
    before = (event.version, activities(event), OutboxEvent.objects.count(), StatusSpan.objects.count())
    with pytest.raises(EventNotAllowed):
        perform(world.engineer, event, "complete")
    with pytest.raises(Conflict):
        perform(world.dispatcher, event, "assign", {"assignee_id": world.engineer.pk},
                expected_version=event.version - 1)
    event.refresh_from_db()
    assert (event.version, activities(event), OutboxEvent.objects.count(), StatusSpan.objects.count()) == before
    assert event.status == "new"


def test_deadlines_count_the_companys_working_hours(world):
    """工单超时仅按工作时间计算 applies to every kind: 4 hours from Friday 17:00 end on Monday at noon."""
    shanghai = ZoneInfo("Asia/Shanghai")
    friday = datetime(2026, 3, 6, 17, 0, tzinfo=shanghai)
    config = EVENT.normalize({"handle": {"timeout_hours": 4}})
    assert deadlines.deadline(EVENT, config, "handle", friday) == ("handle", friday + timedelta(hours=4))
    assert deadlines.deadline(EVENT, config, "create", friday) == ("", None)  # no timeout on that node
    assert deadlines.deadline(EVENT, config, None, friday) == ("", None)
    world.tenant.settings = {**(world.tenant.settings or {}), "working_hours.count_timeouts": True}
    world.tenant.save(update_fields=["settings"])
    assert deadlines.deadline(EVENT, config, "handle", friday) == ("handle", datetime(2026, 3, 9, 12, 0, tzinfo=shanghai))


# --- approvals ------------------------------------------------------------------------------------------------

def test_a_node_with_an_approval_rule_asks_and_approving_applies_as_the_requester(world, django_capture_on_commit_callbacks):
    CONFIG.update({"finish": {"approval": {"rule": "creator"}}})
    event = perform(world.dispatcher, new_event(world, actor=world.owner), "assign", {"assignee_id": world.engineer.pk})
    event = perform(world.engineer, event, "handle")
    event = perform(world.engineer, event, "complete", {"note": "换了"})
    assert (event.status, event.awaiting_approval) == ("handling", True)
    approval = Approval.objects.get(order=event, state="pending")
    assert list(approval.approvers.all()) == [world.owner] and not approval.routed_to_admins  # the kind's creator
    assert (approval.node, approval.action, approval.payload) == ("finish", "complete", {"note": "换了"})
    assert events("event.approval_requested")[0]["approver_ids"] == [world.owner.pk]
    with pytest.raises(EventNotAllowed):  # one open request at a time
        perform(world.engineer, event, "complete")
    assert approvals.decisions(world.engineer, approval) == ["withdraw"]
    with pytest.raises(PermissionDenied):
        approvals.approve(RUNNER, actor=world.engineer, approval=approval)
    assert approvals.decisions(world.owner, approval) == ["approve", "refuse"]
    event = approvals.approve(RUNNER, actor=world.owner, approval=approval, note="可以")
    assert (event.status, event.awaiting_approval) == ("done", False)
    assert activities(event)[-3:] == ["approval_requested", "approval_approved", "completed"]
    completed = Activity.objects.filter(object_id=str(event.pk), verb="completed").get()
    assert completed.actor == world.engineer  # applied as the requester
    assert events("event.approval_decided")[0]["state"] == "approved"
    with pytest.raises(Conflict):
        approvals.refuse(RUNNER, actor=world.owner, approval=approval, note="晚了")


def test_the_requester_never_approves_and_the_administrators_decide_then(world):
    CONFIG.update({"assign": {"approval": {"rule": "creator"}}})
    event = perform(world.dispatcher, new_event(world), "assign", {"assignee_id": world.engineer.pk})
    approval = Approval.objects.get(order=event, state="pending")
    assert world.dispatcher not in approval.approvers.all() and approval.routed_to_admins
    assert world.owner in approval.approvers.all()
    assert "sent to the administrators" in Activity.objects.get(object_id=str(event.pk), verb="approval_requested").note


def test_the_team_leader_rule_reads_the_assignee_the_kind_names(world):
    leader = make_user(world.tenant, roles=("team_admin",), name="组长")
    world.team.leaders.add(leader)
    CONFIG.update({"assign": {"approval": {"rule": "team_leader"}}})
    event = perform(world.dispatcher, new_event(world), "assign", {"assignee_id": world.engineer.pk})
    approval = Approval.objects.get(order=event, state="pending")
    assert list(approval.approvers.all()) == [leader]
    lonely = make_user(world.tenant, roles=("engineer",), teams=[make_team(world.tenant)], name="独行")
    users = approvals.rule_users(RUNNER.approvals, event, {"rule": "team_leader"}, {"assignee_id": lonely.pk})
    assert list(users) == []


def test_refusing_and_withdrawing_leave_the_document_as_it_was(world):
    CONFIG.update({"assign": {"approval": {"rule": "users", "user_ids": []}}})
    CONFIG["assign"]["approval"]["user_ids"] = [world.approver.pk]
    event = perform(world.dispatcher, new_event(world), "assign", {"assignee_id": world.engineer.pk})
    approval = Approval.objects.get(order=event, state="pending")
    with pytest.raises(ValidationFailed):  # the kind's cleaner: a refusal gives its reason
        approvals.refuse(RUNNER, actor=world.approver, approval=approval, note=" ")
    event = approvals.refuse(RUNNER, actor=world.approver, approval=approval, note="不行")
    assert (event.status, event.awaiting_approval, event.assignee_id) == ("new", False, None)
    event = perform(world.dispatcher, event, "assign", {"assignee_id": world.engineer.pk})
    second = Approval.objects.get(order=event, state="pending")
    with pytest.raises(PermissionDenied):
        approvals.withdraw(RUNNER, actor=world.approver, approval=second)
    event = approvals.withdraw(RUNNER, actor=world.dispatcher, approval=second)
    assert (event.status, event.awaiting_approval) == ("new", False)
    assert [a.state for a in Approval.objects.filter(order=event).order_by("id")] == ["refused", "withdrawn"]


def test_no_approver_at_all_is_a_clear_refusal(world):
    CONFIG.update({"assign": {"approval": {"rule": "users", "user_ids": [world.dispatcher.pk]}}})
    event = new_event(world)
    from shouhou.accounts.models import User

    User.objects.filter(roles__system_key__in=approvals.ADMIN_ROLE_KEYS).exclude(pk=world.dispatcher.pk).update(
        is_active=False)
    with pytest.raises(ValidationFailed) as refused:
        perform(world.dispatcher, event, "assign", {"assignee_id": world.engineer.pk})
    assert "approval" in refused.value.details
    assert not Approval.objects.filter(order=event).exists()


# --- timeouts ---------------------------------------------------------------------------------------------------

def test_the_sweep_marks_a_second_kinds_document_overdue_once(world, django_capture_on_commit_callbacks):
    CONFIG.update({"handle": {"timeout_hours": 1}})
    event = perform(world.dispatcher, new_event(world), "assign", {"assignee_id": world.engineer.pk})
    assert TIMEOUTS.process(now=event.deadline_at - timedelta(minutes=1)) == 0
    version = event.version
    late = event.deadline_at + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines.run(late, kinds=[TIMEOUTS]) == 1
    event.refresh_from_db()
    assert event.is_overdue and event.version == version + 1
    entry = Activity.objects.get(object_id=str(event.pk), verb="overdue")
    assert entry.summary == "Event late at handle" and entry.actor is None
    assert [e["kind"] for e in events("event.timeout")] == ["overdue"]
    assert TIMEOUTS.process(now=late + timedelta(minutes=5)) == 0  # once


def test_kinds_register_their_sweep():
    assert order_timeouts.TIMEOUTS in deadlines.registered()  # work orders, from their AppConfig.ready()
    deadlines.register(TIMEOUTS)
    try:
        assert TIMEOUTS in deadlines.registered()
    finally:
        deadlines.unregister(TIMEOUTS)
    assert TIMEOUTS not in deadlines.registered()


def test_reminders_before_and_after_follow_the_rule():
    deadline = timezone.now()
    document = type("Doc", (), {"deadline_at": deadline})()
    before = {"related": ["assignee"], "when": "before", "minutes": 30}
    after = {"related": ["assignee"], "when": "after", "minutes": 30}
    assert deadlines.due_reminders(document, before, deadline - timedelta(minutes=31)) == []
    assert deadlines.due_reminders(document, before, deadline - timedelta(minutes=29)) == ["before"]
    assert deadlines.due_reminders(document, after, deadline + timedelta(minutes=1)) == ["overdue"]
    assert deadlines.due_reminders(document, after, deadline + timedelta(minutes=30)) == ["overdue", "after"]
    assert deadlines.due_reminders(document, {"when": "before", "minutes": 30}, deadline) == ["overdue"]  # nobody


# --- the first kind ---------------------------------------------------------------------------------------------

def test_work_orders_are_declared_as_a_kind_of_the_same_runner():
    runner = order_kernel.RUNNER
    assert isinstance(runner, FlowRunner) and runner.event_prefix == "workorder"
    # the work order's own APPLY, plus the action of each module node whose module registered a performer
    assert order_transitions.APPLY.items() <= runner.apply.items()
    performed = {action for action in runner.apply if action not in order_transitions.APPLY}
    assert performed == {order_flow.ACTION_NODE_INVERSE[node] for node in order_flow.KIND.performers
                         if node in order_flow.ACTION_NODE_INVERSE}
    assert runner.approvals.model is Approval and issubclass(Approval, approvals.FlowApproval)
    assert Approval.State is approvals.FlowApproval.State
