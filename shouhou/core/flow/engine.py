"""FlowKind: one document kind's nodes and the pure reading of its stored flow configuration."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str | None  # None: the status stays


def _hours(value):
    """A positive number of hours, or None (stored flows are validated; this only keeps reads safe)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    return float(value)


@dataclass(eq=False)
class FlowKind:
    """A document kind's flow. `chain`: the main line of nodes in order; `node_status`: the status a node
    sets (None: it sets none); `node_action`: the action that performs a chain node (default: its name);
    `module_nodes`: nodes performed by later modules, off until one registers its performer."""

    key: str
    chain: tuple
    node_status: dict
    side_nodes: tuple = ()  # nodes beside the chain (cancel), configured like the chain's
    locked_nodes: frozenset = frozenset()
    default_enabled: dict = field(default_factory=dict)
    approval_nodes: frozenset = frozenset()
    timeout_nodes: frozenset = frozenset()
    approval_rules: tuple = ("none",)
    node_action: dict = field(default_factory=dict)
    module_nodes: frozenset = frozenset()
    performers: dict = field(default_factory=dict)

    @property
    def nodes(self):
        return (*self.chain, *self.side_nodes)

    # --- nodes brought by modules ---------------------------------------------------------------------

    def register_performer(self, node, performer):
        """Make `node` available: `performer` (the module's service that carries the node out) exists."""
        if node not in self.module_nodes:
            raise ValueError(f"{node!r} is performed by the {self.key} module itself")
        self.performers[node] = performer

    def unregister_performer(self, node):
        self.performers.pop(node, None)

    def is_available(self, node):
        """True when something performs the node (the kind's own module, or a module that registered)."""
        return node not in self.module_nodes or node in self.performers

    # --- reading a stored configuration -----------------------------------------------------------------

    def node_defaults(self, node):
        return {"enabled": node in self.locked_nodes or self.default_enabled.get(node, False), "timeout_hours": None,
                "approval": {"rule": "none", "user_ids": [], "role_id": None}}

    def default_flow(self):
        return {node: self.node_defaults(node) for node in self.nodes}

    def normalize(self, config):
        """A complete configuration: every node present, locked nodes on, missing values at their defaults."""
        config = config if isinstance(config, dict) else {}
        result = {}
        for node in self.nodes:
            raw = config.get(node) if isinstance(config.get(node), dict) else {}
            node_config = self.node_defaults(node)
            if isinstance(raw.get("enabled"), bool) and node not in self.locked_nodes:
                node_config["enabled"] = raw["enabled"] and self.is_available(node)
            if node in self.timeout_nodes:
                node_config["timeout_hours"] = _hours(raw.get("timeout_hours"))
            approval = raw.get("approval") if isinstance(raw.get("approval"), dict) else {}
            if node in self.approval_nodes and approval.get("rule") in self.approval_rules:
                node_config["approval"] = {"rule": approval["rule"], "user_ids": list(approval.get("user_ids") or []),
                                           "role_id": approval.get("role_id")}
            result[node] = node_config
        return result

    def is_enabled(self, config, node):
        if node in self.locked_nodes:
            return True
        return self.is_available(node) and bool(
            (config or {}).get(node, {}).get("enabled", self.default_enabled.get(node)))

    def approval_rule(self, config, node):
        """The node's approval config, or None when the node needs no approval."""
        if node not in self.approval_nodes:
            return None
        approval = ((config or {}).get(node) or {}).get("approval") or {}
        return approval if approval.get("rule", "none") != "none" else None

    def timeout_hours(self, config, node):
        return _hours(((config or {}).get(node) or {}).get("timeout_hours")) if node in self.timeout_nodes else None

    # --- the chain's part of the table ----------------------------------------------------------------------

    def action_of(self, node):
        return self.node_action.get(node, node)

    def enabled_steps(self, config, status_of=None):
        """[(node, status)] of the enabled chain nodes that set a status, in order (the progress bar).
        `status_of(node, config)` lets the kind say what a node sets under this configuration."""
        status_of = status_of or (lambda node, _config: self.node_status[node])
        return [(node, status_of(node, config)) for node in self.chain
                if self.is_enabled(config, node) and self.node_status[node] is not None]

    def previous_statuses(self, config, status_of=None):
        """{node: the status of the enabled status-setting node before it in the chain} (None for the first)."""
        previous, status = {}, None
        for step, step_status in self.enabled_steps(config, status_of):
            previous[step] = status
            status = step_status
        return previous

    def chain_rows(self, config, nodes, status_of=None):
        """{action: Transition} for the enabled `nodes` of the chain: from the previous enabled node's
        status to the node's own."""
        previous = self.previous_statuses(config, status_of)
        return {self.action_of(node): Transition(frozenset({previous.get(node)}), self.node_status[node])
                for node in nodes if self.is_enabled(config, node)}

    def waiting_node(self, status, rows, nodes):
        """The first of `nodes` whose action the table allows from `status` (whose timeout applies), or None."""
        for node in nodes:
            action = self.action_of(node)
            if action in rows and status in rows[action].sources:
                return node
        return None
