"""Node timeouts (WOSET-F2): marking orders overdue at their node deadline and sending each timeout
reminder once; run every minute by tasks.check_timeouts."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from .. import flow
from ..models import TimeoutReminder, WorkOrder, WorkOrderType
from . import kernel


def _reminder_exists(kind):
    return Exists(TimeoutReminder.objects.filter(order=OuterRef("pk"), node=OuterRef("deadline_node"),
                                                 deadline_at=OuterRef("deadline_at"), kind=kind))


def _timeout_candidates(now):
    """Orders with a reminder or the overdue mark due now and not yet done (exact per type)."""
    due = Q(deadline_at__lte=now) & (Q(is_overdue=False) | ~_reminder_exists("overdue"))
    for type_id, rule in WorkOrderType.objects.values_list("pk", "timeout_reminder"):
        if not _reminder_recipients_configured(rule):
            continue
        minutes = timedelta(minutes=int(rule.get("minutes") or 0))
        if rule.get("when") == "after":
            due |= Q(order_type_id=type_id, deadline_at__lte=now - minutes) & ~_reminder_exists("after")
        else:
            due |= (Q(order_type_id=type_id, deadline_at__gt=now, deadline_at__lte=now + minutes)
                    & ~_reminder_exists("before"))
    return WorkOrder.objects.filter(deadline_at__isnull=False).filter(due).order_by("deadline_at")


def _reminder_recipients_configured(rule):
    return bool(rule) and bool(rule.get("related") or rule.get("user_ids"))


def process_timeouts(*, now=None, limit=500):
    """Mark orders past their node deadline overdue and send each F2 reminder once. Idempotent.

    Each order is handled in its own transaction, locked with SKIP LOCKED so parallel workers share
    the work; the unique TimeoutReminder row is what makes a reminder go out once.
    """
    now = now or kernel.now()
    handled = 0
    for order_id in list(_timeout_candidates(now).values_list("pk", flat=True)[:limit]):
        handled += _process_timeout(order_id, now)
    return handled


def _process_timeout(order_id, now):
    with transaction.atomic():
        order = (WorkOrder.objects.select_for_update(skip_locked=True)
                 .filter(pk=order_id, deadline_at__isnull=False).first())
        if order is None:
            return 0
        rule = order.order_type.timeout_reminder or {}
        sent = 0
        for kind in _due_reminders(order, rule, now):
            if _claim_reminder(order, kind):
                kernel.emit("workorder.timeout", order, None, node=order.deadline_node, kind=kind,
                      deadline_at=order.deadline_at.isoformat(), minutes=rule.get("minutes"))
                sent += 1
        if order.deadline_at <= now and not order.is_overdue:
            before = kernel.snapshot(order)
            order.is_overdue = True
            kernel.save(order)
            kernel.record(None, order, "overdue", _("Timed out at the step “%(node)s”") % {
                "node": flow.NODE_LABELS.get(order.deadline_node, order.deadline_node)}, before)
        return sent


def _due_reminders(order, rule, now):
    kinds = []
    if order.deadline_at <= now:
        kinds.append("overdue")
    if _reminder_recipients_configured(rule):
        minutes = timedelta(minutes=int(rule.get("minutes") or 0))
        if rule.get("when") == "after" and now >= order.deadline_at + minutes:
            kinds.append("after")
        elif rule.get("when", "before") == "before" and order.deadline_at - minutes <= now < order.deadline_at:
            kinds.append("before")
    return kinds


def _claim_reminder(order, kind):
    try:
        with transaction.atomic():
            TimeoutReminder.objects.create(tenant_id=order.tenant_id, order=order, node=order.deadline_node,
                                           deadline_at=order.deadline_at, kind=kind)
    except IntegrityError:
        return False
    return True
