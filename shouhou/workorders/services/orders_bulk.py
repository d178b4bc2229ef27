"""Many work orders alike, created and assigned at once (issue 10, "Speed": a plan's due occurrences).

`create_assigned` makes exactly the orders that, one at a time, `orders.create_work_order(...)` (仅保存), then
one timeline note each (the plan's "Created by plan … for …"), then the flow action "assign" to `assignee`
(`actions.perform(..., assignee=assignee)`) would make: the same validation (orders.clean_new_order, once
for the batch: the orders differ only in their planned time), the same values, numbers from the same counter,
the same two status spans, the same timeline entries (created, the note, assigned with its before/after) and
the same outbox events (workorder.created, workorder.assigned) in the same order, and the same signals.
The flow engine's own steps set the values (transitions.APPLY["assign"], FlowRunner.enter / prepare_save);
only the writes are gathered: one block of numbers (core.numbering.reserve, one locked update), then one
INSERT each for the orders, their collaborators, their spans, their timeline entries and their events —
~12 statements for a batch instead of ~20 per order (bench/plans_generate.py, docs/benchmarks.md).

What the bulk path cannot reproduce is left to the single path (`supports`): an assign node with an approval
rule (each order would wait for its own approval request). The assignee is the caller's, already checked
(as `perform(..., assignee=…)` takes it).
"""

import copy

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core import outbox, permissions, timeline
from shouhou.core.errors import ValidationFailed
from shouhou.core.flow import writes
from shouhou.core.flow.runner import NEXT
from shouhou.core.numbering import reserve
from shouhou.core.tenancy import require_tenant

from .. import flow
from ..models import Priority, Status, StatusSpan, WorkOrder
from . import kernel, orders

MAX_BATCH = 500


def supports(order_type):
    """True when the bulk path makes what the single path would: no approval on the type's assign node."""
    config = flow.normalize(order_type.flow)
    return flow.approval_rule(config, flow.ACTION_NODE["assign"]) is None


@transaction.atomic
def create_assigned(*, actor, order_type, customer, product=None, priority=Priority.NORMAL, description="",
                    fields=None, planned_ats, assignee, notes):
    """`len(planned_ats)` orders of `customer`, each planned at its time, created by `actor` and assigned to
    `assignee`; `notes[i]` is the (verb, summary) of the timeline entry recorded on order i between its
    "created" and its "assigned". Answers the orders, in the order of `planned_ats`. ValidationFailed,
    PermissionDenied and NotAllowed as the single path raises them, before anything is written."""
    if not 1 <= len(planned_ats) <= MAX_BATCH or len(notes) != len(planned_ats):
        raise ValueError(f"1 to {MAX_BATCH} planned times, one note each")
    permissions.require(actor, "workorder.create")
    data = {"customer": customer, "contact": None, "address": None, "product": product, "priority": priority,
            "service_type": None, "service_content": None, "description": description, "attachments": ()}
    new = orders.clean_new_order(actor, order_type, data, fields)
    errors = {}
    planned = [orders.clean_planned_at(value, errors) for value in planned_ats]
    if errors:
        raise ValidationFailed(details=errors)
    config = flow.normalize(new.order_type.flow)
    if flow.approval_rule(config, flow.ACTION_NODE["assign"]) is not None:
        raise ValueError("the assign node needs approval: create these orders one at a time")
    now, tenant = kernel.now(), require_tenant()
    built = [_build(actor, tenant, new, planned_at, config, now, assignee) for planned_at in planned]
    orders.link_product(actor, new.values.get("product"), new.values["customer"])
    head, key = orders.number_parts(now)
    first = reserve(key, len(built))  # the counter stays locked to the end of the transaction, as one by one
    for index, (order, _before, _step) in enumerate(built):
        order.number = orders.format_number(head, first + index)
    writes.insert_many(WorkOrder, [order for order, _before, _step in built])
    _collaborators(new.collaborators, [order for order, _before, _step in built])
    _spans(built, now)
    _timeline_and_events(actor, new.order_type, built, notes)
    return [order for order, _before, _step in built]


def _build(actor, tenant, new, planned_at, config, now, assignee):
    """One order as create_work_order leaves it (待指派, its deadline), then assigned in memory as the runner
    does it (the step's fields, the new status and deadline, the version): (order, before, step)."""
    order = WorkOrder(tenant=tenant, number="", order_type=new.order_type, status=Status.PENDING, created_by=actor,
                      fields=copy.deepcopy(new.fields), created_at=now, planned_at=planned_at,
                      **copy.copy(new.values))
    kernel.set_deadline(order, config, now)
    flow.check("assign", order, config)
    runner = kernel.RUNNER
    before = runner.snapshot(order)
    step = runner.apply["assign"](actor, order, {"assignee_id": assignee.pk, "note": ""}, config, now,
                                  assignee=assignee)
    if step.enter is not None:
        status = flow.next_status("assign", order, config) if step.enter is NEXT else step.enter
        runner.enter(order, status, config, now)
    runner.prepare_save(order)
    return order, before, step


def _collaborators(users, built):
    if not users:
        return
    through = WorkOrder.collaborators.through
    through.objects.bulk_create([through(workorder_id=order.pk, user_id=user.pk) for order in built for user in users])


def _spans(built, now):
    """Each order's 待指派 span, opened and closed at `now`, and the span of the status it entered."""
    spans = []
    for order, before, _step in built:
        spans.append(StatusSpan(tenant_id=order.tenant_id, order=order, status=before["status"],
                                paused=bool(before["is_paused"]), started_at=now, ended_at=now))
        spans.append(kernel.RUNNER.new_span(order, now))
    writes.insert_many(StatusSpan, spans)


def _timeline_and_events(actor, order_type, built, notes):
    """Per order, in the single path's order: "created" and its event, the note, "assigned" and its event."""
    runner = kernel.RUNNER
    entries, events = [], []
    for (order, before, step), (verb, summary) in zip(built, notes, strict=True):
        entries.append(timeline.entry(actor=actor, obj=order, verb="created", summary=_("Created the work order")))
        events.append(outbox.event_for("workorder.created", **kernel.event_fields(order), actor_id=kernel.pk(actor),
                                       type_id=order_type.pk))
        entries.append(timeline.entry(actor=actor, obj=order, verb=verb, summary=summary))
        entries.append(timeline.entry(actor=actor, obj=order, verb=step.verb, summary=step.summary,
                                      changes=runner.tracked_changes(order, before), note=step.note,
                                      attachments=step.attachments))
        events.append(outbox.event_for(runner.event_name(step.event), **kernel.event_fields(order),
                                       actor_id=kernel.pk(actor), **step.payload))
    writes.insert_many(type(entries[0]), entries)
    writes.insert_many(type(events[0]), events)
    for event in events:
        outbox.schedule(event)
