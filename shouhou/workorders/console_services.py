"""Writes the console needs on top of services.py (DESIGN §4): batch actions and settings conveniences.

Same rules as services.py: keyword-only arguments, the actor first, one transaction, permission
checks; each change goes through the service functions of services.py and type_services.py, so
timelines, version checks and events stay in one place. A batch is all or nothing: the first
refusal rolls it back and names the order it stopped at.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core import permissions
from shouhou.core.errors import DomainError, NotFound, ValidationFailed

from . import services, type_services
from .models import AddonComponent, ServiceOption, WorkOrderType

BATCH_EDITABLE = ("priority", "planned_at", "service_type", "service_content")
MAX_BATCH = 500


def _pk(value):
    return getattr(value, "pk", value)


def _batch(orders):
    orders = sorted(orders, key=_pk)  # a fixed lock order: two batches never deadlock
    if not orders:
        raise ValidationFailed(details={"ids": [_("Select at least one work order.")]})
    if len(orders) > MAX_BATCH:
        raise ValidationFailed(details={"ids": [_("Select at most %(n)s work orders at a time.") % {"n": MAX_BATCH}]})
    return orders


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
            done.append(services.assign(actor=actor, order=order, assignee=assignee, note=note))
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
            done.append(services.update_work_order(actor=actor, order=order, **changes))
        except DomainError as exc:
            raise _named(exc, order)
    return done


# --- work-order types: the list's switches and arrows -------------------------------------------------

def _type_values(order_type):
    return {"name": order_type.name, "color": order_type.color, "is_enabled": order_type.is_enabled,
            "team_ids": [team.pk for team in order_type.teams.all()],
            "component_ids": [component.pk for component in order_type.components.all()],
            "flow": order_type.flow, "timeout_reminder": order_type.timeout_reminder,
            "receipt_options": order_type.receipt_options}


@transaction.atomic
def update_type(*, actor, type, **changes):
    """Change some properties of a type, keeping the others (save_type takes them all)."""
    permissions.require(actor, "workorder_settings.manage")
    order_type = WorkOrderType.objects.filter(pk=_pk(type)).first()
    if order_type is None:
        raise NotFound()
    unknown = sorted(set(changes) - set(_type_values(order_type)))
    if unknown:
        raise ValidationFailed(details={name: [_("Unknown property.")] for name in unknown})
    return type_services.save_type(actor=actor, type=order_type, **{**_type_values(order_type), **changes})


def _moved(ids, item_id, direction):
    """`ids` with `item_id` one place up or down (unchanged at the ends)."""
    if direction not in ("up", "down"):
        raise ValidationFailed(details={"direction": [_("Choose up or down.")]})
    ids = list(ids)
    if item_id not in ids:
        raise NotFound()
    index = ids.index(item_id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return ids


@transaction.atomic
def move_type(*, actor, type, direction):
    """↑↓ on the type list."""
    permissions.require(actor, "workorder_settings.manage")
    ids = list(WorkOrderType.objects.select_for_update().order_by("sort_order", "pk").values_list("pk", flat=True))
    type_services.reorder_types(actor=actor, type_ids=_moved(ids, _pk(type), direction))


# --- service options (服务类型 / 服务内容) ------------------------------------------------------------------

@transaction.atomic
def reorder_service_options(*, actor, kind, option_ids):
    """Put one option list in the given order (every option of the kind exactly once)."""
    permissions.require(actor, "workorder_settings.manage")
    if kind not in ServiceOption.Kind.values:
        raise ValidationFailed(details={"kind": [_("Unknown option list.")]})
    ids = [int(_pk(i)) for i in option_ids]
    existing = set(ServiceOption.objects.select_for_update().filter(kind=kind).values_list("pk", flat=True))
    if len(set(ids)) != len(ids) or set(ids) != existing:
        raise ValidationFailed(details={"option_ids": [_("The list has changed; reload and try again.")]})
    for index, option_id in enumerate(ids):
        ServiceOption.objects.filter(pk=option_id).update(sort_order=index)


@transaction.atomic
def move_service_option(*, actor, option, direction):
    permissions.require(actor, "workorder_settings.manage")
    option = ServiceOption.objects.filter(pk=_pk(option)).first()
    if option is None:
        raise NotFound()
    ids = ServiceOption.objects.filter(kind=option.kind).order_by("sort_order", "pk").values_list("pk", flat=True)
    reorder_service_options(actor=actor, kind=option.kind, option_ids=_moved(ids, option.pk, direction))


@transaction.atomic
def set_service_option_active(*, actor, option, is_active):
    option = ServiceOption.objects.filter(pk=_pk(option)).first()
    if option is None:
        raise NotFound()
    return type_services.save_service_option(actor=actor, option=option, kind=option.kind, name=option.name,
                                             is_active=is_active)


# --- add-on components --------------------------------------------------------------------------------

@transaction.atomic
def set_component_enabled(*, actor, component, is_enabled):
    component = AddonComponent.objects.filter(pk=_pk(component)).first()
    if component is None:
        raise NotFound()
    return type_services.save_component(actor=actor, component=component, name=component.name,
                                        description=component.description, repeatable=component.repeatable,
                                        is_enabled=is_enabled)
