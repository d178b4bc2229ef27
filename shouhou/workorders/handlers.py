"""Outbox handlers: work-order events become in-app notifications, and SMS when the company says so.

New assignment → the assignee; reject and complete → the dispatcher (or the creator); transfer → both
assignees; cancel → the assignee; approval request → the approvers; decision → the requester;
timeouts → the people of the type's reminder rule (WOSET-F2). Delivery is once per event and user.
"""

import logging

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from shouhou.accounts.models import User
from shouhou.core import company_settings
from shouhou.core.errors import DomainError
from shouhou.core.geo import GeocodingError
from shouhou.core.outbox import on_event
from shouhou.messaging.models import Notification
from shouhou.messaging.services import notify, send_sms

from .models import Approval, WorkOrder
from .services import geocoding

log = logging.getLogger(__name__)
ORDER = Notification.Category.WORK_ORDER
APPROVAL = Notification.Category.APPROVAL


def order_url(order_id):
    """The order's detail page, once the console has one."""
    try:
        return reverse("workorders:detail", args=[order_id])
    except NoReverseMatch:
        return ""


# What the messages use of an order (its row and its customer's are wide; the delivery reads only these).
ORDER_FIELDS = ("tenant_id", "number", "status", "order_type_id", "customer_id", "customer__name", "assignee_id",
                "assignee__name", "dispatcher_id", "created_by_id")


def _order(event):
    return (WorkOrder.objects.filter(pk=event.payload.get("order_id")).select_related("assignee", "customer")
            .only(*ORDER_FIELDS).first())


def _users(*ids):
    ids = {i for i in ids if i}
    return list(User.objects.for_tenant().filter(pk__in=ids, is_active=True)) if ids else []


def _send(event, users, title, body="", *, category=ORDER, order_id=None, url=None):
    """Notify in-app; text staff too when sms.notify_staff is on (a failed SMS never blocks the rest)."""
    notify(users=users, title=title, body=body, url=url or order_url(order_id or event.payload.get("order_id")),
           category=category, event_id=event.pk)
    if not company_settings.get("sms.notify_staff"):
        return
    for user in users:
        if not user.phone or not user.is_active:
            continue
        try:
            send_sms(phone=user.phone, content=f"{title} {body}".strip(), purpose="workorder.notify",
                     event_id=event.pk)
        except DomainError as exc:  # quota used up, bad number: in-app notice already went out
            log.warning("work-order SMS to user %s not sent: %s", user.pk, exc)


def _dispatcher_or_creator(order):
    return _users(order.dispatcher_id or order.created_by_id)


@on_event("workorder.assigned")
def notify_assignee(event):
    order = _order(event)
    if order is None:
        return
    _send(event, _users(event.payload.get("assignee_id")),
          _("New work order %(number)s") % {"number": order.number},
          _("Customer: %(customer)s") % {"customer": order.customer.name})


@on_event("workorder.rejected")
def notify_rejected(event):
    order = _order(event)
    if order is None:
        return
    _send(event, _dispatcher_or_creator(order), _("Work order %(number)s was rejected") % {"number": order.number},
          event.payload.get("reason", ""))


@on_event("workorder.finished")
def notify_finished(event):
    order = _order(event)
    if order is None:
        return
    _send(event, _dispatcher_or_creator(order), _("Work order %(number)s is complete") % {"number": order.number},
          _("Completed by %(name)s") % {"name": order.assignee.name if order.assignee else "-"})


@on_event("workorder.transferred")
def notify_transfer(event):
    order = _order(event)
    if order is None:
        return
    title = _("Work order %(number)s was transferred") % {"number": order.number}
    new = _users(event.payload.get("new_assignee_id"))
    _send(event, [*new, *_users(event.payload.get("old_assignee_id"))], title,
          _("New assignee: %(name)s") % {"name": new[0].name if new else "-"})


@on_event("workorder.cancelled")
def notify_cancelled(event):
    order = _order(event)
    if order is None:
        return
    _send(event, _users(event.payload.get("assignee_id")),
          _("Work order %(number)s was cancelled") % {"number": order.number}, event.payload.get("reason", ""))


@on_event("workorder.approval_requested")
def notify_approvers(event):
    order = _order(event)
    if order is None:
        return
    _send(event, _users(*event.payload.get("approver_ids", [])),
          _("Approval needed: work order %(number)s") % {"number": order.number},
          _("Requested action: %(action)s") % {"action": _action_label(event.payload.get("action"))},
          category=APPROVAL)


@on_event("workorder.approval_decided")
def notify_requester(event):
    order = _order(event)
    if order is None:
        return
    approved = event.payload.get("state") == Approval.State.APPROVED
    title = (_("Approved: work order %(number)s") if approved else _("Refused: work order %(number)s")) % {
        "number": order.number}
    _send(event, _users(event.payload.get("requested_by_id")), title, category=APPROVAL)


@on_event("workorder.timeout")
def notify_timeout(event):
    order = _order(event)
    if order is None:
        return
    kind = event.payload.get("kind")
    if event.payload.get("node") == "pool":  # WOSET-P4: nobody claimed it in time; the dispatcher and
        if kind == "overdue":                  # the pool's subscribers, once
            from .queries.pool import subscribers_of

            _send(event, _dispatcher_or_creator(order) + subscribers_of(order),
                  _("Nobody has claimed work order %(number)s from the pool in time") % {"number": order.number},
                  url=_pool_url())
        return
    recipients = timeout_recipients(order, kind)
    minutes = event.payload.get("minutes") or 0
    if kind == "before":
        title = _("Work order %(number)s times out in %(minutes)s minutes")
    elif kind == "after":
        title = _("Work order %(number)s timed out %(minutes)s minutes ago")
    else:
        title = _("Work order %(number)s has timed out")
    _send(event, recipients, title % {"number": order.number, "minutes": minutes})


def timeout_recipients(order, kind):
    """WOSET-F2: the related people and named users; the overdue notice falls back to the assignee
    (or, before assignment, the dispatcher or creator) when the rule names nobody."""
    rule = order.order_type.timeout_reminder or {}
    related = rule.get("related") or []
    ids = list(rule.get("user_ids") or [])
    if "assignee" in related:
        ids.append(order.assignee_id)
    if "creator" in related:
        ids.append(order.created_by_id)
    if "collaborators" in related:
        ids += list(order.collaborators.values_list("pk", flat=True))
    users = _users(*ids)
    if not users and kind == "overdue":
        users = _users(order.assignee_id) or _dispatcher_or_creator(order)
    return users


@on_event("workorder.published")
def notify_pool(event):
    """WOSET-P2, P3: the engineers near a newly published order, nearest first (in-app, and by SMS when the
    company texts its staff), and the pool's subscribers who asked to hear of each new order."""
    from .queries.pool import pool_notify_recipients, subscribers_of

    order = WorkOrder.objects.filter(pk=event.payload.get("order_id")).select_related("customer").first()
    if order is None or order.status != "pooled":
        return
    if geocoding.needs_locating(order):  # published before its address job ran: the radius needs a position
        try:
            if geocoding.locate(order.pk, order.address_text):
                order.refresh_from_db(fields=["latitude", "longitude"])
        except GeocodingError:
            log.warning("work order %s published without a position: its address could not be located", order.pk)
    actor_id = event.payload.get("actor_id")
    recipients = [user for user, _distance in pool_notify_recipients(order, exclude_id=actor_id)]
    recipients += [user for user in subscribers_of(order, each_new=True) if user.pk != actor_id]
    if recipients:
        _send(event, recipients, _("New work order %(number)s in the pool") % {"number": order.number},
              order.customer.name, url=_pool_url())


def _pool_url():
    """The pool page (an engineer cannot open a pooled order's page: it is nobody's yet)."""
    try:
        return reverse("workorders:pool")
    except NoReverseMatch:
        return ""


@on_event("workorder.claimed")
def notify_claimed(event):
    """接单: the dispatcher who published the order hears who took it."""
    order = _order(event)
    if order is None or order.assignee is None:
        return
    _send(event, _users(event.payload.get("dispatcher_id")),
          _("%(name)s claimed work order %(number)s") % {"name": order.assignee.name, "number": order.number})


@on_event("workorder.note_added")
def text_note_to_contact(event):
    """WO-31: a note marked for the customer goes out by SMS after the note is committed."""
    phone = event.payload.get("sms_phone")
    if not phone:
        return
    from .models import Note

    note = Note.objects.filter(pk=event.payload.get("note_id")).select_related("author").first()
    if note is None:
        return
    try:
        send_sms(phone=phone, content=note.content, actor=note.author, purpose="workorder.note", event_id=event.pk)
    except DomainError as exc:
        log.warning("note SMS for work order %s not sent: %s", event.payload.get("order_id"), exc)


def _action_label(action):
    from .flow import ACTION_LABELS

    return str(ACTION_LABELS.get(action, action or ""))


@on_event("workorder.auto_assign_failed")
def notify_auto_assign_failed(event):
    """自动派单 found nobody: the dispatcher (or the creator) hears which rules were tried and why each failed."""
    order = _order(event)
    if order is None:
        return
    rules = event.payload.get("rules") or []
    body = "\n".join(f"{r.get('rule_name')}: {'；'.join(r.get('reasons') or [])}" for r in rules) or _(
        "No auto-assignment rule is enabled.")
    _send(event, _dispatcher_or_creator(order),
          _("Work order %(number)s could not be auto-assigned") % {"number": order.number}, body)
