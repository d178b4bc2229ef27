"""Approvals of flow nodes (issue 9, point 1), for every document kind: who approves, asking, deciding.

A node with an approval rule does not apply its action: `request` records the request (the kind's
`FlowApproval` row, the document marked awaiting approval). Approving applies the action as the requester
(FlowRunner.run, the table checked again); refusing and withdrawing leave the document as it was.

Who approves (the rule of the node, FlowKind.approval_rule): "users" (named users), "role" (members of a
role), "team_leader" (the leaders of the assignee's teams — the new assignee's when the action names one),
"creator" (the document's creator). The requester never approves his own request: when the rule names
nobody else, the company's administrators (the system roles 系统管理员 / 普通管理员, accounts.roles) decide
and the request says so (`routed_to_admins`).

Storage: each kind has its own table, a concrete subclass of the abstract `FlowApproval` with its foreign
key to the document (work orders: workorders.models.Approval, `order`) and its `approvers` many-to-many
(its own related name); the kind's `Approvals` declaration names them. The rules, the locking and the
decisions are here, once.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shouhou.core.models import TenantModel

ADMIN_ROLE_KEYS = ("admin", "manager")  # the system keys of 系统管理员, 普通管理员 (accounts.roles)

ROUTED_TO_ADMINS = gettext_lazy("No approver under the flow's rule; the request was sent to the administrators.")


class FlowApproval(TenantModel):
    """A requested action waiting for an approver (the shared fields; a kind adds its document and approvers)."""

    class State(models.TextChoices):
        PENDING = "pending", gettext_lazy("Pending approval")
        APPROVED = "approved", gettext_lazy("Approved")
        REFUSED = "refused", gettext_lazy("Refused")
        WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")

    node = models.CharField(gettext_lazy("node"), max_length=20)
    action = models.CharField(gettext_lazy("action"), max_length=20)
    payload = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=gettext_lazy("requested by"))
    state = models.CharField(gettext_lazy("state"), max_length=20, choices=State.choices, default=State.PENDING,
                             db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=gettext_lazy("decided by"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(gettext_lazy("note"), blank=True)
    # the flow's rule found nobody but the requester: the company's administrators decide instead
    routed_to_admins = models.BooleanField(gettext_lazy("sent to the administrators"), default=False)

    class Meta:
        abstract = True


@dataclass(eq=False)
class Approvals:
    """A kind's approvals: `model` (its FlowApproval subclass) and `document_field` (its foreign key to the
    document); `creator_of(document)` and `assignee_of(document, payload)` (user ids for the "creator" and
    "team_leader" rules); `action_labels`; `clean_note(value, field, *, required=False)` (the kind's text
    cleaner); `waiting` (the refusal while another request waits) raised as `not_allowed`."""

    model: type
    document_field: str
    creator_of: object
    assignee_of: object
    action_labels: dict
    clean_note: object
    waiting: object
    not_allowed: type = Conflict


# --- who approves --------------------------------------------------------------------------------------

def _active_users():
    return get_user_model().objects.for_tenant().filter(is_active=True)


def rule_users(approvals, document, rule, payload):
    """The users the rule names for this document (the requester not yet excluded)."""
    kind = rule["rule"]
    users = _active_users()
    if kind == "users":
        return users.filter(pk__in=rule.get("user_ids") or [])
    if kind == "role":
        return users.filter(roles=rule.get("role_id"))
    if kind == "team_leader":
        assignee_id = approvals.assignee_of(document, payload)
        return users.filter(led_teams__members=assignee_id) if assignee_id else users.none()
    if kind == "creator":
        return users.filter(pk=approvals.creator_of(document))
    return users


def approvers(approvals, actor, document, rule, payload):
    """(approvers, routed_to_admins). The requester never approves his own request: when the rule names
    nobody else (he leads his own team, he created the document …), the company's administrators decide."""
    actor_id = getattr(actor, "pk", actor)
    users = list(rule_users(approvals, document, rule, payload).exclude(pk=actor_id).distinct())
    if users:
        return users, False
    admins = list(_active_users().filter(roles__system_key__in=ADMIN_ROLE_KEYS).exclude(pk=actor_id).distinct())
    if not admins:
        raise ValidationFailed(details={"approval": [
            _("No approver could be found for this step; ask an administrator to check the flow settings.")]})
    return admins, True


# --- asking ---------------------------------------------------------------------------------------------

def request(runner, actor, document, action, node, rule, payload):
    """Record the request instead of applying the action (FlowRunner.perform, when the node has a rule)."""
    approvals = runner.approvals
    users, routed = approvers(approvals, actor, document, rule, payload)
    before = runner.snapshot(document)
    try:
        with transaction.atomic():
            approval = approvals.model.objects.create(
                tenant_id=document.tenant_id, **{approvals.document_field: document}, node=node, action=action,
                payload=payload, requested_by=actor, routed_to_admins=routed)
    except IntegrityError:
        raise approvals.not_allowed(str(approvals.waiting))
    approval.approvers.set(users)
    document.awaiting_approval = True
    runner.save(document)
    note = payload.get("reason") or payload.get("note") or ""
    if routed:
        note = f"{ROUTED_TO_ADMINS} {note}".strip()
    runner.record(actor, document, "approval_requested", _("Asked for approval: %(action)s") % {
        "action": approvals.action_labels[action]}, before, note=note)
    runner.emit("approval_requested", document, actor, approval_id=approval.pk, action=action,
                approver_ids=[user.pk for user in users], routed_to_admins=routed)
    return document


# --- who may decide ---------------------------------------------------------------------------------------

def decision_refusal(actor, approval, decision, *, is_approver=None):
    """Why the actor may not `decision` ("approve", "refuse", "withdraw") the request, or None.
    `is_approver`: the caller's answer when it has read it already (else one query, when needed)."""
    if decision == "withdraw":
        return None if approval.requested_by_id == actor.pk else _("Only the requester can withdraw this request.")
    if approval.requested_by_id == actor.pk:
        return _("You are not an approver of this request.")  # never on his own request
    if is_approver is None:
        is_approver = approval.approvers.filter(pk=actor.pk).exists()
    return None if is_approver else _("You are not an approver of this request.")


def require_decision(actor, approval, decision, *, is_approver=None):
    """Raise PermissionDenied (403) unless the actor may take `decision` on the request."""
    message = decision_refusal(actor, approval, decision, is_approver=is_approver)
    if message is not None:
        raise PermissionDenied(message)


def decisions(actor, approval):
    """The decisions the actor may take on a pending request (the inbox's and the detail's buttons)."""
    if approval.state != FlowApproval.State.PENDING:
        return []
    actions = ["approve", "refuse"] if decision_refusal(actor, approval, "approve") is None else []
    if decision_refusal(actor, approval, "withdraw") is None:
        actions.append("withdraw")
    return actions


# --- deciding -----------------------------------------------------------------------------------------------

def _lock(runner, actor, approval):
    """(approval, document, is_approver), both locked, the approval still pending. A request the actor may
    not see (neither approver, requester nor within his scope of the document) is NotFound."""
    model = runner.approvals.model
    found = model.objects.filter(pk=getattr(approval, "pk", approval)).first()
    if found is None:
        raise NotFound()
    document = runner.lock(actor, getattr(found, f"{runner.approvals.document_field}_id"), check_scope=False)
    found = model.objects.select_for_update().get(pk=found.pk)
    is_approver = found.approvers.filter(pk=actor.pk).exists()
    if not (is_approver or found.requested_by_id == actor.pk or runner.can_see(actor, document)):
        raise NotFound()
    if found.state != FlowApproval.State.PENDING:
        raise Conflict(_("This approval has already been decided."))
    return found, document, is_approver


def _decide(runner, actor, approval, document, state, note):
    approval.state, approval.decided_by, approval.decided_at = state, actor, runner.now()
    approval.decision_note = note
    approval.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"])
    document.awaiting_approval = False


def _label(runner, approval):
    return runner.approvals.action_labels[approval.action]


@transaction.atomic
def approve(runner, *, actor, approval, note=""):
    """Apply the requested action as the requester; refused (409) if the table no longer allows it."""
    approval, document, is_approver = _lock(runner, actor, approval)
    require_decision(actor, approval, "approve", is_approver=is_approver)
    note = runner.approvals.clean_note(note, "note")
    config = runner.config_of(document)
    runner.check(approval.action, document, config, ignore_approval=True)
    _decide(runner, actor, approval, document, FlowApproval.State.APPROVED, note)
    runner.record(actor, document, "approval_approved", _("Approved: %(action)s") % {
        "action": _label(runner, approval)}, note=note)
    runner.emit("approval_decided", document, actor, approval_id=approval.pk, state=approval.state,
                requested_by_id=approval.requested_by_id)
    return runner.run(approval.requested_by, document, approval.action, approval.payload, config, runner.now())


@transaction.atomic
def refuse(runner, *, actor, approval, note):
    approval, document, is_approver = _lock(runner, actor, approval)
    require_decision(actor, approval, "refuse", is_approver=is_approver)
    note = runner.approvals.clean_note(note, "note", required=True)
    before = runner.snapshot(document)
    _decide(runner, actor, approval, document, FlowApproval.State.REFUSED, note)
    runner.save(document)
    runner.record(actor, document, "approval_refused", _("Refused: %(action)s") % {
        "action": _label(runner, approval)}, before, note=note)
    runner.emit("approval_decided", document, actor, approval_id=approval.pk, state=approval.state,
                requested_by_id=approval.requested_by_id)
    return document


@transaction.atomic
def withdraw(runner, *, actor, approval):
    approval, document, _is_approver = _lock(runner, actor, approval)
    require_decision(actor, approval, "withdraw")
    before = runner.snapshot(document)
    _decide(runner, actor, approval, document, FlowApproval.State.WITHDRAWN, "")
    runner.save(document)
    runner.record(actor, document, "approval_withdrawn", _("Withdrew the request: %(action)s") % {
        "action": _label(runner, approval)}, before)
    return document
