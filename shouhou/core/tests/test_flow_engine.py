"""The flow engine serves a second document kind without a change to it: a test-only service-desk event
(新建 → 分配 → 处理 → 完成, the later issue's kind) configured the way a work-order type is."""

import pytest

from shouhou.core.flow import FlowKind, Transition

EVENT = FlowKind(
    key="event", chain=("create", "assign", "handle", "finish", "review"),
    node_status={"create": "new", "assign": "assigned", "handle": "handling", "finish": "done", "review": "reviewed"},
    locked_nodes=frozenset({"create", "assign", "finish"}), default_enabled={"handle": True},
    approval_nodes=frozenset({"finish"}), timeout_nodes=frozenset({"assign", "handle", "finish"}),
    approval_rules=("none", "users"), node_action={"finish": "complete"}, module_nodes=frozenset({"review"}))
AFTER_CREATE = ("assign", "handle", "finish", "review")


def event_table(config):
    """The kind's table: the chain's rows from the engine, plus one row of its own beside the chain."""
    rows = EVENT.chain_rows(config, AFTER_CREATE)
    rows["reopen"] = Transition(frozenset({"done"}), "handling")
    return rows


def test_a_second_kind_builds_its_table_from_its_config():
    config = EVENT.normalize({"handle": {"enabled": True, "timeout_hours": 2}})
    rows = event_table(config)
    assert rows["assign"] == Transition(frozenset({"new"}), "assigned")
    assert rows["handle"] == Transition(frozenset({"assigned"}), "handling")
    assert rows["complete"] == Transition(frozenset({"handling"}), "done")
    assert "review" not in rows  # a module node stays off until its module registers
    assert EVENT.enabled_steps(config) == [("create", "new"), ("assign", "assigned"), ("handle", "handling"),
                                           ("finish", "done")]
    assert EVENT.waiting_node("assigned", rows, AFTER_CREATE) == "handle"
    assert EVENT.timeout_hours(config, "handle") == 2.0


def test_a_switched_off_node_is_skipped():
    config = EVENT.normalize({"handle": {"enabled": False}, "assign": {"enabled": False}})
    assert config["assign"]["enabled"] is True  # locked nodes stay on
    rows = event_table(config)
    assert "handle" not in rows and rows["complete"].sources == frozenset({"assigned"})


def test_approvals_are_per_node_and_only_where_the_kind_allows():
    config = EVENT.normalize({"finish": {"approval": {"rule": "users", "user_ids": [7]}},
                              "handle": {"approval": {"rule": "users", "user_ids": [7]}}})
    assert EVENT.approval_rule(config, "finish") == {"rule": "users", "user_ids": [7], "role_id": None}
    assert EVENT.approval_rule(config, "handle") is None


def test_a_module_node_plugs_in_by_registering_its_performer(monkeypatch):
    monkeypatch.setattr(EVENT, "performers", {})
    assert not EVENT.normalize({"review": {"enabled": True}})["review"]["enabled"]
    EVENT.register_performer("review", object())
    config = EVENT.normalize({"review": {"enabled": True}})
    assert event_table(config)["review"] == Transition(frozenset({"done"}), "reviewed")
    with pytest.raises(ValueError):
        EVENT.register_performer("handle", object())
