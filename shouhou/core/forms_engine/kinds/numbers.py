"""The number kind: a JSON number, with an optional range, decimal places and unit."""

from decimal import Decimal
from typing import Annotated

from annotated_types import Ge, Le
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import FieldError, Kind, Rule, base_form_kwargs, placeholder_attrs, register, to_decimal

LARGEST = Decimal(10) ** 15  # beyond this a JSON number loses precision in some readers


@register
class Number(Kind):
    name = "number"
    label = _("Number")
    filter_ops = ("exact", "in", "gte", "lte", "isnull")
    rules = {
        "min": Rule(float, _("Minimum"), None, -float(LARGEST), float(LARGEST)),
        "max": Rule(float, _("Maximum"), None, -float(LARGEST), float(LARGEST)),
        "decimals": Rule(int, _("Decimal places"), 0, 0, 6),
        "unit": Rule(str, _("Unit"), "", max=10),
    }

    def check_definition(self, field):
        low, high = field.rule("min"), field.rule("max")
        if low is not None and high is not None and low > high:
            return [("rules", _("The minimum is above the maximum."))]
        return []

    def clean(self, field, value, previous=None):
        number = self.to_number(value)
        decimals = field.rule("decimals")
        places = max(0, -number.normalize().as_tuple().exponent)
        if places > decimals:
            if decimals == 0:
                raise FieldError(_("Enter a whole number."))
            raise FieldError(_("Enter a number with at most %(places)d decimal places.") % {"places": decimals})
        low, high = field.rule("min"), field.rule("max")
        if low is not None and number < Decimal(str(low)):
            raise FieldError(_("Ensure this value is at least %(limit)s.") % {"limit": self._plain(low)})
        if high is not None and number > Decimal(str(high)):
            raise FieldError(_("Ensure this value is at most %(limit)s.") % {"limit": self._plain(high)})
        return int(number) if decimals == 0 else float(number)

    def to_number(self, value):
        number = to_decimal(value)
        if number is None:
            raise FieldError(_("Enter a number."))
        if abs(number) >= LARGEST:
            raise FieldError(_("This number is too large."))
        return number

    @staticmethod
    def _plain(limit):
        return int(limit) if float(limit).is_integer() else limit

    def form_field(self, field, *, refs, value=None):
        decimals = field.rule("decimals")
        step = "1" if decimals == 0 else f"0.{'0' * (decimals - 1)}1"
        low, high = field.rule("min"), field.rule("max")
        attrs = placeholder_attrs(field, step=step)
        return forms.DecimalField(
            decimal_places=decimals, widget=forms.NumberInput(attrs=attrs),
            min_value=Decimal(str(low)) if low is not None else None,
            max_value=Decimal(str(high)) if high is not None else None,
            **base_form_kwargs(field),
        )

    def annotation(self, field):
        constraints = []
        if field.rule("min") is not None:
            constraints.append(Ge(field.rule("min")))
        if field.rule("max") is not None:
            constraints.append(Le(field.rule("max")))
        base = int if field.rule("decimals") == 0 else float
        return Annotated[base, *constraints] if constraints else base

    def filter_value(self, field, raw, op):
        number = self.to_number(raw)
        return int(number) if number == number.to_integral_value() else float(number)

    def filter_q(self, field, op, value, column):
        if op in ("gte", "lte"):
            return Q(**{f"{column}__{field.key}__{op}": value})
        return super().filter_q(field, op, value, column)

    def display_text(self, field, value, refs):
        text = f"{Decimal(str(value)):,.{field.rule('decimals')}f}"  # 12,345.60: read at a glance (core.numbers)
        unit = field.rule("unit")
        return f"{text} {unit}" if unit else text

    def parse_cell(self, field, cell, refs):
        return cell if isinstance(cell, (int, float)) and not isinstance(cell, bool) else str(cell or "").strip()

    def export_cell(self, field, value, refs):
        return value
