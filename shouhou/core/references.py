"""Resolving references that come from outside (architecture §5, §6): "may this actor use this customer /
product / contact / address / colleague / team?" is answered here, in the services, for every surface.

A service takes ids (or objects, which it re-reads by their id) and resolves each one through the
actor's visible queryset. An id outside the actor's scope gets the SAME answer as an id that does not
exist — a field error, never a hint that the record is there — so no surface (console, phone, API,
importer) can skip the check or tell the two apart. Forms may still limit their choices for display.

    customer = references.resolve(actor, visible_customers, data["customer"], field="customer")
    users = references.resolve_many(actor, team_pickable_users, ids, field="collaborator_ids")
"""

from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed

MAX_ID = 2**63 - 1  # the largest bigint: a larger number is no id of ours (and overflows SQLite)
NOT_USABLE = _("The selected record does not exist or you cannot use it.")


def clean_id(value):
    """A positive id from an int, a digit string or a saved object; None when it is no id at all."""
    value = getattr(value, "pk", value)
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 < number <= MAX_ID else None


def _refuse(field, message, errors):
    if errors is None:
        raise ValidationFailed(details={field: [message or NOT_USABLE]})
    errors[field] = [message or NOT_USABLE]


def resolve(actor, queryset_fn, value, *, field, message=None, errors=None, required=False):
    """The object with this id in `queryset_fn(actor)` (the actor's visible queryset), None for an empty
    value (unless `required`); else ValidationFailed({field: [message]}), or, given `errors`, the message
    put there and None."""
    if value in (None, ""):
        if required:
            _refuse(field, message, errors)
        return None
    pk = clean_id(value)
    found = queryset_fn(actor).filter(pk=pk).first() if pk is not None else None
    if found is None:
        _refuse(field, message, errors)
    return found


def resolve_many(actor, queryset_fn, values, *, field, message=None, errors=None):
    """The objects with these ids (duplicates once), all from `queryset_fn(actor)`, in the given order;
    one missing or out-of-scope id refuses them all (the same message either way)."""
    wanted = []
    for value in values or ():
        pk = clean_id(value)
        if pk is None:
            _refuse(field, message, errors)
            return []
        if pk not in wanted:
            wanted.append(pk)
    if not wanted:
        return []
    found = {obj.pk: obj for obj in queryset_fn(actor).filter(pk__in=wanted)}
    if len(found) != len(wanted):
        _refuse(field, message, errors)
        return []
    return [found[pk] for pk in wanted]
