"""The work-order flow (architecture §8): ONE transition table, built from a type's flow configuration.

A type's `flow` JSON holds, per node, {"enabled", "timeout_hours", "approval": {"rule", "user_ids",
"role_id"}}. The main chain runs create → assign → accept → start → finish → auto_visit → settle →
visit → close; cancel stands beside it. An action of node N is allowed when N is enabled and the order
stands at the status of the previous enabled node; a disabled node is skipped (no accept node:
assigning makes the order 已接受). Reject, transfer, pause/resume, cancel, reopen and pool claim are
rows of the same table.

Work orders are the first kind of the flow engine (core/flow): KIND holds the nodes, and reading a
type's stored flow (normalize, is_enabled, approval_rule, timeout_hours, the chain's rows) is the
engine's; the rows beside the chain (reject, transfer, pause/resume, reopen, claim) are the work
order's own, here.

Everything here is pure: functions take the order (anything with `status`, `is_paused` and
`awaiting_approval`) and the flow dict, and touch no database. Services lock, check, then apply.
"""

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from shouhou.core.errors import Conflict, ValidationFailed
from shouhou.core.flow import FlowKind, Transition

from .models import Status

# --- nodes ----------------------------------------------------------------------------------------

CHAIN = ("create", "assign", "accept", "start", "finish", "auto_visit", "settle", "visit", "close")
NODES = (*CHAIN, "cancel")
NODE_LABELS = {
    "create": _("Create"), "assign": _("Assign"), "accept": _("Accept"), "start": _("Start"),
    "pool": _("Work-order pool"), "finish": _("Complete"), "auto_visit": _("Automatic return visit"), "settle": _("Settle"),
    "visit": _("Return visit"), "close": _("Close"), "cancel": _("Cancel"),
}
NODE_STATUS = {
    "create": Status.PENDING, "assign": Status.ASSIGNED, "accept": Status.ACCEPTED,
    "start": Status.IN_PROGRESS, "finish": Status.FINISHED, "auto_visit": None, "settle": Status.SETTLED,
    "visit": Status.VISITED, "close": Status.CLOSED, "cancel": Status.CANCELLED,
}
LOCKED_NODES = frozenset({"create", "assign", "finish", "close", "cancel"})  # always enabled
DEFAULT_ENABLED = {"accept": True, "start": True, "auto_visit": False, "settle": False, "visit": False}
APPROVAL_NODES = frozenset({"assign", "accept", "start", "finish", "settle", "visit", "close", "cancel"})
TIMEOUT_NODES = frozenset({"assign", "accept", "start", "finish", "auto_visit", "settle", "visit", "close"})
APPROVAL_RULES = ("none", "users", "role", "team_leader", "creator")
APPROVAL_RULE_LABELS = {
    "none": _("No approval"), "users": _("Named users"), "role": _("Members of a role"),
    "team_leader": _("The assignee's team leader"), "creator": _("The creator"),
}
MAX_TIMEOUT_HOURS = 24 * 365

# --- who performs a node ----------------------------------------------------------------------------
# The work-order module performs the chain's own nodes. 自动回访, 结算 and 回访 are performed by modules that
# come later (return visits, settlement): such a module registers its performer in its AppConfig.ready(), and
# only then can a type switch the node on. Until then the node reads as off everywhere (the table, the steps,
# timeouts), so no order can stop at a status nothing moves it on from, and the editor refuses to enable it.
# A node with an action (结算 settle, 回访 visit) is performed by the runner like any other action, the
# performer being its APPLY function (kernel._apply_table); 自动回访 has no action (it sets no status): its
# module acts on the workorder.finished event.
MODULE_NODES = frozenset({"auto_visit", "settle", "visit"})

KIND = FlowKind(
    key="workorder", chain=CHAIN, side_nodes=("cancel",), node_status=NODE_STATUS, locked_nodes=LOCKED_NODES,
    default_enabled=DEFAULT_ENABLED, approval_nodes=APPROVAL_NODES, timeout_nodes=TIMEOUT_NODES,
    approval_rules=APPROVAL_RULES, node_action={"finish": "complete"}, module_nodes=MODULE_NODES)


def register_performer(node, performer):
    """Make `node` available: `performer` (the module's service that carries the node out) exists."""
    KIND.register_performer(node, performer)


def unregister_performer(node):
    KIND.unregister_performer(node)


def is_available(node):
    """True when something performs the node (the work-order module, or a module that registered)."""
    return KIND.is_available(node)

# --- statuses -------------------------------------------------------------------------------------

OPEN_STATUSES = frozenset({Status.PENDING, Status.POOLED, Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS})
DONE_STATUSES = frozenset({Status.FINISHED, Status.SETTLED, Status.VISITED, Status.CLOSED})
WORKING_STATUSES = frozenset({Status.ACCEPTED, Status.IN_PROGRESS})  # where pause/resume apply
FINAL_STATUSES = frozenset({Status.CLOSED, Status.CANCELLED})

# --- actions --------------------------------------------------------------------------------------

# the node whose enable switch, approval rule and timeout an action belongs to
ACTION_NODE = {
    "assign": "assign", "accept": "accept", "start": "start", "complete": "finish", "settle": "settle",
    "visit": "visit", "close": "close", "cancel": "cancel",
}
ACTION_NODE_INVERSE = {node: action for action, node in ACTION_NODE.items()}  # the action performing a node
EXTRA_ACTIONS = ("reject", "transfer", "pause", "resume", "reopen", "publish", "claim")
ACTIONS = (*ACTION_NODE, *EXTRA_ACTIONS)
ACTION_LABELS = {
    "assign": _("Assign"), "accept": _("Accept"), "reject": _("Reject"), "transfer": _("Transfer"),
    "start": _("Start"), "pause": _("Pause"), "resume": _("Resume"), "complete": _("Complete"),
    "settle": _("Settle"), "visit": _("Return visit"), "close": _("Close"), "cancel": _("Cancel"),
    "reopen": _("Reopen"), "publish": _("Publish to the pool"), "claim": pgettext_lazy("work-order pool", "Claim"),
}


def action_label(action, order=None):
    """The words of an action's button: 发布到工单池 of an order that has an assignee is handing it back to
    the pool (退回工单池, WOSET-P6)."""
    if action == "publish" and order is not None and order.assignee_id:
        return gettext("Hand back to the pool")
    return ACTION_LABELS[action]


# while paused only these may happen (a paused order must be resumed before work goes on)
ALLOWED_WHILE_PAUSED = frozenset({"resume", "cancel", "transfer"})


class NotAllowed(Conflict):
    """The action is not possible in the order's current state (HTTP 409)."""


WAITING_FOR_APPROVAL = _("The work order is waiting for an approval.")


# --- reading a flow -------------------------------------------------------------------------------

def default_flow():
    """The flow a new type starts with: the locked nodes plus accept and start on."""
    return KIND.default_flow()


def normalize(flow):
    """A complete flow: every node present, locked nodes on, missing values at their defaults."""
    return KIND.normalize(flow)


def is_enabled(flow, node):
    return KIND.is_enabled(flow, node)


def approval_rule(flow, node):
    """The node's approval config, or None when the node needs no approval."""
    return KIND.approval_rule(flow, node)


def timeout_hours(flow, node):
    return KIND.timeout_hours(flow, node)


def node_status(node, flow):
    """The status a node's action sets. Assign sets 已接受 when the accept node is off."""
    if node == "assign" and not is_enabled(flow, "accept"):
        return Status.ACCEPTED
    return NODE_STATUS[node]


def enabled_steps(flow):
    """[(node, status)] of the enabled chain nodes that set a status, in order (the progress bar)."""
    return KIND.enabled_steps(flow, node_status)


# --- the table --------------------------------------------------------------------------------------

# the chain nodes after assign, whose rows run from the previous enabled node's status to their own
WAITING_NODES = ("accept", "start", "finish", "settle", "visit", "close")


def table(flow, *, keep_status_on_transfer=False):
    """{action: Transition} for this flow: the one transition table."""
    rows = {"assign": Transition(frozenset({Status.PENDING, Status.POOLED}), node_status("assign", flow))}
    rows.update(KIND.chain_rows(flow, WAITING_NODES, node_status))
    rows["cancel"] = Transition(OPEN_STATUSES, Status.CANCELLED)
    rows["reject"] = Transition(frozenset({Status.ASSIGNED}), Status.PENDING)
    rows["transfer"] = Transition(frozenset({Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS}),
                                  None if keep_status_on_transfer else node_status("assign", flow))
    rows["pause"] = Transition(WORKING_STATUSES, None)
    rows["resume"] = Transition(WORKING_STATUSES, None)
    rows["reopen"] = Transition(DONE_STATUSES,
                                Status.IN_PROGRESS if is_enabled(flow, "start") else Status.ACCEPTED)
    # 发布到工单池: a new order by a dispatcher, or an assigned one handed back (WOSET-P6; policy says who)
    rows["publish"] = Transition(frozenset({Status.PENDING, Status.ASSIGNED, Status.ACCEPTED}), Status.POOLED)
    rows["claim"] = Transition(frozenset({Status.POOLED}), Status.ACCEPTED)
    return rows


def refusal(action, order, flow, *, ignore_approval=False, rows=None):
    """Why `action` is not allowed now (a translated message), or None when it is. `rows`: the flow's
    table when the caller has built it already."""
    row = (rows or table(flow)).get(action)
    if row is None:
        if action in ACTION_NODE:
            return gettext("The step “%(node)s” is turned off for this work-order type.") % {
                "node": NODE_LABELS[ACTION_NODE[action]]}
        return gettext("Unknown action.")
    if order.awaiting_approval and not ignore_approval:
        return str(WAITING_FOR_APPROVAL)
    if order.status not in row.sources:
        return gettext("The work order is now “%(status)s”; “%(action)s” is not possible.") % {
            "status": Status(order.status).label, "action": ACTION_LABELS[action]}
    if order.is_paused and action not in ALLOWED_WHILE_PAUSED:
        return gettext("The work order is paused; resume it first.")
    if action == "pause" and order.is_paused:
        return gettext("The work order is already paused.")
    if action == "resume" and not order.is_paused:
        return gettext("The work order is not paused.")
    return None


def check(action, order, flow, *, ignore_approval=False):
    """Raise NotAllowed (409) unless `action` is allowed for the order now."""
    message = refusal(action, order, flow, ignore_approval=ignore_approval)
    if message is not None:
        raise NotAllowed(message, details={"action": action, "status": order.status})


def allowed_actions(order, flow):
    """Actions the table allows now, in table order (permissions and settings not applied)."""
    rows = table(flow)
    return [action for action in ACTIONS if refusal(action, order, flow, rows=rows) is None]


def next_status(action, order, flow, *, keep_status_on_transfer=False):
    """The status after `action` (checked first)."""
    check(action, order, flow, ignore_approval=True)
    target = table(flow, keep_status_on_transfer=keep_status_on_transfer)[action].target
    return order.status if target is None else target


def waiting_node(status, flow):
    """The node an order at `status` waits for (whose timeout applies), or None when nothing follows."""
    if status in (Status.PENDING, Status.POOLED):
        return "assign"
    return KIND.waiting_node(status, table(flow), WAITING_NODES)


def is_finished_status(status):
    return status in DONE_STATUSES


def reachable_statuses(flow):
    """Every status an order of this flow can stand at (for checks and the status filter)."""
    statuses = {Status.PENDING, Status.CANCELLED}
    for transition in table(flow).values():
        if transition.target is not None:
            statuses.add(transition.target)
    statuses |= {Status.POOLED}
    return statuses


# --- validating a flow from the type editor ------------------------------------------------------------

def validate(raw):
    """The normalized flow for a type editor's input, or ValidationFailed with per-node errors.

    Users and roles named by approval rules are checked against the company by the service.
    """
    errors = {}
    if not isinstance(raw, dict):
        raise ValidationFailed(details={"flow": [gettext("Send the flow as an object of nodes.")]})
    for node in sorted(set(raw) - set(NODES)):
        errors[f"flow.{node}"] = [gettext("Unknown step.")]
    for node in NODES:
        config = raw.get(node)
        if config is None:
            continue
        if not isinstance(config, dict):
            errors[f"flow.{node}"] = [gettext("Each step must be an object.")]
            continue
        _validate_node(node, config, errors)
    if errors:
        raise ValidationFailed(details=errors)
    return normalize(raw)


def _validate_node(node, config, errors):
    def add(prop, message):
        errors.setdefault(f"flow.{node}.{prop}", []).append(message)

    for prop in sorted(set(config) - {"enabled", "timeout_hours", "approval"}):
        add(prop, gettext("Unknown property."))
    enabled = config.get("enabled", True)
    if not isinstance(enabled, bool):
        add("enabled", gettext("Enter true or false."))
    elif node in LOCKED_NODES and not enabled:
        add("enabled", gettext("This step is always on."))
    elif config.get("enabled") is True and not is_available(node):
        add("enabled", gettext("This step comes with a module that is not installed yet; it cannot be turned on."))
    _validate_timeout(node, config.get("timeout_hours"), add)
    _validate_approval(node, config.get("approval"), add)


def _validate_timeout(node, hours, add):
    if hours in (None, ""):
        return
    if node not in TIMEOUT_NODES:
        add("timeout_hours", gettext("This step has no timeout."))
    elif isinstance(hours, bool) or not isinstance(hours, (int, float)):
        add("timeout_hours", gettext("Enter a number of hours."))
    elif not 0 < hours <= MAX_TIMEOUT_HOURS:
        add("timeout_hours", gettext("Enter more than 0 and at most %(limit)d hours.") % {"limit": MAX_TIMEOUT_HOURS})


def _validate_approval(node, approval, add):
    if approval in (None, {}):
        return
    if not isinstance(approval, dict):
        add("approval", gettext("The approval setting must be an object."))
        return
    rule = approval.get("rule", "none")
    if rule not in APPROVAL_RULES:
        add("approval", gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(APPROVAL_RULES)})
        return
    if rule != "none" and node not in APPROVAL_NODES:
        add("approval", gettext("This step cannot require approval."))
    user_ids = approval.get("user_ids") or []
    if not isinstance(user_ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in user_ids):
        add("approval", gettext("Approvers must be a list of user ids."))
    elif rule == "users" and not user_ids:
        add("approval", gettext("Choose at least one approver."))
    role_id = approval.get("role_id")
    if role_id is not None and (isinstance(role_id, bool) or not isinstance(role_id, int)):
        add("approval", gettext("The role must be a role id."))
    elif rule == "role" and role_id is None:
        add("approval", gettext("Choose the approving role."))


# --- the timeout reminder rule (WOSET-F2) ---------------------------------------------------------------

REMINDER_RELATED = ("assignee", "collaborators", "creator")
REMINDER_WHEN = ("before", "after")
MAX_REMINDER_MINUTES = 60 * 24 * 30


def default_timeout_reminder():
    return {"related": ["assignee"], "user_ids": [], "when": "before", "minutes": 30}


def validate_timeout_reminder(raw):
    """The normalized WOSET-F2 rule or ValidationFailed; {} (or None) turns reminders off."""
    if raw in (None, {}):
        return {}
    if not isinstance(raw, dict):
        raise ValidationFailed(details={"timeout_reminder": [gettext("The reminder rule must be an object.")]})
    errors = {}
    related = raw.get("related", [])
    if not isinstance(related, list) or any(item not in REMINDER_RELATED for item in related):
        errors["timeout_reminder.related"] = [
            gettext("Choose from: %(choices)s.") % {"choices": ", ".join(REMINDER_RELATED)}]
    user_ids = raw.get("user_ids", [])
    if not isinstance(user_ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in user_ids):
        errors["timeout_reminder.user_ids"] = [gettext("Enter a list of user ids.")]
    when = raw.get("when", "before")
    if when not in REMINDER_WHEN:
        errors["timeout_reminder.when"] = [gettext("Choose “before” or “after”.")]
    minutes = raw.get("minutes", 0)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= MAX_REMINDER_MINUTES:
        errors["timeout_reminder.minutes"] = [
            gettext("Enter whole minutes from 0 to %(limit)d.") % {"limit": MAX_REMINDER_MINUTES}]
    unknown = sorted(set(raw) - {"related", "user_ids", "when", "minutes"})
    for key in unknown:
        errors[f"timeout_reminder.{key}"] = [gettext("Unknown property.")]
    if errors:
        raise ValidationFailed(details=errors)
    return {"related": list(dict.fromkeys(related)), "user_ids": list(dict.fromkeys(user_ids)), "when": when,
            "minutes": minutes}
