"""Approvals of flow nodes: asking for one (`request_approval`, from actions.perform when the node
has an approval rule) and deciding it: approve (applying the action as the requester), refuse,
withdraw."""


from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.accounts.models import User
from shouhou.core.errors import (
    Conflict,
    NotFound,
    ValidationFailed,
)

from .. import flow, policy
from ..models import (
    Approval,
)
from . import kernel, transitions

ADMIN_ROLE_KEYS = ("admin", "manager")  # 系统管理员, 普通管理员 (accounts.roles)


ROUTED_TO_ADMINS = gettext_lazy("No approver under the flow's rule; the request was sent to the administrators.")


def _rule_users(order, rule, payload):
    kind = rule["rule"]
    users = User.objects.for_tenant().filter(is_active=True)
    if kind == "users":
        return users.filter(pk__in=rule.get("user_ids") or [])
    if kind == "role":
        return users.filter(roles=rule.get("role_id"))
    if kind == "team_leader":
        assignee_id = payload.get("assignee_id") or order.assignee_id
        return users.filter(led_teams__members=assignee_id) if assignee_id else users.none()
    if kind == "creator":
        return users.filter(pk=order.created_by_id)
    return users


def _approvers(actor, order, rule, payload):
    """(approvers, routed_to_admins). The requester never approves his own request: when the rule names
    nobody else (he leads his own team, he created the order …), the company's administrators decide."""
    users = list(_rule_users(order, rule, payload).exclude(pk=kernel.pk(actor)).distinct())
    if users:
        return users, False
    admins = list(User.objects.for_tenant().filter(is_active=True, roles__system_key__in=ADMIN_ROLE_KEYS)
                  .exclude(pk=kernel.pk(actor)).distinct())
    if not admins:
        raise ValidationFailed(details={"approval": [
            _("No approver could be found for this step; ask an administrator to check the flow settings.")]})
    return admins, True


def request_approval(actor, order, action, node, rule, payload):
    approvers, routed = _approvers(actor, order, rule, payload)
    before = kernel.snapshot(order)
    try:
        with transaction.atomic():
            approval = Approval.objects.create(tenant_id=order.tenant_id, order=order, node=node, action=action,
                                               payload=payload, requested_by=actor, routed_to_admins=routed)
    except IntegrityError:
        raise flow.NotAllowed(_("The work order is waiting for an approval."))
    approval.approvers.set(approvers)
    order.awaiting_approval = True
    kernel.save(order)
    note = payload.get("reason") or payload.get("note") or ""
    if routed:
        note = f"{ROUTED_TO_ADMINS} {note}".strip()
    kernel.record(actor, order, "approval_requested", _("Asked for approval: %(action)s") % {
        "action": flow.ACTION_LABELS[action]}, before, note=note)
    kernel.emit("workorder.approval_requested", order, actor, approval_id=approval.pk, action=action,
          approver_ids=[user.pk for user in approvers], routed_to_admins=routed)
    return order


# --- deciding -----------------------------------------------------------------------------------

def _lock_approval(actor, approval):
    """(approval, order), both locked, the approval still pending."""
    found = Approval.objects.filter(pk=kernel.pk(approval)).first()
    if found is None:
        raise NotFound()
    order = kernel.lock(actor, found.order_id, check_scope=False)
    found = Approval.objects.select_for_update().get(pk=found.pk)
    is_approver = found.approvers.filter(pk=actor.pk).exists()
    if not (is_approver or found.requested_by_id == actor.pk or kernel.can_see(actor, order)):
        raise NotFound()
    if found.state != Approval.State.PENDING:
        raise Conflict(_("This approval has already been decided."))
    return found, order, is_approver


def _decide(actor, approval, order, state, note):
    approval.state, approval.decided_by, approval.decided_at = state, actor, kernel.now()
    approval.decision_note = note
    approval.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"])
    order.awaiting_approval = False


@transaction.atomic
def approve(*, actor, approval, note=""):
    """Apply the requested action as the requester; refused (409) if the table no longer allows it."""
    approval, order, is_approver = _lock_approval(actor, approval)
    policy.require_decision(actor, approval, "approve", is_approver=is_approver)
    note = kernel.clean_text(note, "note")
    flow_config = kernel.flow_of(order)
    flow.check(approval.action, order, flow_config, ignore_approval=True)
    _decide(actor, approval, order, Approval.State.APPROVED, note)
    kernel.record(actor, order, "approval_approved", _("Approved: %(action)s") % {
        "action": flow.ACTION_LABELS[approval.action]}, note=note)
    kernel.emit("workorder.approval_decided", order, actor, approval_id=approval.pk, state=approval.state,
          requested_by_id=approval.requested_by_id)
    return transitions.APPLY[approval.action](approval.requested_by, order, approval.payload, flow_config, kernel.now())


@transaction.atomic
def refuse(*, actor, approval, note):
    approval, order, is_approver = _lock_approval(actor, approval)
    policy.require_decision(actor, approval, "refuse", is_approver=is_approver)
    note = kernel.clean_text(note, "note", required=True)
    before = kernel.snapshot(order)
    _decide(actor, approval, order, Approval.State.REFUSED, note)
    kernel.save(order)
    kernel.record(actor, order, "approval_refused", _("Refused: %(action)s") % {
        "action": flow.ACTION_LABELS[approval.action]}, before, note=note)
    kernel.emit("workorder.approval_decided", order, actor, approval_id=approval.pk, state=approval.state,
          requested_by_id=approval.requested_by_id)
    return order


@transaction.atomic
def withdraw(*, actor, approval):
    approval, order, _is_approver = _lock_approval(actor, approval)
    policy.require_decision(actor, approval, "withdraw")
    before = kernel.snapshot(order)
    _decide(actor, approval, order, Approval.State.WITHDRAWN, "")
    kernel.save(order)
    kernel.record(actor, order, "approval_withdrawn", _("Withdrew the request: %(action)s") % {
        "action": flow.ACTION_LABELS[approval.action]}, before)
    return order
