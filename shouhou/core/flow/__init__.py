"""The flow engine (issue 9, point 1): states, a transition table built from a per-kind configuration,
per-node approvals and timeouts, versioned locking. Work orders are its first document kind
(workorders/flow.py); service-desk events will be the second, with the same flow editor.

A document kind is a `FlowKind`: its chain of nodes (新建 → 分配 → 处理 → 完成 …), the status each node
sets, which nodes are always on, on by default, may ask for approval or have a timeout, and the
actions that perform them. A stored flow configuration (the type's `flow` JSON: per node
{"enabled", "timeout_hours", "approval"}) is read against the kind: `kind.normalize(config)`,
`kind.is_enabled`, `kind.approval_rule`, `kind.timeout_hours`, and `kind.chain_rows(config)` gives the
table rows of the main chain (an action of node N is allowed when N is on and the document stands at
the status of the previous enabled node). The kind adds its own rows beside the chain (reject,
transfer, pause … for work orders).

Nodes brought by later modules (the pool, settlement, return visits, closing) plug in with
`kind.register_performer(node, performer)` from their AppConfig.ready(): until then such a node reads
as off everywhere, so no document can stop at a status nothing moves it on from.

The kind's table and reading are pure. The action protocol is the engine's too: `runner.FlowRunner` (a
kind's declaration; lock → check → approval or APPLY → status, span, deadline → save → timeline + outbox),
`approvals` (who approves, asking, deciding; the abstract `FlowApproval` each kind's table subclasses),
`deadlines` (node clocks on working hours, the registered timeout sweeps), `locking` and `writes`. They are
imported by their module name (`from shouhou.core.flow import runner`): `approvals` defines a model.
"""

from .engine import FlowKind, Transition

__all__ = ["FlowKind", "Transition"]
