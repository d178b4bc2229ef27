"""The base of every field kind: what a kind must answer for the engine's one-place builders.

A kind turns one field definition into: value validation (`clean`), a Django form field, a pydantic
annotation, filter conditions, a sort expression, display text/HTML, and Excel cell conversion.
The engine modules (values, forms, schemas, listing, display, excel) only dispatch to these methods.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import Q
from django.db.models.fields.json import KeyTransform
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from shouhou.core.validators import control_character_message, find_control_character

from .. import json_queries

KINDS: dict[str, "Kind"] = {}


class FieldError(Exception):
    """A value refused by a kind; carries the user-facing messages."""

    def __init__(self, *messages):
        self.messages = [m for m in messages if m]
        super().__init__("; ".join(str(m) for m in self.messages))


@dataclass(frozen=True)
class Rule:
    """A kind-specific setting of a field definition (stored under "rules")."""

    type: type
    label: Any
    default: Any = None
    min: float | None = None
    max: float | None = None
    choices: tuple = ()

    def as_dict(self):
        return {"type": self.type.__name__, "label": str(self.label), "default": self.default,
                "min": self.min, "max": self.max, "choices": list(self.choices)}


def register(kind_class):
    """Class decorator: one instance per kind name."""
    KINDS[kind_class.name] = kind_class()
    return kind_class


REQUIRED = _("This field is required.")


class Kind:
    name = ""
    label = ""
    group = "basic"  # the designer palette's section: layout, basic, choice, advanced, reference
    has_value = True
    multiple_allowed = False
    options_style = None  # "flat" (select kinds) or "tree" (cascade)
    filterable = True
    sortable = True
    importable = True
    rules: dict[str, Rule] = {}
    filter_ops = ("exact", "in", "isnull")
    # Kinds an existing field may be switched to without making stored values unreadable.
    compatible: frozenset = frozenset()

    # --- definitions ---------------------------------------------------------------------------------

    def check_definition(self, field):
        """Cross-checks beyond the generic ones: [(property, message)]."""
        return []

    def describe(self):
        """The kind as the designer's palette shows it."""
        return {
            "kind": self.name, "label": str(self.label), "group": self.group, "has_value": self.has_value,
            "options": self.options_style, "multiple": self.multiple_allowed, "filterable": self.filterable,
            "rules": {name: rule.as_dict() for name, rule in self.rules.items()},
        }

    # --- values --------------------------------------------------------------------------------------

    def is_empty(self, value):
        if isinstance(value, str):
            return not value.strip()
        return value is None or value == [] or value == {} or value == ()

    def clean(self, field, value, previous=None):
        """Return the JSON value to store, or raise FieldError. `value` is not empty."""
        raise NotImplementedError

    def store_pending(self, field, value):
        """Finish a cleaned value once the whole set is valid (file kinds write uploads here)."""
        return value

    # --- Django forms --------------------------------------------------------------------------------

    def form_field(self, field, *, refs, value=None):
        raise NotImplementedError

    def form_initial(self, field, value):
        return value

    # --- API -----------------------------------------------------------------------------------------

    def annotation(self, field):
        return Any

    # --- filters and sorting ---------------------------------------------------------------------------

    def filter_value(self, field, raw, op):
        """Convert a filter's raw (query-string) value for `op`."""
        return self.clean(field, raw)

    def filter_q(self, field, op, value, column):
        if op == "exact":
            return Q(json_queries.JSONMatch(column, field.key, value))
        if op == "in":
            return any_of(json_queries.JSONMatch(column, field.key, item) for item in value)
        raise ValueError(op)

    def sort_expression(self, field, column):
        return KeyTransform(field.key, column) if self.sortable else None

    # --- display -------------------------------------------------------------------------------------

    def display_text(self, field, value, refs):
        return str(value)

    def display_html(self, field, value, refs):
        return escape(self.display_text(field, value, refs))

    # --- Excel ---------------------------------------------------------------------------------------

    def parse_cell(self, field, cell, refs):
        """Turn a cell (text, number, date …) into a value `clean` accepts."""
        return cell_text(cell)

    def export_cell(self, field, value, refs):
        return self.display_text(field, value, refs)


def any_of(conditions):
    q = Q(pk__in=[])
    for condition in conditions:
        q |= Q(condition)
    return q


def cell_text(cell):
    """Cell content as text; whole floats lose their '.0' (phones, codes typed as numbers)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def to_decimal(value):
    """Decimal from a number or numeric text ('1,234.5'); None when it is not a finite number."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def base_form_kwargs(field):
    return {"label": field.label, "required": field.required, "help_text": field.help}


def placeholder_attrs(field, **attrs):
    if field.placeholder:
        attrs["placeholder"] = field.placeholder
    return attrs


class TextInputKind(Kind):
    """Shared behaviour of kinds stored as one string."""

    filter_ops = ("exact", "icontains", "in", "isnull")
    multiline = False  # tab and line breaks allowed (textarea)

    def clean_text(self, value):
        """The value as stripped text; control characters are refused here, for every write path."""
        if isinstance(value, (dict, list, tuple, set)):
            raise FieldError(_("Enter text."))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        char = find_control_character(text, multiline=self.multiline)
        if char is not None:
            raise FieldError(control_character_message(char))
        return text

    def filter_value(self, field, raw, op):
        if op == "icontains":
            return self.clean_text(raw)
        return self.clean(field, raw)

    def filter_q(self, field, op, value, column):
        if op == "icontains":
            return Q(**{f"{column}__{field.key}__icontains": value})
        return super().filter_q(field, op, value, column)

    def form_field(self, field, *, refs, value=None):
        return forms.CharField(widget=forms.TextInput(attrs=placeholder_attrs(field)), **base_form_kwargs(field))
