"""May this actor do X to this work order now? The ONE place the rule lives (issue 9, point 3).

Two questions make the answer: the actor's part (a permission, being the assignee, a company switch:
`permission_refusal`) and the order's state (the flow table of its type, flow.refusal). The services
ask `require` before they clean their input and raise (403), and `flow.check` in actions.perform
refuses a state the table does not allow (409); the console's buttons, the phone's buttons and the
API's `actions` hint only ask `allowed_actions`, so what is offered is exactly what a service accepts.

Approvals are decided by the same rule for the inbox's buttons and the services: `decision_refusal` /
`approval_actions` (approve and refuse: an approver, never on his own request; withdraw: the requester).

A module that brings a flow action (the pool's claim, settlement, return visits) registers its actor
rule with `register_rule`; until then the action is never offered.
"""

from django.utils.translation import gettext as _

from shouhou.core import company_settings, permissions
from shouhou.core.errors import PermissionDenied
from shouhou.core.flow import approvals as flow_approvals

from . import flow
from .models import Status


def _assignee_rule(actor, order):
    if order.assignee_id != actor.pk or not permissions.has_perm(actor, "workorder.execute"):
        return _("Only the work order's assignee can do this.")
    return None


def _reject_rule(actor, order):
    refused = _assignee_rule(actor, order)
    if refused is None and not company_settings.get("workorder.allow_reject"):
        return _("Your company does not allow rejecting work orders.")
    return refused


def _transfer_rule(actor, order):
    by_assignee = order.assignee_id == actor.pk and company_settings.get("workorder.allow_transfer")
    if not (permissions.has_perm(actor, "workorder.transfer") or by_assignee):
        return _("You may not transfer this work order.")
    return None


def _permission_rule(code):
    def rule(actor, order):
        return None if permissions.has_perm(actor, code) else str(PermissionDenied.default_message)
    return rule


def _edit_rule(actor, order):
    """Editing the order's values: with the edit permission, or its creator while it is still new."""
    own_new_order = order.created_by_id == actor.pk and order.status == Status.PENDING
    if not (permissions.has_perm(actor, "workorder.edit") or own_new_order):
        return str(PermissionDenied.default_message)
    return None


def _fill_rule(actor, order):
    """Filling in add-on components: with the edit permission, or as the assignee."""
    if not (permissions.has_perm(actor, "workorder.edit") or order.assignee_id == actor.pk):
        return str(PermissionDenied.default_message)
    return None


def _pool_off():
    if not company_settings.get("workorder.pool_enabled"):
        return _("Your company has not enabled the work-order pool.")
    return None


def _publish_rule(actor, order):
    """发布到工单池: a new order by whoever may assign; an assigned one handed back (WOSET-P6) by its
    assignee or by whoever may transfer."""
    refused = _pool_off()
    if refused is not None:
        return refused
    if order.assignee_id is None:
        return None if permissions.has_perm(actor, "workorder.assign") else str(PermissionDenied.default_message)
    if not company_settings.get("workorder.pool_transfer_back"):
        return _("Your company does not allow handing work orders back to the pool.")
    if order.assignee_id == actor.pk or permissions.has_perm(actor, "workorder.transfer"):
        return None
    return _("You may not hand this work order back to the pool.")


def claim_permission_refusal(actor):
    """接单, the actor's standing alone: anyone who handles work orders, while the company's pool is on."""
    refused = _pool_off()
    if refused is None and not permissions.has_perm(actor, "workorder.execute"):
        refused = _("Only people who handle work orders can claim them.")
    return refused


def _claim_rule(actor, order):
    """接单: the actor's standing, then whether this order is his to claim today — in his part of the pool
    (WOSET-P5) and under his daily cap (WOSET-P7) — so the buttons and the API's `actions` offer 接单 only
    to whom the pool service will let claim it."""
    from .queries import pool as pool_queries

    return claim_permission_refusal(actor) or pool_queries.claim_refusal(actor, order)


# {action: rule(actor, order) -> the translated refusal or None}: the actor's part of every action
_rules = {
    "assign": _permission_rule("workorder.assign"), "accept": _assignee_rule, "reject": _reject_rule,
    "transfer": _transfer_rule, "start": _assignee_rule, "pause": _assignee_rule, "resume": _assignee_rule,
    "complete": _assignee_rule, "close": _permission_rule("workorder.close"),
    "cancel": _permission_rule("workorder.cancel"), "reopen": _permission_rule("workorder.reopen"),
    "receipt_draft": _assignee_rule, "publish": _publish_rule, "claim": _claim_rule,
}
# writes beside the flow table: asked the same way, never offered as flow buttons
_value_rules = {"edit": _edit_rule, "fill": _fill_rule}


def register_rule(action, rule):
    """Let a module's flow action be offered and performed: `rule(actor, order)` says who may."""
    if action not in flow.ACTIONS:
        raise ValueError(f"{action!r} is not an action of the work-order flow")
    _rules[action] = rule


def unregister_rule(action):
    _rules.pop(action, None)


def permission_refusal(actor, order, action):
    """Why the actor may not do `action` to the order (whatever its state), or None."""
    rule = _rules.get(action) or _value_rules.get(action)
    if rule is None:
        return _("Unknown action.")
    return rule(actor, order)


def require(actor, order, action):
    """Raise PermissionDenied (403) unless the actor may do `action` to the order."""
    message = permission_refusal(actor, order, action)
    if message is not None:
        raise PermissionDenied(message)


def refusal(actor, order, action):
    """Why `action` is not possible for this actor on this order now (a translated message), or None:
    the actor's part first, then the flow table of the order's type."""
    message = permission_refusal(actor, order, action)
    if message is None and action in flow.ACTIONS:
        message = flow.refusal(action, order, flow.normalize(order.order_type.flow))
    return message


def allowed_actions(actor, order):
    """The flow actions the table allows now AND the actor may take, in table order (the console's
    header buttons, the phone's buttons, the API's `actions`)."""
    return [action for action in flow.allowed_actions(order, flow.normalize(order.order_type.flow))
            if action in _rules and _rules[action](actor, order) is None]


def may(actor, order, action):
    """True when the actor may do `action` (flow actions and the value writes "edit" and "fill")."""
    if action in _value_rules:
        return order.status not in flow.FINAL_STATUSES and _value_rules[action](actor, order) is None
    return refusal(actor, order, action) is None


# --- deciding approvals -----------------------------------------------------------------------------------
# the same for every flow document kind: the flow engine's (core.flow.approvals)

def decision_refusal(actor, approval, decision, *, is_approver=None):
    """Why the actor may not `decision` ("approve", "refuse", "withdraw") the request, or None.
    `is_approver`: the caller's answer when it has read it already (else one query, when needed)."""
    return flow_approvals.decision_refusal(actor, approval, decision, is_approver=is_approver)


def require_decision(actor, approval, decision, *, is_approver=None):
    """Raise PermissionDenied (403) unless the actor may take `decision` on the request."""
    flow_approvals.require_decision(actor, approval, decision, is_approver=is_approver)


def approval_actions(actor, approval):
    """The decisions the actor may take on a pending request (the inbox's and the detail's buttons)."""
    return flow_approvals.decisions(actor, approval)
