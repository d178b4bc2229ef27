"""The steps every work-order write is made of (architecture §4, §8), public inside the services package:
`lock` (the row, the expected version, the actor's scope), `save` (flags, version), `snapshot` /
`record` (the timeline with before/after), `emit` (the outbox), the span and deadline moves of the
flow, and the small cleaners the subject modules share (`clean_text`, `clean_file_refs`, …).

`RUNNER` declares work orders as a document kind of the flow engine (core.flow.runner.FlowRunner): the
action protocol (check → approval or APPLY → status, span, deadline → save → timeline + outbox) and the
shared steps are the engine's; `save`, `snapshot`, `record`, `split_span`, `move` … here are its steps
under the names the subject modules use.

Each write locks the order, checks, writes, records the timeline and emits its event in one
transaction; a refusal raises before anything is written, so it changes nothing.
"""

from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.accounts.models import User
from shouhou.core import (
    outbox,
    permissions,
)
from shouhou.core.errors import (
    NotFound,
    ValidationFailed,
)
from shouhou.core.flow import approvals as flow_approvals
from shouhou.core.flow import locking
from shouhou.core.flow.runner import FlowRunner
from shouhou.core.forms_engine.kinds import FieldError
from shouhou.core.forms_engine.kinds.files import clean_ref

from .. import flow
from .. import references as refs
from ..models import (
    Approval,
    Receipt,
    Status,
    StatusSpan,
    WorkOrder,
)

MAX_TEXT = 5000


MAX_REASON = 500


MAX_FILES = 20


FLAG_FIELDS = ("is_paused", "is_overdue", "is_rejected", "awaiting_approval", "location_anomaly")


TRACKED = ("status", "assignee", *FLAG_FIELDS)


def now():
    return timezone.now()


def pk(value):
    return getattr(value, "pk", value)


def can_see(actor, order):
    """The order is within the actor's data scope. Its assignee and creator see it under every scope (and
    so does an actor with the "all" scope), which spares the scope query for nearly every action."""
    from ..queries.orders import visible_work_orders

    if actor is None:
        return False
    scope = permissions.data_scope(actor, "workorder")
    if scope is None:
        return False
    if scope == permissions.SCOPE_ALL or actor.pk in (order.assignee_id, order.created_by_id):
        return True
    return visible_work_orders(actor).filter(pk=order.pk).exists()


def lock(actor, order, expected_version=None, *, check_scope=True):
    """The order, locked for this transaction; Conflict on a stale version; NotFound outside the actor's scope.

    The version comes first: an actor who read the order and lost sight of it meanwhile (it was
    transferred away while he was accepting it) is told that it changed, as the one who won the race
    was. Its type (the flow), assignee (the timeline's before/after), customer, product and receipt (the
    API's answer) come in the same query; only the order's row is locked."""
    rows = (WorkOrder.objects.select_for_update(of=("self",))
            .select_related("order_type", "assignee", "customer", "receipt", "product"))
    locked = locking.lock(rows, pk(order), expected_version,
                          _("The work order has changed; reload it and try again."))
    if check_scope and not can_see(actor, locked):
        raise NotFound()
    return locked


def receipt_of(order):
    """The order's receipt or None (joined by lock, so usually no query)."""
    try:
        return order.receipt
    except Receipt.DoesNotExist:
        return None


def flow_of(order):
    return flow.normalize(order.order_type.flow)


def save(order, fields=()):
    """Write the changed fields; keeps is_exception in step and bumps the version."""
    RUNNER.save(order, fields)


def snapshot(order):
    return RUNNER.snapshot(order)


def tracked_changes(order, before):
    """Timeline changes of status, assignee and flags, in words."""
    return RUNNER.tracked_changes(order, before)


def record(actor, order, verb, summary, before=None, *, note="", attachments=None, changes=()):
    RUNNER.record(actor, order, verb, summary, before, note=note, attachments=attachments, changes=changes)


def event_fields(order):
    return {"order_id": order.pk, "number": order.number}


def emit(name, order, actor, **payload):
    outbox.emit(name, **event_fields(order), actor_id=pk(actor), **payload)


def record_and_emit(actor, order, verb, summary, before=None, *, note="", attachments=None, changes=(),
                    event, **payload):
    """`record` then `emit` of `event` (its full name, "workorder.…"), in one statement where the database
    allows (core.flow.writes)."""
    RUNNER.record_and_emit(actor, order, verb, summary, before, note=note, attachments=attachments, changes=changes,
                           event=event.removeprefix("workorder."), **payload)


def clean_text(value, field, *, required=False, limit=MAX_REASON, errors=None):
    """Stripped text; a field error when required and empty or too long."""
    text = (value or "").strip() if isinstance(value, str) else ("" if value is None else str(value).strip())
    message = None
    if required and not text:
        message = _("This field is required.")
    elif len(text) > limit:
        message = _("Enter at most %(limit)s characters.") % {"limit": limit}
    if message:
        if errors is None:
            raise ValidationFailed(details={field: [message]})
        errors[field] = [message]
    return text


def clean_file_refs(items, field, errors, *, limit=MAX_FILES):
    items = list(items or [])
    if len(items) > limit:
        errors[field] = [_("Attach at most %(limit)d files.") % {"limit": limit}]
        return []
    refs = []
    for item in items:
        try:
            refs.append(clean_ref(item))
        except FieldError as exc:
            errors[field] = exc.messages
            return []
    return refs


def merge_validation(errors, exc):
    for key, messages in exc.details.items():
        errors.setdefault(key, []).extend(messages)


def active_user(value, field="assignee"):
    """An active user of the company who may see work orders, or ValidationFailed."""
    # with the company: its grants_version lets has_perm use the cached grants (core.permissions)
    user = (User.objects.for_tenant().select_related("tenant").filter(pk=pk(value), is_active=True).first()
            if value is not None else None)
    if user is None or not permissions.has_perm(user, "workorder.view"):
        raise ValidationFailed(details={field: [_("Choose an active colleague who may handle work orders.")]})
    return user


def check_service_team(customer, user, field="assignee"):
    """启用按服务团队派单 (team.dispatch_by_team, ACC-06): an order of a customer with a service team goes to
    a member or leader of that team or of its sub-teams. Nothing is read while the switch is off."""
    from shouhou.accounts.queries import members_of

    from ..queries.pickers import service_team_ids

    team_ids = service_team_ids(customer)
    if team_ids is None or members_of(team_ids).filter(pk=user.pk).exists():
        return
    raise ValidationFailed(details={field: [
        _("Choose a member of %(team)s, the customer's service team, or of one of its sub-teams.") % {
            "team": customer.service_team.name}]})


def resolve_assignee(actor, value, *, order=None, customer=None):
    """The new assignee: an active colleague who may handle work orders, of the customer's service team
    when the company dispatches by it, and one the actor's assignee picker offers (refused alike when
    missing or outside the actor's choice)."""
    user = active_user(value)
    check_service_team(order.customer if order is not None else customer, user)
    refs.assignee(actor, user.pk, order=order, customer=customer)
    return user


def open_span(order, now):
    RUNNER.open_span(order, now)


def split_span(order, now):
    """Close the running span and open the next: on every status change and on pause/resume (one
    statement where the database allows: core.flow.writes)."""
    RUNNER.split_span(order, now)


def set_deadline(order, flow_config, now):
    """Start the clock of the node the order now waits for (or stop it when nothing follows). The node's
    hours count on the wall clock, or in working hours when the company counts timeouts so (SYS-10)."""
    RUNNER.set_deadline(order, flow_config, now)


def move(order, status, flow_config, now):
    """Enter `status` (or re-enter it): new time span, new deadline."""
    return RUNNER.move(order, status, flow_config, now)


def clean_coordinate(value, limit, field, errors):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or abs(number) > limit:
        errors[field] = [_("Enter a number between -%(limit)s and %(limit)s.") % {"limit": limit}]
        return None
    return number


# --- work orders as a document kind of the flow engine ------------------------------------------------------

def describe(name, old, new):
    """The timeline's words for a tracked field's old and new value."""
    if name == "status":
        return Status(old).label, Status(new).label
    if name == "assignee":
        return (old.name if old else ""), (new.name if new else "")
    return ("✓" if old else "✗"), ("✓" if new else "✗")


def _keep_exception_in_step(order):
    order.is_exception = any(getattr(order, name) for name in FLAG_FIELDS)


def _entering(order, status):
    if status not in flow.WORKING_STATUSES:  # pause/resume exist only while working
        order.is_paused = False


def _apply_table():
    """The APPLY table: the work-order module's own actions, plus the action of each module node (回访,
    结算) whose module registered its performer (flow.register_performer) — the performer IS that action's
    APPLY function: `performer(actor, order, payload, flow_config, now) -> Step`."""
    from . import transitions  # it builds on this module

    performed = {flow.ACTION_NODE_INVERSE[node]: performer for node, performer in flow.KIND.performers.items()
                 if node in flow.ACTION_NODE_INVERSE}
    return {**transitions.APPLY, **performed} if performed else transitions.APPLY


def _assignee_of(order, payload):
    """The team-leader rule's assignee: the one the action names (assign, transfer), else the order's."""
    return payload.get("assignee_id") or order.assignee_id


RUNNER = FlowRunner(
    kind=flow.KIND, model=WorkOrder, event_prefix="workorder", lock=lock, can_see=can_see, config_of=flow_of,
    check=flow.check, next_status=flow.next_status, action_node=flow.ACTION_NODE, waiting_node=flow.waiting_node,
    final_statuses=flow.FINAL_STATUSES, apply=_apply_table, span_model=StatusSpan, span_field="order",
    tracked=TRACKED, describe=describe, event_fields=event_fields, flags=(*FLAG_FIELDS, "is_exception"),
    before_save=_keep_exception_in_step, entering=_entering,
    clock=lambda: now(),  # looked up on each call: tests stand a clock in for kernel.now
    approvals=flow_approvals.Approvals(
        model=Approval, document_field="order", creator_of=lambda order: order.created_by_id,
        assignee_of=_assignee_of, action_labels=flow.ACTION_LABELS, clean_note=clean_text,
        waiting=flow.WAITING_FOR_APPROVAL, not_allowed=flow.NotAllowed))
