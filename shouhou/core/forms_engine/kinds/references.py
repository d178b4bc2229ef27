"""Reference kinds (customer, product, user) and the registry that says what they point at.

The engine does not import the apps whose records it references. Each app registers its kind:

    register_reference_kind("customer", lambda ids: Customer.objects.filter(pk__in=ids),
                            label=lambda c: c.name, match=match_customers_by_name_or_number,
                            search_url="/customers/pick/")

`resolve(ids)` must return the records with those ids that exist in the ACTIVE company (a
TenantModel's `objects` already does); an id of another company's record is then "does not exist".
`visible(actor)` is the actor's scoped queryset (what the picker offers): a value written by an
editor is resolved through it (core.references), so an id outside the editor's data scope gets the
same "does not exist" as a missing one. Labels of stored values still come from `resolve`.
`match(texts)` (Excel import) returns {text: [ids]}; `choices()` gives a small full list for a plain
select; otherwise the select carries `search_url` for the picker script.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shouhou.core import references
from shouhou.core.errors import ValidationFailed

from .. import json_queries
from .base import FieldError, Kind, any_of, base_form_kwargs, cell_text, register
from .choice import LIST_SEPARATORS

MAX_CHOICES = 1000


@dataclass
class ReferenceSource:
    kind: str
    resolve: Callable
    label: Callable = str
    match: Callable | None = None
    choices: Callable | None = None
    search_url: str = ""
    visible: Callable | None = None


SOURCES: dict[str, ReferenceSource] = {}


def register_reference_kind(kind, resolve, *, label=str, match=None, choices=None, search_url="", visible=None):
    if kind not in REFERENCE_KINDS:
        raise ValueError(f"{kind!r} is not a reference kind; choose one of {sorted(REFERENCE_KINDS)}")
    SOURCES[kind] = ReferenceSource(kind, resolve, label, match, choices, search_url, visible)
    return SOURCES[kind]


class References:
    """Labels of referenced records, loaded once per kind for a page of values (no N+1)."""

    def __init__(self):
        self._labels: dict[str, dict[int, Any]] = {}

    def load(self, kind, ids):
        known = self._labels.setdefault(kind, {})
        missing = {i for i in ids if i not in known}
        if not missing:
            return
        source = SOURCES.get(kind)
        if source is not None:
            for record in source.resolve(sorted(missing)):
                known[record.pk] = source.label(record)
        for record_id in missing:
            known.setdefault(record_id, None)

    def label(self, kind, record_id):
        self.load(kind, [record_id])
        return self._labels[kind][record_id]

    def existing(self, kind, ids):
        self.load(kind, ids)
        return {i for i in ids if self._labels[kind].get(i) is not None}

    def load_for(self, schema_fields, values_list):
        """Preload every reference appearing in `values_list` (dicts of stored values)."""
        wanted = {}
        for field in schema_fields:
            if field.kind in REFERENCE_KINDS:
                for values in values_list:
                    wanted.setdefault(field.kind, set()).update(_as_ids(values.get(field.key)))
        for kind, ids in wanted.items():
            self.load(kind, ids)
        return self


def _as_ids(value):
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    return [item for item in items if isinstance(item, int) and not isinstance(item, bool)]


def _parse_ids(value):
    items = value if isinstance(value, (list, tuple)) else [value]
    ids = []
    for item in items:
        if isinstance(item, bool):
            raise FieldError(_("Enter the id of a record."))
        try:
            number = int(str(item).strip())
        except (TypeError, ValueError):
            raise FieldError(_("Enter the id of a record."))
        if not 0 < number <= references.MAX_ID:
            raise FieldError(_("Enter the id of a record."))
        ids.append(number)
    return list(dict.fromkeys(ids))


class ReferenceSelect(forms.Select):
    """A select whose options are the current selection (or a small full list); the picker script
    reads data-reference-kind / data-search-url to search more."""

    def __init__(self, *, multiple, attrs=None, choices=()):
        super().__init__(attrs=attrs, choices=choices)
        self.allow_multiple_selected = multiple


class ReferenceFormField(forms.Field):
    def __init__(self, *, multiple, **kwargs):
        self.multiple = multiple
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, "", []):
            return None
        try:
            ids = _parse_ids(value)
        except FieldError as exc:
            raise ValidationError(exc.messages)
        return ids if self.multiple else ids[0]


class ReferenceKind(Kind):
    group = "reference"
    multiple_allowed = True
    sortable = False
    missing_message = ""
    scoped = True  # validate_values hands clean() the editor

    def source(self):
        return SOURCES.get(self.name)

    def clean(self, field, value, previous=None, *, actor=None):
        """The ids; each new one (not stored before) must be a record the editor may use."""
        ids = _parse_ids(value)
        if not field.multiple and len(ids) > 1:
            raise FieldError(_("Choose only one."))
        stored_before = set(_as_ids(previous))
        to_check = [i for i in ids if i not in stored_before]
        if to_check and not self._usable(actor, to_check):
            raise FieldError(self.missing_message)
        return ids if field.multiple else ids[0]

    def _usable(self, actor, ids):
        """The editor may reference every one of these records: each is in the actor's scoped queryset
        (core.references, the same answer for missing and out of scope); without an actor (a system
        write) each exists in the active company."""
        source = self.source()
        if source is None:
            return False
        if actor is not None and source.visible is not None:
            try:
                references.resolve_many(actor, source.visible, ids, field="value")
            except ValidationFailed:
                return False
            return True
        return not set(ids) - set(source.resolve(ids).values_list("pk", flat=True))

    def form_field(self, field, *, refs, value=None):
        source = self.source()
        attrs = {"data-reference-kind": self.name}
        if source is not None and source.search_url:
            attrs["data-search-url"] = source.search_url
        choices = [] if field.multiple else [("", field.placeholder or "---------")]
        choices += self.choices(field, refs, value)
        widget = ReferenceSelect(multiple=field.multiple, attrs=attrs, choices=choices)
        return ReferenceFormField(multiple=field.multiple, widget=widget, **base_form_kwargs(field))

    def choices(self, field, refs, value):
        source = self.source()
        listed = []
        if source is not None and source.choices is not None:
            listed = [(record.pk, source.label(record)) for record in source.choices()[:MAX_CHOICES]]
        present = {pk for pk, _label in listed}
        selected = [i for i in _as_ids(value) if i not in present]
        refs.load(self.name, selected)
        listed += [(i, refs.label(self.name, i) or f"#{i}") for i in selected]
        return listed

    def annotation(self, field):
        return list[int] if field.multiple else int

    def filter_value(self, field, raw, op):
        return _parse_ids(raw)[0]

    def filter_q(self, field, op, value, column):
        if not field.multiple:
            return super().filter_q(field, op, value, column)
        items = value if op == "in" else [value]
        return any_of(json_queries.JSONMatch(column, field.key, item, item=True) for item in items)

    def labels(self, field, value, refs):
        ids = _as_ids(value)
        refs.load(self.name, ids)
        return [refs.label(self.name, i) or _("#%(id)s (not found)") % {"id": i} for i in ids]

    def display_text(self, field, value, refs):
        return ", ".join(str(label) for label in self.labels(field, value, refs))

    def parse_cell(self, field, cell, refs):
        """Names (or numbers, phones … whatever the app's `match` accepts) to ids."""
        texts = [t.strip() for t in LIST_SEPARATORS.split(cell_text(cell)) if t.strip()]
        source = self.source()
        if source is None or source.match is None:
            return texts
        found = source.match(texts)
        ids = []
        for text in texts:
            candidates = found.get(text, [])
            if not candidates:
                raise FieldError(_("“%(text)s” was not found.") % {"text": text})
            if len(candidates) > 1:
                raise FieldError(_("“%(text)s” matches several records; use a unique name or number.")
                                 % {"text": text})
            ids.append(candidates[0])
        return ids

    def export_cell(self, field, value, refs):
        return self.display_text(field, value, refs)


@register
class CustomerRef(ReferenceKind):
    name = "customer"
    label = _("Customer")
    missing_message = _("The selected customer does not exist or you cannot use it.")


@register
class ProductRef(ReferenceKind):
    name = "product"
    label = _("Product")
    missing_message = _("The selected product does not exist or you cannot use it.")


@register
class UserRef(ReferenceKind):
    name = "user"
    label = _("Colleague")
    missing_message = _("The selected colleague does not exist or you cannot choose them.")


REFERENCE_KINDS = {"customer", "product", "user"}


# The "user" kind is registered by accounts (accounts.queries.register_user_reference), "customer" and
# "product" by their apps, each in its AppConfig.ready.
