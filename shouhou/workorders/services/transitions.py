"""Applying a flow action to a locked, checked order (architecture §8): each action's own part — the fields it
sets, its timeline words and its event's payload — as a `Step` for the flow engine's runner
(core.flow.runner.FlowRunner.run, declared as kernel.RUNNER), which took the "before" snapshot and then
enters the new status (time span, deadline), saves and writes the timeline entry with the outbox event.
Run by actions.perform, and by approvals.approve as the requester once a request is approved."""


from django.utils.translation import gettext as _

from shouhou.core import (
    company_settings,
)
from shouhou.core.flow.runner import NEXT, Step

from .. import flow
from ..models import (
    PoolClaim,
    Receipt,
    Status,
)
from . import kernel, locations, pool, receipt_lines, receipts


def _apply_assign(actor, order, payload, flow_config, now, assignee=None):
    if assignee is None:  # applying an approved request: the assignee is checked again, as when asked
        assignee = kernel.resolve_assignee(actor, payload["assignee_id"], order=order)
    status = flow.next_status("assign", order, flow_config)
    order.assignee, order.dispatcher, order.assigned_at = assignee, actor, now
    order.accepted_at = now if status == Status.ACCEPTED else None
    order.is_rejected = False
    return Step("assigned", _("Assigned the work order to %(name)s") % {"name": assignee.name}, enter=status,
                fields=["assignee", "dispatcher", "assigned_at", "accepted_at"], note=payload.get("note", ""),
                assignee_id=assignee.pk)


def _apply_accept(actor, order, payload, flow_config, now):
    order.accepted_at = now
    return Step("accepted", _("Accepted the work order"), enter=NEXT, fields=["accepted_at"],
                dispatcher_id=order.dispatcher_id)


def _apply_reject(actor, order, payload, flow_config, now):
    former = order.assignee
    order.assignee, order.assigned_at, order.accepted_at, order.is_rejected = None, None, None, True
    return Step("rejected", _("Rejected the work order"), enter=NEXT,
                fields=["assignee", "assigned_at", "accepted_at"], note=payload["reason"],
                assignee_id=kernel.pk(former), dispatcher_id=order.dispatcher_id, created_by_id=order.created_by_id,
                reason=payload["reason"])


def _apply_transfer(actor, order, payload, flow_config, now, assignee=None):
    new_assignee = assignee
    if new_assignee is None:  # applying an approved request: the assignee is checked again, as when asked
        new_assignee = kernel.resolve_assignee(actor, payload["assignee_id"], order=order)
    keep = bool(company_settings.get("workorder.transfer_keep_status"))
    former = order.assignee
    receipt_lines.drop_hold(order)  # the draft's parts were held in the former assignee's stock
    status = flow.next_status("transfer", order, flow_config, keep_status_on_transfer=keep)
    order.assignee, order.assigned_at = new_assignee, now
    if not keep:  # the new assignee starts the step over: fresh clock, no pause carried over
        order.accepted_at = now if status == Status.ACCEPTED else None
        order.is_paused = False
    return Step("transferred", _("Transferred the work order from %(old)s to %(new)s") % {
                    "old": former.name if former else "-", "new": new_assignee.name},
                enter=None if keep else status, fields=["assignee", "assigned_at", "accepted_at"],
                note=payload.get("note", ""), old_assignee_id=kernel.pk(former), new_assignee_id=new_assignee.pk)


def _apply_start(actor, order, payload, flow_config, now):
    locations.check_location(actor, order, "start", payload.get("latitude"), payload.get("longitude"), now)
    order.started_at = now
    return Step("started", _("Started the work"), enter=NEXT, fields=["started_at"])


def _apply_pause(actor, order, payload, flow_config, now):
    order.is_paused = True
    return Step("paused", _("Paused the work order"), span=True, note=payload["reason"], reason=payload["reason"])


def _apply_resume(actor, order, payload, flow_config, now):
    order.is_paused = False
    return Step("resumed", _("Resumed the work order"), span=True)


def _apply_complete(actor, order, payload, flow_config, now):
    locations.check_location(actor, order, "finish", payload.get("latitude"), payload.get("longitude"), now)
    receipt = receipts.store_receipt(actor, order, kernel.receipt_of(order), payload, draft=False, now=now)
    order.finished_at = now
    fees = receipt_lines.consume(actor, order, receipt)  # parts, 旧件, service records, 合计费用 (issue 11)
    return Step("finished", _("Completed the work order with the receipt"), enter=NEXT,
                fields=["finished_at", *fees],
                note=payload.get("content", ""), attachments=payload.get("attachments"),
                dispatcher_id=order.dispatcher_id, created_by_id=order.created_by_id)


def _apply_close(actor, order, payload, flow_config, now):
    order.closed_at = now
    return Step("closed", _("Closed the work order"), enter=NEXT, fields=["closed_at"], note=payload.get("note", ""))


def _apply_cancel(actor, order, payload, flow_config, now):
    order.cancelled_at = now
    receipt_lines.drop_hold(order)
    return Step("cancelled", _("Cancelled the work order"), enter=NEXT, fields=["cancelled_at"],
                note=payload["reason"], assignee_id=order.assignee_id, reason=payload["reason"])


def _apply_reopen(actor, order, payload, flow_config, now):
    order.finished_at = order.closed_at = None
    Receipt.objects.filter(order=order).update(is_draft=True)
    fees = receipt_lines.reverse(actor, order, kernel.receipt_of(order))  # reversing movements and records
    return Step("reopened", _("Reopened the work order"), enter=NEXT, fields=["finished_at", "closed_at", *fees],
                note=payload["reason"], assignee_id=order.assignee_id, reason=payload["reason"])


def _apply_publish(actor, order, payload, flow_config, now):
    """发布到工单池: no assignee; the pool's own clock (WOSET-P4) instead of the assign node's."""
    former = order.assignee
    if former is None or order.dispatcher_id is None:
        order.dispatcher = actor  # told when nobody claims it in time
    order.assignee, order.assigned_at, order.accepted_at, order.is_rejected = None, None, None, False
    fields = ["assignee", "dispatcher", "assigned_at", "accepted_at", *kernel.move(order, Status.POOLED, flow_config, now)]
    pool.start_pool_clock(order, now)
    summary = (_("Handed the work order back to the pool") if former is not None
               else _("Published the work order to the pool"))
    return Step("published", summary, fields=fields, note=payload.get("note", ""), old_assignee_id=kernel.pk(former))


def _apply_claim(actor, order, payload, flow_config, now):
    """接单: the claimant becomes the assignee at 已接受 (claiming is accepting)."""
    order.assignee, order.assigned_at, order.accepted_at, order.is_rejected = actor, now, now, False
    PoolClaim.objects.create(tenant_id=order.tenant_id, order=order, user=actor, claimed_at=now)
    return Step("claimed", _("Claimed the work order from the pool"), enter=NEXT,
                fields=["assignee", "assigned_at", "accepted_at"], assignee_id=actor.pk,
                dispatcher_id=order.dispatcher_id)


# The module nodes' actions (结算 settle, 回访 visit) are applied by their modules' performers: kernel._apply_table.
APPLY = {
    "assign": _apply_assign, "accept": _apply_accept, "reject": _apply_reject, "transfer": _apply_transfer,
    "start": _apply_start, "pause": _apply_pause, "resume": _apply_resume, "complete": _apply_complete,
    "close": _apply_close, "cancel": _apply_cancel, "reopen": _apply_reopen, "publish": _apply_publish,
    "claim": _apply_claim,
}
