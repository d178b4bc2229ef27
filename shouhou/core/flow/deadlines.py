"""Node deadlines of the flow engine (issue 9, point 1): the clock of the node a document waits for, and the
periodic sweep that marks documents overdue and sends each timeout reminder once, over every kind that
registered its `Timeouts` (work orders: workorders/services/timeouts.py).

A flow document carries three fields for this: `deadline_node` (the node whose clock runs, "" for none),
`deadline_at` (None for none) and `is_overdue`. The hours of a node come from the kind's stored flow
configuration (`FlowKind.timeout_hours`) and count on the wall clock, or in the company's working hours
when it counts timeouts so (SYS-10, core.working_hours).

The reminder rule (WOSET-F2) is the kind's, per document type: {"related", "user_ids", "when": "before" |
"after", "minutes"}; "overdue" is always due at the deadline. The kind's reminder model has a unique row per
(document, node, deadline_at, kind): claiming it is what makes a reminder go out once, whichever worker
runs first.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from shouhou.core import working_hours

log = logging.getLogger(__name__)


def deadline(kind, config, node, now):
    """(deadline_node, deadline_at) for a document that now waits for `node` (None: for nothing) under the
    stored flow `config` of FlowKind `kind`: ("", None) when the node has no timeout."""
    hours = kind.timeout_hours(config, node) if node else None
    if not hours:
        return "", None
    schedule = working_hours.timeout_schedule()
    return node, (schedule.add(now, hours) if schedule else now + timedelta(hours=hours))


def start_clock(document, kind, config, node, now):
    """Start the clock of `node` on the document (or stop it when None or untimed); not overdue any more."""
    document.deadline_node, document.deadline_at = deadline(kind, config, node, now)
    document.is_overdue = False


# --- the sweep ------------------------------------------------------------------------------------------

def _reminder_configured(rule):
    return bool(rule) and bool(rule.get("related") or rule.get("user_ids"))


@dataclass(eq=False)
class Timeouts:
    """A kind's part of the sweep. `runner`: its FlowRunner (model, save, record, emit); `reminder_model`
    with its foreign key `reminder_field` to the document (and node, deadline_at, kind); `type_field`: the
    document's foreign key to its type, whose `rules()` gives [(type_id, reminder rule)]; `rule_of(doc)`: the
    document's rule; `overdue_summary(doc)`: the timeline's words when it times out."""

    runner: object
    reminder_model: type
    reminder_field: str
    type_field: str
    rules: object
    rule_of: object
    overdue_summary: object

    @property
    def model(self):
        return self.runner.model

    def _reminder_exists(self, kind):
        return Exists(self.reminder_model.objects.filter(
            **{self.reminder_field: OuterRef("pk")}, node=OuterRef("deadline_node"),
            deadline_at=OuterRef("deadline_at"), kind=kind))

    def candidates(self, now):
        """Documents with a reminder or the overdue mark due now and not yet done (exact per type)."""
        due = Q(deadline_at__lte=now) & (Q(is_overdue=False) | ~self._reminder_exists("overdue"))
        type_id = f"{self.type_field}_id"
        for pk, rule in self.rules():
            if not _reminder_configured(rule):
                continue
            minutes = timedelta(minutes=int(rule.get("minutes") or 0))
            if rule.get("when") == "after":
                due |= Q(**{type_id: pk}, deadline_at__lte=now - minutes) & ~self._reminder_exists("after")
            else:
                due |= (Q(**{type_id: pk}, deadline_at__gt=now, deadline_at__lte=now + minutes)
                        & ~self._reminder_exists("before"))
        return self.model.objects.filter(deadline_at__isnull=False).filter(due).order_by("deadline_at")

    def process(self, *, now=None, limit=500):
        """Mark the company's documents past their node deadline overdue and send each reminder once.
        Idempotent. Each document is handled in its own transaction, locked with SKIP LOCKED so parallel
        workers share the work."""
        now = now or self.runner.now()
        handled = 0
        for pk in list(self.candidates(now).values_list("pk", flat=True)[:limit]):
            handled += self._process_one(pk, now)
        return handled

    def _process_one(self, pk, now):
        runner = self.runner
        with transaction.atomic():
            document = (self.model.objects.select_for_update(skip_locked=True)
                        .filter(pk=pk, deadline_at__isnull=False).first())
            if document is None:
                return 0
            rule = self.rule_of(document) or {}
            sent = 0
            for kind in due_reminders(document, rule, now):
                if self._claim(document, kind):
                    runner.emit("timeout", document, None, node=document.deadline_node, kind=kind,
                                deadline_at=document.deadline_at.isoformat(), minutes=rule.get("minutes"))
                    sent += 1
            if document.deadline_at <= now and not document.is_overdue:
                before = runner.snapshot(document)
                document.is_overdue = True
                runner.save(document)
                runner.record(None, document, "overdue", self.overdue_summary(document), before)
            return sent

    def _claim(self, document, kind):
        try:
            with transaction.atomic():
                self.reminder_model.objects.create(tenant_id=document.tenant_id, **{self.reminder_field: document},
                                                   node=document.deadline_node, deadline_at=document.deadline_at,
                                                   kind=kind)
        except IntegrityError:
            return False
        return True


def due_reminders(document, rule, now):
    """The reminder kinds due now for the document: "overdue" at the deadline, "before"/"after" by the rule."""
    kinds = []
    if document.deadline_at <= now:
        kinds.append("overdue")
    if _reminder_configured(rule):
        minutes = timedelta(minutes=int(rule.get("minutes") or 0))
        if rule.get("when") == "after" and now >= document.deadline_at + minutes:
            kinds.append("after")
        elif rule.get("when", "before") == "before" and document.deadline_at - minutes <= now < document.deadline_at:
            kinds.append("before")
    return kinds


# --- the registry and the periodic run ---------------------------------------------------------------------

_KINDS = {}


def register(timeouts):
    """Let the periodic sweep handle a kind's deadlines (from its AppConfig.ready())."""
    _KINDS[timeouts.runner.event_prefix] = timeouts


def unregister(timeouts):
    _KINDS.pop(timeouts.runner.event_prefix, None)


def registered():
    return list(_KINDS.values())


def run(now=None, kinds=None):
    """Process every active company with a running node deadline, kind by kind; the number of reminders
    sent. One company's failure does not stop the others (the next run retries)."""
    from shouhou.core.models import Tenant
    from shouhou.core.tenancy import tenant_context

    now = now or timezone.now()
    sent = 0
    for timeouts in kinds or registered():
        tenant_ids = (timeouts.model.all_tenants.filter(deadline_at__isnull=False).order_by()
                      .values_list("tenant_id", flat=True).distinct())
        for tenant in Tenant.objects.filter(pk__in=list(tenant_ids), is_active=True):
            with tenant_context(tenant):
                try:
                    sent += timeouts.process(now=now)
                except Exception:
                    log.exception("%s timeouts failed for company %s", timeouts.runner.event_prefix, tenant.pk)
    return sent
