"""Value checks shared by the parts services: quantities, money, flags, ids."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from shouhou.core import references

QUANT = Decimal("0.001")
CENT = Decimal("0.01")
MAX_QUANTITY = Decimal("99999999999")  # 11 integer digits: DecimalField(14, 3)
MAX_MONEY = Decimal("9999999999")  # 10 integer digits: DecimalField(12, 2)
MAX_LINES = 200


class _NotGiven:
    def __repr__(self):
        return "NOT_GIVEN"


NOT_GIVEN = _NotGiven()


def actor_id(actor):
    return getattr(actor, "pk", None)


def decimal(value):
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def quantity(value, key, errors, *, allow_zero=False):
    """A quantity with at most three decimal places, above zero (or zero when `allow_zero`)."""
    number = decimal(value)
    if number is None:
        errors[key] = [_("Enter a number.")]
        return None
    if number.as_tuple().exponent < -3 and number != number.quantize(QUANT):
        errors[key] = [_("Enter at most 3 decimal places.")]
        return None
    if number < 0 or (number == 0 and not allow_zero):
        errors[key] = [_("Enter a quantity greater than 0.") if not allow_zero else _("Enter 0 or more.")]
        return None
    if number > MAX_QUANTITY:
        errors[key] = [_("Enter at most %(max)s.") % {"max": MAX_QUANTITY}]
        return None
    return number.quantize(QUANT)


def money(value, key, errors):
    """A price with at most two decimal places, zero or more; empty is 0."""
    if value in (None, ""):
        return Decimal("0.00")
    number = decimal(value)
    if number is None:
        errors[key] = [_("Enter a number.")]
        return None
    if number != number.quantize(CENT):
        errors[key] = [_("Enter at most 2 decimal places.")]
        return None
    if number < 0 or number > MAX_MONEY:
        errors[key] = [_("Enter an amount between 0 and %(max)s.") % {"max": MAX_MONEY}]
        return None
    return number.quantize(CENT)


def flag(value):
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "on", "yes", "是"}
    return bool(value)


def clean_id(value):
    number = references.clean_id(value)
    return -1 if number is None else number
