"""Cleaning one input value inside a service, the errors collected into a dict by field name.

A service checks every input before it writes and refuses all of them at once (architecture §4: refusals
change nothing): each helper returns the cleaned value and adds a message under `key` in `errors`;
`raise_if(errors)` then raises one ValidationFailed with them all.

    errors = {}
    name = clean.text(data.get("name"), 100, "name", errors, required=True)
    latitude = clean.coordinate(data.get("latitude"), 90, "latitude", errors)
    clean.raise_if(errors)
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import forms_engine
from .errors import ValidationFailed

REQUIRED = gettext_lazy("This field is required.")
COORDINATE = Decimal("0.000001")


def text(value, limit, key, errors, *, required=False):
    """The value as stripped text; too long, or empty when required, is an error on `key`."""
    cleaned = "" if value is None else str(value).strip()
    if required and not cleaned:
        errors[key] = [REQUIRED]
    elif len(cleaned) > limit:
        errors[key] = [_("Ensure this value has at most %(limit)d characters.") % {"limit": limit}]
    return cleaned


def coordinate(value, limit, key, errors):
    """A latitude/longitude to six places within ±limit, None when not given."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip()).quantize(COORDINATE)
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or abs(number) > limit:
        errors[key] = [_("Enter a number between -%(limit)s and %(limit)s.") % {"limit": limit}]
        return None
    return number


def custom_fields(schema, fields, *, partial, previous, errors, actor):
    """Custom values; references (customer/product/user fields) within the actor's data scope.
    Errors go under "fields.<key>"; None when there were any."""
    try:
        return forms_engine.validate_values(schema, fields or {}, partial=partial, previous=previous,
                                            error_prefix="fields.", actor=actor)
    except ValidationFailed as exc:
        errors.update(exc.details)
        return None


def batch_field(schema, key, errors):
    """The custom field a batch edit sets (one that holds a value), else an error on "field_key"."""
    definition = schema.parsed.get(key)
    if definition is None or not definition.has_value:
        errors["field_key"] = [_("Unknown field.")]
    return definition


def raise_if(errors):
    """Refuse with every collected error at once (nothing has been written yet)."""
    if errors:
        raise ValidationFailed(details=errors)


def signed_in(actor):
    """The actor as a user to record (created_by …), None for an anonymous or system caller."""
    return actor if getattr(actor, "is_authenticated", False) else None
