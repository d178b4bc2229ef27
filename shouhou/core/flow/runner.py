"""The action protocol of the flow engine (issue 9, point 1), the same for every document kind:

    lock (versioned, in the actor's scope) → policy → clean the input → check the table
    → ask for approval (core.flow.approvals) or APPLY → enter the new status (span + deadline)
    → save (version bump) → timeline entry + outbox event (one statement where the database allows)

A kind declares a `FlowRunner`: its model, its FlowKind and table (`check`, `next_status`, the node of each
action, the node it waits for at a status), its lock, its APPLY table, its span model, the fields its
timeline shows before/after, its approval storage and its event prefix. Its services then lock, ask their
policy and clean their input, and call `runner.perform(...)`; everything after that is here.

An APPLY function is the kind's own code of one action: it sets the fields the action sets on the locked,
checked document and returns a `Step` (verb, summary, fields, the status to enter, the event's payload).
The runner took the "before" snapshot already, and does the rest. The same function runs when an approval
is approved, as the requester.
"""

from functools import cached_property

from django.utils import timezone

from shouhou.core import outbox, timeline

from . import deadlines, writes

NEXT = object()  # Step.enter: the status the table gives for the action


class Step:
    """What an action did, for the runner to finish: `verb` and `summary` of the timeline entry, the
    `fields` it set, `enter` (a status to enter — new span, new deadline —, NEXT for the table's, None to
    stay), `span` (stay, but start a new span: pause/resume), the entry's `note`/`attachments`, and the
    event (`event`, default the verb, after the kind's prefix) with its `payload`."""

    __slots__ = ("verb", "summary", "fields", "enter", "span", "note", "attachments", "event", "payload")

    def __init__(self, verb, summary, *, fields=(), enter=None, span=False, note="", attachments=None, event=None,
                 **payload):
        self.verb, self.summary, self.fields, self.enter, self.span = verb, summary, fields, enter, span
        self.note, self.attachments, self.event, self.payload = note, attachments, event or verb, payload


def _pk(value):
    return getattr(value, "pk", value)


class FlowRunner:
    """One document kind's declaration, and the shared steps of its actions as methods.

    kind           the FlowKind (nodes, timeouts, approval rules)
    model          the document model (status, version, deadline_node, deadline_at, is_overdue,
                   awaiting_approval, tenant)
    event_prefix   "workorder": events are "<prefix>.<verb>", approvals "<prefix>.approval_requested" …
    lock           lock(actor, document_or_pk, expected_version=None, *, check_scope=True) → the locked row
    can_see        can_see(actor, document) → within the actor's data scope
    config_of      config_of(document) → the normalized flow configuration of its type
    check          check(action, document, config, *, ignore_approval=False): raise when not allowed now
    next_status    next_status(action, document, config) → the status after the action
    action_node    {action: node} whose approval rule and timeout belong to the action
    waiting_node   waiting_node(status, config) → the node a document at `status` waits for, or None
    final_statuses statuses after which no clock runs
    apply          {action: apply(actor, document, payload, config, now, **checked) → Step}, or a
                   function returning it (read once, on first use: the table may import the runner)
    span_model     the status-span model (status, paused, started_at, ended_at) and `span_field`, its
                   foreign key to the document
    tracked        fields the timeline shows before/after; `describe(name, old, new)` → their words
    flags          flag fields saved with every write; `before_save(document)` keeps derived ones in step
    entering       entering(document, status) before a new status' span (clear what it does not keep)
    event_fields   event_fields(document) → the identifying fields of every event
    approvals      the kind's approval declaration (core.flow.approvals.Approvals), or None
    clock          the time of an action (default timezone.now)
    """

    def __init__(self, *, kind, model, event_prefix, lock, can_see, config_of, check, next_status, action_node,
                 waiting_node, final_statuses, apply, span_model, span_field, tracked, describe, event_fields,
                 flags=(), before_save=None, entering=None, approvals=None, clock=timezone.now):
        self.kind, self.model, self.event_prefix = kind, model, event_prefix
        self.lock, self.can_see, self.config_of = lock, can_see, config_of
        self.check, self.next_status, self.action_node = check, next_status, action_node
        self.waiting_node, self.final_statuses = waiting_node, frozenset(final_statuses)
        self._apply = apply
        self.span_model, self.span_field = span_model, span_field
        self.tracked, self.describe, self.event_fields = tuple(tracked), describe, event_fields
        self.flags, self.before_save, self.entering = tuple(flags), before_save, entering
        self.approvals = approvals
        self.now = clock
        self._always_saved = {*self.flags, "version", "updated_at"}

    @cached_property
    def apply(self):
        return self._apply() if callable(self._apply) else self._apply

    # --- the protocol -----------------------------------------------------------------------------------

    def perform(self, actor, document, action, payload, **checked):
        """Check the table, then apply the action, or record an approval request when its node has a rule.

        The document is locked and the actor's part asked (the kind's service did both). `checked` hands
        the apply step objects the caller has just validated (the new assignee), which it would otherwise
        read again; an approval stores only the payload, and its apply step reads them anew."""
        config = self.config_of(document)
        self.check(action, document, config)
        node = self.action_node.get(action)
        rule = self.kind.approval_rule(config, node) if node else None
        if rule is not None:
            from . import approvals

            return approvals.request(self, actor, document, action, node, rule, payload)
        return self.run(actor, document, action, payload, config, self.now(), **checked)

    def run(self, actor, document, action, payload, config, now, **checked):
        """Apply a checked action: the kind's APPLY sets its fields, then the new status (span and
        deadline), the save and the timeline entry with the event."""
        before = self.snapshot(document)
        step = self.apply[action](actor, document, payload, config, now, **checked)
        fields = list(step.fields)
        if step.enter is not None:
            status = self.next_status(action, document, config) if step.enter is NEXT else step.enter
            fields += self.move(document, status, config, now)
        elif step.span:
            self.split_span(document, now)
        self.save(document, fields)
        self.record_and_emit(actor, document, step.verb, step.summary, before, note=step.note,
                             attachments=step.attachments, event=step.event, **step.payload)
        return document

    # --- status, spans, deadlines ------------------------------------------------------------------------

    def move(self, document, status, config, now):
        """Enter `status` (or re-enter it): a new time span and a new deadline; the fields it set."""
        self.enter(document, status, config, now, split=self.split_span)
        return ["status", "deadline_node", "deadline_at"]

    def enter(self, document, status, config, now, *, split=None):
        """`move` in memory: the status, what entering it clears and its deadline; `split(document, now)` writes
        the span between (a bulk creation writes its spans together afterwards: workorders.services.orders_bulk)."""
        document.status = status
        if self.entering is not None:
            self.entering(document, status)
        if split is not None:
            split(document, now)
        self.set_deadline(document, config, now)

    def new_span(self, document, now):
        return self.span_model(tenant_id=document.tenant_id, **{self.span_field: document}, status=document.status,
                               paused=bool(getattr(document, "is_paused", False)), started_at=now)

    def open_span(self, document, now):
        """The first span of a new document."""
        self.new_span(document, now).save(force_insert=True)

    def split_span(self, document, now):
        """Close the running span and open the next (one statement where the database allows)."""
        writes.split_span(self.new_span(document, now), self.span_field, now)

    def set_deadline(self, document, config, now):
        """Start the clock of the node the document now waits for (or stop it when nothing follows)."""
        node = self.waiting_node(document.status, config) if document.status not in self.final_statuses else None
        deadlines.start_clock(document, self.kind, config, node, now)

    # --- save, timeline, outbox ---------------------------------------------------------------------------

    def save(self, document, fields=()):
        """Write the changed fields with the flags; keeps derived flags in step and bumps the version."""
        self.prepare_save(document)
        document.save(update_fields=sorted({*fields, *self._always_saved}))

    def prepare_save(self, document):
        """What `save` does before writing: derived flags in step, the version bumped."""
        if self.before_save is not None:
            self.before_save(document)
        document.version += 1

    def snapshot(self, document):
        return {name: getattr(document, name) for name in self.tracked}

    def tracked_changes(self, document, before):
        """Timeline changes of the tracked fields, in the kind's words."""
        changes = []
        for name in self.tracked:
            old, new = before[name], getattr(document, name)
            if old == new:
                continue
            label = str(self.model._meta.get_field(name).verbose_name)
            old, new = self.describe(name, old, new)
            changes.append({"field": name, "label": label, "old": str(old), "new": str(new)})
        return changes

    def _changes(self, document, before, changes):
        return [*(self.tracked_changes(document, before) if before is not None else []), *changes]

    def record(self, actor, document, verb, summary, before=None, *, note="", attachments=None, changes=()):
        timeline.record(actor=actor, obj=document, verb=verb, summary=summary,
                        changes=self._changes(document, before, changes), note=note, attachments=attachments)

    def event_name(self, event):
        return f"{self.event_prefix}.{event}"

    def emit(self, event, document, actor, **payload):
        outbox.emit(self.event_name(event), **self.event_fields(document), actor_id=_pk(actor), **payload)

    def record_and_emit(self, actor, document, verb, summary, before=None, *, note="", attachments=None, changes=(),
                        event, **payload):
        """`record` then `emit`, written in one statement where the database allows (core.flow.writes)."""
        entry = timeline.entry(actor=actor, obj=document, verb=verb, summary=summary,
                               changes=self._changes(document, before, changes), note=note, attachments=attachments)
        outbox_event = outbox.event_for(self.event_name(event), **self.event_fields(document), actor_id=_pk(actor),
                                        **payload)
        writes.insert(entry, outbox_event)
        outbox.schedule(outbox_event)
