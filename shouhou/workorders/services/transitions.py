"""Applying a flow action to a locked, checked order (architecture §8): the status move with its time span
and deadline, the action's own fields, the timeline entry and the outbox event. Run by
actions.perform, and by approvals.approve as the requester once a request is approved."""


from django.utils.translation import gettext as _

from shouhou.core import (
    company_settings,
)

from .. import flow
from ..models import (
    Receipt,
    Status,
)
from . import kernel, locations, receipts


def _apply_assign(actor, order, payload, flow_config, now, assignee=None):
    if assignee is None:  # applying an approved request: the assignee is checked again, as when asked
        assignee = kernel.resolve_assignee(actor, payload["assignee_id"], order=order)
    before = kernel.snapshot(order)
    status = flow.next_status("assign", order, flow_config)
    order.assignee, order.dispatcher, order.assigned_at = assignee, actor, now
    order.accepted_at = now if status == Status.ACCEPTED else None
    order.is_rejected = False
    fields = kernel.move(order, status, flow_config, now)
    kernel.save(order, [*fields, "assignee", "dispatcher", "assigned_at", "accepted_at"])
    kernel.record_and_emit(actor, order, "assigned",
                           _("Assigned the work order to %(name)s") % {"name": assignee.name}, before,
                           note=payload.get("note", ""), event="workorder.assigned", assignee_id=assignee.pk)
    return order


def _apply_accept(actor, order, payload, flow_config, now):
    before = kernel.snapshot(order)
    order.accepted_at = now
    fields = kernel.move(order, flow.next_status("accept", order, flow_config), flow_config, now)
    kernel.save(order, [*fields, "accepted_at"])
    kernel.record_and_emit(actor, order, "accepted", _("Accepted the work order"), before,
                           event="workorder.accepted", dispatcher_id=order.dispatcher_id)
    return order


def _apply_reject(actor, order, payload, flow_config, now):
    before = kernel.snapshot(order)
    former = order.assignee
    status = flow.next_status("reject", order, flow_config)
    order.assignee, order.assigned_at, order.accepted_at, order.is_rejected = None, None, None, True
    fields = kernel.move(order, status, flow_config, now)
    kernel.save(order, [*fields, "assignee", "assigned_at", "accepted_at"])
    kernel.record_and_emit(actor, order, "rejected", _("Rejected the work order"), before,
                           note=payload["reason"], event="workorder.rejected", assignee_id=kernel.pk(former),
                           dispatcher_id=order.dispatcher_id, created_by_id=order.created_by_id,
                           reason=payload["reason"])
    return order


def _apply_transfer(actor, order, payload, flow_config, now, assignee=None):
    new_assignee = assignee
    if new_assignee is None:  # applying an approved request: the assignee is checked again, as when asked
        new_assignee = kernel.resolve_assignee(actor, payload["assignee_id"], order=order)
    keep = bool(company_settings.get("workorder.transfer_keep_status"))
    before = kernel.snapshot(order)
    former = order.assignee
    status = flow.next_status("transfer", order, flow_config, keep_status_on_transfer=keep)
    order.assignee, order.assigned_at = new_assignee, now
    fields = ["assignee", "assigned_at", "accepted_at"]
    if not keep:  # the new assignee starts the step over: fresh clock, no pause carried over
        order.accepted_at = now if status == Status.ACCEPTED else None
        order.is_paused = False
        fields += kernel.move(order, status, flow_config, now)
    kernel.save(order, fields)
    kernel.record_and_emit(actor, order, "transferred",
                           _("Transferred the work order from %(old)s to %(new)s") % {
                               "old": former.name if former else "-", "new": new_assignee.name},
                           before, note=payload.get("note", ""), event="workorder.transferred",
                           old_assignee_id=kernel.pk(former), new_assignee_id=new_assignee.pk)
    return order


def _apply_start(actor, order, payload, flow_config, now):
    before = kernel.snapshot(order)
    locations.check_location(actor, order, "start", payload.get("latitude"), payload.get("longitude"), now)
    order.started_at = now
    fields = kernel.move(order, flow.next_status("start", order, flow_config), flow_config, now)
    kernel.save(order, [*fields, "started_at"])
    kernel.record_and_emit(actor, order, "started", _("Started the work"), before, event="workorder.started")
    return order


def _apply_pause(actor, order, payload, flow_config, now):
    before = kernel.snapshot(order)
    order.is_paused = True
    kernel.split_span(order, now)
    kernel.save(order)
    kernel.record_and_emit(actor, order, "paused", _("Paused the work order"), before, note=payload["reason"],
                           event="workorder.paused", reason=payload["reason"])
    return order


def _apply_resume(actor, order, payload, flow_config, now):
    before = kernel.snapshot(order)
    order.is_paused = False
    kernel.split_span(order, now)
    kernel.save(order)
    kernel.record_and_emit(actor, order, "resumed", _("Resumed the work order"), before,
                           event="workorder.resumed")
    return order


def _apply_complete(actor, order, payload, flow_config, now):
    before = kernel.snapshot(order)
    locations.check_location(actor, order, "finish", payload.get("latitude"), payload.get("longitude"), now)
    receipts.store_receipt(actor, order, kernel.receipt_of(order), payload, draft=False, now=now)
    order.finished_at = now
    fields = kernel.move(order, flow.next_status("complete", order, flow_config), flow_config, now)
    kernel.save(order, [*fields, "finished_at"])
    kernel.record_and_emit(actor, order, "finished", _("Completed the work order with the receipt"), before,
                           note=payload.get("content", ""), attachments=payload.get("attachments"),
                           event="workorder.finished", dispatcher_id=order.dispatcher_id,
                           created_by_id=order.created_by_id)
    return order


def _apply_close(actor, order, payload, flow_config, now):
    before = kernel.snapshot(order)
    order.closed_at = now
    fields = kernel.move(order, flow.next_status("close", order, flow_config), flow_config, now)
    kernel.save(order, [*fields, "closed_at"])
    kernel.record_and_emit(actor, order, "closed", _("Closed the work order"), before,
                           note=payload.get("note", ""), event="workorder.closed")
    return order


def _apply_cancel(actor, order, payload, flow_config, now):
    before = kernel.snapshot(order)
    order.cancelled_at = now
    fields = kernel.move(order, flow.next_status("cancel", order, flow_config), flow_config, now)
    kernel.save(order, [*fields, "cancelled_at"])
    kernel.record_and_emit(actor, order, "cancelled", _("Cancelled the work order"), before,
                           note=payload["reason"], event="workorder.cancelled", assignee_id=order.assignee_id,
                           reason=payload["reason"])
    return order


def _apply_reopen(actor, order, payload, flow_config, now):
    before = kernel.snapshot(order)
    order.finished_at = order.closed_at = None
    fields = kernel.move(order, flow.next_status("reopen", order, flow_config), flow_config, now)
    Receipt.objects.filter(order=order).update(is_draft=True)
    kernel.save(order, [*fields, "finished_at", "closed_at"])
    kernel.record_and_emit(actor, order, "reopened", _("Reopened the work order"), before,
                           note=payload["reason"], event="workorder.reopened", assignee_id=order.assignee_id,
                           reason=payload["reason"])
    return order


APPLY = {
    "assign": _apply_assign, "accept": _apply_accept, "reject": _apply_reject, "transfer": _apply_transfer,
    "start": _apply_start, "pause": _apply_pause, "resume": _apply_resume, "complete": _apply_complete,
    "close": _apply_close, "cancel": _apply_cancel, "reopen": _apply_reopen,
}
