"""The transition table itself (flow.py): pure functions, no database."""

from types import SimpleNamespace

import pytest

from shouhou.core.errors import ValidationFailed
from shouhou.workorders import flow
from shouhou.workorders.models import Status


def order(status, *, paused=False, approval=False):
    return SimpleNamespace(status=status, is_paused=paused, awaiting_approval=approval)


def with_nodes(**enabled):
    config = flow.default_flow()
    for node, on in enabled.items():
        config[node]["enabled"] = on
    return config


def walk(config, actions):
    """Statuses an order passes through when `actions` are applied in turn."""
    current = order(Status.PENDING)
    seen = []
    for action in actions:
        current = order(flow.next_status(action, current, config))
        seen.append(current.status)
    return seen


def test_default_flow_has_every_node_with_locked_ones_on():
    config = flow.default_flow()
    assert set(config) == set(flow.NODES)
    assert all(config[node]["enabled"] for node in flow.LOCKED_NODES)
    assert config["accept"]["enabled"] and config["start"]["enabled"]
    assert not any(config[node]["enabled"] for node in ("auto_visit", "settle", "visit"))
    assert all(config[node]["approval"]["rule"] == "none" for node in flow.NODES)


def test_all_nodes_on_walk_the_whole_chain():
    assert walk(with_nodes(), ["assign", "accept", "start", "complete", "close"]) == [
        Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS, Status.FINISHED, Status.CLOSED]


def test_without_accept_assigning_makes_the_order_accepted():
    config = with_nodes(accept=False)
    assert walk(config, ["assign", "start", "complete", "close"]) == [
        Status.ACCEPTED, Status.IN_PROGRESS, Status.FINISHED, Status.CLOSED]
    assert "accept" not in flow.table(config)


def test_without_start_completion_follows_acceptance():
    config = with_nodes(start=False)
    assert walk(config, ["assign", "accept", "complete"]) == [Status.ASSIGNED, Status.ACCEPTED, Status.FINISHED]
    with pytest.raises(flow.NotAllowed):
        flow.check("start", order(Status.ACCEPTED), config)


def test_settle_and_visit_plug_into_the_chain_when_enabled(module_nodes):
    config = with_nodes(settle=True, visit=True)
    assert walk(config, ["assign", "accept", "start", "complete", "settle", "visit", "close"])[-3:] == [
        Status.SETTLED, Status.VISITED, Status.CLOSED]
    with pytest.raises(flow.NotAllowed):
        flow.check("close", order(Status.FINISHED), config)
    only_visit = with_nodes(visit=True)
    assert flow.table(only_visit)["visit"].sources == {Status.FINISHED}
    assert flow.table(only_visit)["close"].sources == {Status.VISITED}


def test_a_disabled_node_action_is_refused_with_a_reason():
    message = flow.refusal("accept", order(Status.ASSIGNED), with_nodes(accept=False))
    assert message is not None and str(flow.NODE_LABELS["accept"]) in message


@pytest.mark.parametrize("status", [Status.PENDING, Status.POOLED])
def test_assign_from_pending_or_pool(status):
    assert flow.next_status("assign", order(status), with_nodes()) == Status.ASSIGNED


def test_assign_is_refused_once_assigned():
    with pytest.raises(flow.NotAllowed) as info:
        flow.check("assign", order(Status.ASSIGNED), with_nodes())
    assert info.value.status == 409 and info.value.code == "conflict"


def test_cancel_only_before_completion():
    config = with_nodes()
    for status in flow.OPEN_STATUSES:
        assert flow.next_status("cancel", order(status), config) == Status.CANCELLED
    for status in (*flow.DONE_STATUSES, Status.CANCELLED):
        with pytest.raises(flow.NotAllowed):
            flow.check("cancel", order(status), config)


def test_reject_transfer_and_their_targets():
    config = with_nodes()
    assert flow.next_status("reject", order(Status.ASSIGNED), config) == Status.PENDING
    with pytest.raises(flow.NotAllowed):
        flow.check("reject", order(Status.ACCEPTED), config)
    for status in (Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS):
        assert flow.next_status("transfer", order(status), config) == Status.ASSIGNED
        assert flow.next_status("transfer", order(status), config, keep_status_on_transfer=True) == status
    # with no accept node the new assignee cannot "accept again": the order stays accepted
    assert flow.next_status("transfer", order(Status.IN_PROGRESS), with_nodes(accept=False)) == Status.ACCEPTED


def test_pause_and_resume_rules():
    config = with_nodes()
    assert flow.next_status("pause", order(Status.IN_PROGRESS), config) == Status.IN_PROGRESS
    with pytest.raises(flow.NotAllowed):
        flow.check("pause", order(Status.ASSIGNED), config)
    with pytest.raises(flow.NotAllowed):
        flow.check("pause", order(Status.IN_PROGRESS, paused=True), config)
    with pytest.raises(flow.NotAllowed):
        flow.check("resume", order(Status.IN_PROGRESS), config)
    paused = order(Status.IN_PROGRESS, paused=True)
    assert flow.allowed_actions(paused, config) == ["cancel", "transfer", "resume"]
    with pytest.raises(flow.NotAllowed):
        flow.check("complete", paused, config)


def test_reopen_goes_back_to_work():
    assert flow.next_status("reopen", order(Status.CLOSED), with_nodes()) == Status.IN_PROGRESS
    assert flow.next_status("reopen", order(Status.FINISHED), with_nodes(start=False)) == Status.ACCEPTED
    with pytest.raises(flow.NotAllowed):
        flow.check("reopen", order(Status.CANCELLED), with_nodes())


def test_waiting_for_an_approval_blocks_every_action():
    waiting = order(Status.PENDING, approval=True)
    assert flow.allowed_actions(waiting, with_nodes()) == []
    flow.check("assign", waiting, with_nodes(), ignore_approval=True)  # what `approve` re-checks


def test_allowed_actions_of_a_new_order():
    # the table allows publishing to the pool; whether the company's pool is on (P1) is the policy's question
    assert flow.allowed_actions(order(Status.PENDING), with_nodes()) == ["assign", "cancel", "publish"]


def test_waiting_node_names_the_next_enabled_step():
    config = with_nodes()
    assert [flow.waiting_node(s, config) for s in (Status.PENDING, Status.ASSIGNED, Status.ACCEPTED,
                                                   Status.IN_PROGRESS, Status.FINISHED, Status.CLOSED)] == [
        "assign", "accept", "start", "finish", "close", None]
    assert flow.waiting_node(Status.ACCEPTED, with_nodes(start=False)) == "finish"
    assert flow.waiting_node(Status.CANCELLED, config) is None


def test_enabled_steps_feed_the_progress_bar():
    assert flow.enabled_steps(with_nodes(accept=False)) == [
        ("create", Status.PENDING), ("assign", Status.ACCEPTED), ("start", Status.IN_PROGRESS),
        ("finish", Status.FINISHED), ("close", Status.CLOSED)]


def test_validate_normalizes_a_good_flow():
    config = flow.validate({"accept": {"enabled": False, "timeout_hours": 2},
                            "finish": {"approval": {"rule": "role", "role_id": 3}}})
    assert config["accept"] == {"enabled": False, "timeout_hours": 2.0,
                                "approval": {"rule": "none", "user_ids": [], "role_id": None}}
    assert config["finish"]["approval"]["rule"] == "role"
    assert set(config) == set(flow.NODES)


@pytest.mark.parametrize("raw, key", [
    ({"teleport": {}}, "flow.teleport"),
    ({"assign": {"enabled": False}}, "flow.assign.enabled"),
    ({"accept": {"enabled": "yes"}}, "flow.accept.enabled"),
    ({"accept": {"timeout_hours": -1}}, "flow.accept.timeout_hours"),
    ({"accept": {"timeout_hours": "soon"}}, "flow.accept.timeout_hours"),
    ({"cancel": {"timeout_hours": 3}}, "flow.cancel.timeout_hours"),
    ({"start": {"approval": {"rule": "boss"}}}, "flow.start.approval"),
    ({"start": {"approval": {"rule": "users", "user_ids": []}}}, "flow.start.approval"),
    ({"start": {"approval": {"rule": "role"}}}, "flow.start.approval"),
    ({"create": {"approval": {"rule": "creator"}}}, "flow.create.approval"),
    ({"start": {"colour": "red"}}, "flow.start.colour"),
])
def test_validate_refuses_bad_input_per_field(raw, key):
    with pytest.raises(ValidationFailed) as info:
        flow.validate(raw)
    assert key in info.value.details


def test_validate_refuses_a_non_object():
    with pytest.raises(ValidationFailed):
        flow.validate(["assign"])


def test_timeout_reminder_rule():
    assert flow.validate_timeout_reminder(None) == {}
    assert flow.validate_timeout_reminder({"related": ["assignee", "assignee"], "user_ids": [4], "when": "after",
                                           "minutes": 15}) == {
        "related": ["assignee"], "user_ids": [4], "when": "after", "minutes": 15}
    with pytest.raises(ValidationFailed) as info:
        flow.validate_timeout_reminder({"related": ["boss"], "when": "later", "minutes": -5})
    assert {"timeout_reminder.related", "timeout_reminder.when", "timeout_reminder.minutes"} <= set(info.value.details)


def test_reachable_statuses_follow_the_flow():
    assert Status.SETTLED not in flow.reachable_statuses(with_nodes())
    assert Status.ASSIGNED not in flow.reachable_statuses(with_nodes(accept=False))


def test_with_their_modules_settle_waits_and_is_reachable(module_nodes):
    assert flow.waiting_node(Status.FINISHED, with_nodes(settle=True)) == "settle"
    assert Status.SETTLED in flow.reachable_statuses(with_nodes(settle=True))


@pytest.fixture
def nothing_performs(monkeypatch):
    """As before any module registered a performer (the visits module performs 回访 and 自动回访)."""
    monkeypatch.setattr(flow.KIND, "performers", {})


@pytest.mark.parametrize("node", sorted(flow.MODULE_NODES))
def test_a_node_nothing_performs_reads_as_off(node, nothing_performs):
    """Stored or hand-made flows with 结算/回访/自动回访 on: orders still close after completion."""
    config = with_nodes(**{node: True})
    assert not flow.is_enabled(config, node) and not flow.normalize(config)[node]["enabled"]
    assert flow.table(config)["close"].sources == {Status.FINISHED}
    assert walk(config, ["assign", "accept", "start", "complete", "close"])[-1] == Status.CLOSED
    assert node not in [step for step, _status in flow.enabled_steps(config)]


@pytest.mark.parametrize("node", sorted(flow.MODULE_NODES))
def test_validate_refuses_to_enable_a_node_nothing_performs(node, nothing_performs):
    with pytest.raises(ValidationFailed) as info:
        flow.validate({node: {"enabled": True}})
    assert "not installed" in info.value.details[f"flow.{node}.enabled"][0]
    assert not flow.validate({node: {"enabled": False}})[node]["enabled"]


def test_a_module_switches_its_node_on_by_registering_a_performer(monkeypatch):
    monkeypatch.setattr(flow.KIND, "performers", {})
    assert not flow.is_available("settle")
    flow.register_performer("settle", lambda **kwargs: None)
    assert flow.is_available("settle") and not flow.is_available("visit")
    assert flow.validate({"settle": {"enabled": True}})["settle"]["enabled"]
    with pytest.raises(ValueError):
        flow.register_performer("close", lambda **kwargs: None)  # the work-order module's own node
