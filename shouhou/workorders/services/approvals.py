"""Approvals of flow nodes: asking for one (the flow engine's runner records the request when the node
has an approval rule: core.flow.approvals.request) and deciding it: approve (applying the action as the
requester), refuse, withdraw. The rules, the locking and the decisions are the engine's
(core.flow.approvals); the work order's storage (models.Approval) and words are declared in kernel.RUNNER."""

from shouhou.core.flow import approvals as flow_approvals

from . import kernel

ROUTED_TO_ADMINS = flow_approvals.ROUTED_TO_ADMINS


def approve(*, actor, approval, note=""):
    """Apply the requested action as the requester; refused (409) if the table no longer allows it."""
    return flow_approvals.approve(kernel.RUNNER, actor=actor, approval=approval, note=note)


def refuse(*, actor, approval, note):
    return flow_approvals.refuse(kernel.RUNNER, actor=actor, approval=approval, note=note)


def withdraw(*, actor, approval):
    return flow_approvals.withdraw(kernel.RUNNER, actor=actor, approval=approval)
