"""Deciding an approval request: approve (applying the action as the requester), refuse, withdraw.
The request itself is recorded by services._perform when the node has an approval rule."""

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.errors import Conflict, NotFound, PermissionDenied

from . import flow
from .models import Approval
from .services import APPLY, _can_see, _emit, _flow_of, _lock, _now, _pk, _record, _save, _snapshot, _text


def _lock_approval(actor, approval):
    """(approval, order), both locked, the approval still pending."""
    found = Approval.objects.filter(pk=_pk(approval)).first()
    if found is None:
        raise NotFound()
    order = _lock(actor, found.order_id, check_scope=False)
    found = Approval.objects.select_for_update().get(pk=found.pk)
    is_approver = found.approvers.filter(pk=actor.pk).exists()
    if not (is_approver or found.requested_by_id == actor.pk or _can_see(actor, order)):
        raise NotFound()
    if found.state != Approval.State.PENDING:
        raise Conflict(_("This approval has already been decided."))
    return found, order, is_approver


def _require_approver(actor, approval, is_approver):
    """Only an approver decides, and never on his own request (one recorded before that rule included)."""
    if not is_approver or approval.requested_by_id == actor.pk:
        raise PermissionDenied(_("You are not an approver of this request."))


def _decide(actor, approval, order, state, note):
    approval.state, approval.decided_by, approval.decided_at = state, actor, _now()
    approval.decision_note = note
    approval.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"])
    order.awaiting_approval = False


@transaction.atomic
def approve(*, actor, approval, note=""):
    """Apply the requested action as the requester; refused (409) if the table no longer allows it."""
    approval, order, is_approver = _lock_approval(actor, approval)
    _require_approver(actor, approval, is_approver)
    note = _text(note, "note")
    flow_config = _flow_of(order)
    flow.check(approval.action, order, flow_config, ignore_approval=True)
    _decide(actor, approval, order, Approval.State.APPROVED, note)
    _record(actor, order, "approval_approved", _("Approved: %(action)s") % {
        "action": flow.ACTION_LABELS[approval.action]}, note=note)
    _emit("workorder.approval_decided", order, actor, approval_id=approval.pk, state=approval.state,
          requested_by_id=approval.requested_by_id)
    return APPLY[approval.action](approval.requested_by, order, approval.payload, flow_config, _now())


@transaction.atomic
def refuse(*, actor, approval, note):
    approval, order, is_approver = _lock_approval(actor, approval)
    _require_approver(actor, approval, is_approver)
    note = _text(note, "note", required=True)
    before = _snapshot(order)
    _decide(actor, approval, order, Approval.State.REFUSED, note)
    _save(order)
    _record(actor, order, "approval_refused", _("Refused: %(action)s") % {
        "action": flow.ACTION_LABELS[approval.action]}, before, note=note)
    _emit("workorder.approval_decided", order, actor, approval_id=approval.pk, state=approval.state,
          requested_by_id=approval.requested_by_id)
    return order


@transaction.atomic
def withdraw(*, actor, approval):
    approval, order, _is_approver = _lock_approval(actor, approval)
    if approval.requested_by_id != actor.pk:
        raise PermissionDenied(_("Only the requester can withdraw this request."))
    before = _snapshot(order)
    _decide(actor, approval, order, Approval.State.WITHDRAWN, "")
    _save(order)
    _record(actor, order, "approval_withdrawn", _("Withdrew the request: %(action)s") % {
        "action": flow.ACTION_LABELS[approval.action]}, before)
    return order
