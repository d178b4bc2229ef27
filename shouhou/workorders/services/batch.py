"""Batch writes (批量指派 / 批量编辑 / 批量转派): each order goes through the single-order service, so
timelines, version checks and events stay in one place. A batch is all or nothing: the first
refusal rolls it back and names the order it stopped at."""


from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core import (
    permissions,
)
from shouhou.core.errors import (
    DomainError,
    ValidationFailed,
)

from . import actions, kernel
from .orders import update_work_order


@transaction.atomic
def batch_transfer(*, actor, orders, assignee, note=""):
    """Transfer several orders (批量转派, admins): all or none."""
    permissions.require(actor, "workorder.transfer")
    done = []
    for order in sorted(orders, key=kernel.pk):  # a fixed lock order: no deadlock between two batches
        locked = kernel.lock(actor, order)
        try:
            done.append(actions.transfer_locked(actor, locked, assignee, note))
        except DomainError as exc:
            exc.details = {**exc.details, "number": locked.number}
            exc.message = f"{locked.number}: {exc.message}"
            raise
    return done


BATCH_EDITABLE = ("priority", "planned_at", "service_type", "service_content")
MAX_BATCH = 500


def _batch(orders):
    orders = sorted(orders, key=kernel.pk)  # a fixed lock order: two batches never deadlock
    if not orders:
        raise ValidationFailed(details={"ids": [_("Select at least one work order.")]})
    if len(orders) > MAX_BATCH:
        raise ValidationFailed(details={"ids": [_("Select at most %(n)s work orders at a time.") % {"n": MAX_BATCH}]})
    return orders


def each_locked(actor, orders, step):
    """A batch's loop for a module's flow action (批量结算 …): lock each order (in id order, in the actor's scope)
    and run `step(locked)`; the first refusal names the order it stopped at. The caller's transaction makes it
    all or none. Answers the steps' results."""
    done = []
    for pk in sorted({kernel.pk(order) for order in orders}):
        locked = kernel.lock(actor, pk)
        try:
            done.append(step(locked))
        except DomainError as exc:
            raise _named(exc, locked)
    return done


def _named(exc, order):
    """The refusal, prefixed with the number of the order it happened on."""
    number = getattr(order, "number", "")
    exc.details = {**(exc.details or {}), "number": number}
    exc.message = f"{number}: {exc.message}" if number else exc.message
    return exc


@transaction.atomic
def batch_assign(*, actor, orders, assignee, note=""):
    """批量指派: assign every selected order to one person (each through services.assign)."""
    permissions.require(actor, "workorder.assign")
    done = []
    for order in _batch(orders):
        try:
            done.append(actions.assign(actor=actor, order=order, assignee=assignee, note=note))
        except DomainError as exc:
            raise _named(exc, order)
    return done


@transaction.atomic
def batch_update(*, actor, orders, **changes):
    """批量编辑: the same priority / planned time / service type / content on every selected order."""
    permissions.require(actor, "workorder.edit")
    unknown = sorted(set(changes) - set(BATCH_EDITABLE))
    if unknown:
        raise ValidationFailed(details={name: [_("This field cannot be edited in a batch.")] for name in unknown})
    if not changes:
        raise ValidationFailed(details={"fields": [_("Choose at least one field to change.")]})
    done = []
    for order in _batch(orders):
        try:
            done.append(update_work_order(actor=actor, order=order, **changes))
        except DomainError as exc:
            raise _named(exc, order)
    return done


@transaction.atomic
def batch_close(*, actor, orders, note=""):
    """批量关闭: close every selected order (each through actions.close: its flow, approval, timeline); all
    or none."""
    permissions.require(actor, "workorder.close")
    done = []
    for order in _batch(orders):
        try:
            done.append(actions.close(actor=actor, order=order, note=note))
        except DomainError as exc:
            raise _named(exc, order)
    return done
