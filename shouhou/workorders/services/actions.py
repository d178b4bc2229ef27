"""The flow actions an actor asks for (architecture §8): assign, accept, reject, transfer, start, pause,
resume, complete, close, cancel, reopen. Each locks the order (kernel.lock), asks the policy whether
the actor may, cleans its input, then `perform` hands it to the flow engine's runner, which checks the
flow table and either applies the action (transitions.APPLY) or records an approval request when the
node has an approval rule (core.flow.approvals)."""


from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core import (
    company_settings,
    references,
)
from shouhou.core.errors import (
    ValidationFailed,
)

from .. import flow, policy
from . import kernel, locations, receipt_lines, receipts


def perform(actor, order, action, payload, **checked):
    """Check the table, then apply the action, or record an approval request when its node needs one
    (the flow engine's protocol: core.flow.runner, work orders declared as kernel.RUNNER).

    `checked` hands the apply step objects the caller has just validated (the new assignee), which it
    would otherwise read again; an approval stores only the payload, and its apply step reads them anew."""
    return kernel.RUNNER.perform(actor, order, action, payload, **checked)


@transaction.atomic
def assign(*, actor, order, assignee, note="", expected_version=None):
    order = kernel.lock(actor, order, expected_version)
    policy.require(actor, order, "assign")
    note = kernel.clean_text(note, "note")
    assignee = kernel.resolve_assignee(actor, assignee, order=order)
    return perform(actor, order, "assign", {"assignee_id": assignee.pk, "note": note}, assignee=assignee)


@transaction.atomic
def accept(*, actor, order, expected_version=None):
    order = kernel.lock(actor, order, expected_version)
    policy.require(actor, order, "accept")
    return perform(actor, order, "accept", {})


@transaction.atomic
def reject(*, actor, order, reason, expected_version=None):
    order = kernel.lock(actor, order, expected_version)
    policy.require(actor, order, "reject")
    reason = kernel.clean_text(reason, "reason", required=True)
    return perform(actor, order, "reject", {"reason": reason})


@transaction.atomic
def transfer(*, actor, order, assignee, note="", expected_version=None):
    order = kernel.lock(actor, order, expected_version)
    return transfer_locked(actor, order, assignee, note)


def transfer_locked(actor, order, assignee, note):
    policy.require(actor, order, "transfer")
    note = kernel.clean_text(note, "note", required=company_settings.get("workorder.transfer_note_required"))
    if order.assignee_id is not None and references.clean_id(assignee) == order.assignee_id:
        raise ValidationFailed(details={"assignee": [_("Choose someone other than the current assignee.")]})
    new_assignee = kernel.resolve_assignee(actor, assignee, order=order)
    return perform(actor, order, "transfer", {"assignee_id": new_assignee.pk, "note": note},
                    assignee=new_assignee)


@transaction.atomic
def start(*, actor, order, latitude=None, longitude=None, expected_version=None):
    order = kernel.lock(actor, order, expected_version)
    policy.require(actor, order, "start")
    lat, lng = locations.clean_position(latitude, longitude)
    return perform(actor, order, "start", {"latitude": lat, "longitude": lng})


@transaction.atomic
def pause(*, actor, order, reason, expected_version=None):
    order = kernel.lock(actor, order, expected_version)
    policy.require(actor, order, "pause")
    reason = kernel.clean_text(reason, "reason", required=True)
    return perform(actor, order, "pause", {"reason": reason})


@transaction.atomic
def resume(*, actor, order, expected_version=None):
    order = kernel.lock(actor, order, expected_version)
    policy.require(actor, order, "resume")
    return perform(actor, order, "resume", {})


@transaction.atomic
def complete(*, actor, order, content, attachments=(), signature=None, fields=None, latitude=None,
             longitude=None, expected_version=None, parts=None, service_items=None, old_parts=None):
    """回执并完成: validate the receipt (content, files, signature, custom fields, its 备件 / 服务项目 lines)
    and finish the order; the parts are consumed in the same step (receipt_lines.consume). `parts`,
    `service_items` and `old_parts` None keep the draft's lines; lists replace them."""
    order = kernel.lock(actor, order, expected_version)
    policy.require(actor, order, "complete")
    flow_config = kernel.flow_of(order)
    flow.check("complete", order, flow_config)  # refuse before storing a signature image
    receipt = kernel.receipt_of(order)
    values = receipts.clean_receipt(actor, order, receipt, content=content, attachments=attachments,
                            signature=signature, fields=fields, final=True)
    lines = receipt_lines.clean(actor, order, parts=parts, service_items=service_items, old_parts=old_parts,
                                previous=receipt.lines if receipt is not None else ())
    values["lines"] = (receipt.lines if receipt is not None else []) if lines is None else lines
    receipts.log_overrides(actor, order, lines)
    lat, lng = locations.clean_position(latitude, longitude)
    if flow.approval_rule(flow_config, flow.ACTION_NODE["complete"]) is not None:
        receipts.store_receipt(actor, order, receipt, values, draft=True, hold=True)  # kept while the approval waits
    return perform(actor, order, "complete", {**values, "latitude": lat, "longitude": lng})


@transaction.atomic
def close(*, actor, order, note="", expected_version=None):
    order = kernel.lock(actor, order, expected_version)
    policy.require(actor, order, "close")
    return perform(actor, order, "close", {"note": kernel.clean_text(note, "note")})


@transaction.atomic
def cancel(*, actor, order, reason, expected_version=None):
    order = kernel.lock(actor, order, expected_version)
    policy.require(actor, order, "cancel")
    return perform(actor, order, "cancel", {"reason": kernel.clean_text(reason, "reason", required=True)})


@transaction.atomic
def reopen(*, actor, order, reason, expected_version=None):
    order = kernel.lock(actor, order, expected_version)
    policy.require(actor, order, "reopen")
    return perform(actor, order, "reopen", {"reason": kernel.clean_text(reason, "reason", required=True)})
