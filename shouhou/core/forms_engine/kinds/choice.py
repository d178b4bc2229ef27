"""Option kinds: select (one value), multi-select (a list), cascade (a path through an option tree)."""

import json
import re
from typing import Annotated, Literal

from annotated_types import Len
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import json_queries
from .base import FieldError, Kind, Rule, any_of, base_form_kwargs, cell_text, register

LIST_SEPARATORS = re.compile(r"[,，;；\n]")
NOT_AN_OPTION = _("Select a valid choice. “%(value)s” is not one of the available choices.")


def _text(value):
    if isinstance(value, (dict, list, tuple, set)):
        raise FieldError(_("Select a valid choice."))
    return str(value).strip()


def _match_option(field, text):
    """An option value from a label or a value, as people type them in spreadsheets."""
    wanted = text.strip().casefold()
    for option in field.options:
        if option["label"].casefold() == wanted:
            return option["value"]
    for option in field.options:
        if option["value"].casefold() == wanted:
            return option["value"]
    return text.strip()


def _list_separator():
    # The separator between listed labels; "、" in Chinese.
    return str(_(", "))


@register
class Select(Kind):
    name = "select"
    label = _("Drop-down (single choice)")
    group = "choice"
    options_style = "flat"
    compatible = frozenset({"select"})

    def clean(self, field, value, previous=None):
        value = _text(value)
        if value not in field.option_values and value != previous:
            raise FieldError(NOT_AN_OPTION % {"value": value})
        return value

    def form_field(self, field, *, refs, value=None):
        choices = [("", field.placeholder or "---------")]
        choices += [(o["value"], o["label"]) for o in field.options]
        return forms.ChoiceField(choices=choices, **base_form_kwargs(field))

    def annotation(self, field):
        return Literal[tuple(field.option_values)]

    def filter_value(self, field, raw, op):
        value = _text(raw)
        if value not in field.option_labels:
            raise FieldError(NOT_AN_OPTION % {"value": value})
        return value

    def display_text(self, field, value, refs):
        return field.option_labels.get(value, value)

    def parse_cell(self, field, cell, refs):
        return _match_option(field, cell_text(cell))


@register
class MultiSelect(Kind):
    name = "multi_select"
    label = _("Multiple choice")
    group = "choice"
    options_style = "flat"
    sortable = False
    filter_ops = ("exact", "in", "all", "isnull")
    rules = {"min_choices": Rule(int, _("Choose at least"), None, 0, 500),
             "max_choices": Rule(int, _("Choose at most"), None, 1, 500)}

    def check_definition(self, field):
        problems = []
        low, high = field.rule("min_choices"), field.rule("max_choices")
        if low is not None and high is not None and low > high:
            problems.append(("rules", _("The minimum number of choices is above the maximum.")))
        if any(LIST_SEPARATORS.search(o["label"]) for o in field.options):
            problems.append(("options", _("Multiple-choice labels cannot contain commas or semicolons.")))
        return problems

    def clean(self, field, value, previous=None):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            raise FieldError(_("Enter a list of choices."))
        chosen = list(dict.fromkeys(_text(item) for item in items if _text(item)))
        kept = set(previous or []) if isinstance(previous, list) else set()
        for item in chosen:
            if item not in field.option_values and item not in kept:
                raise FieldError(NOT_AN_OPTION % {"value": item})
        self._check_count(field, len(chosen))
        return chosen

    def _check_count(self, field, count):
        low, high = field.rule("min_choices"), field.rule("max_choices")
        if low is not None and count < low:
            raise FieldError(_("Choose at least %(limit)d options.") % {"limit": low})
        if high is not None and count > high:
            raise FieldError(_("Choose at most %(limit)d options.") % {"limit": high})

    def form_field(self, field, *, refs, value=None):
        choices = [(o["value"], o["label"]) for o in field.options]
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple,
                                         **base_form_kwargs(field))

    def annotation(self, field):
        return list[Literal[tuple(field.option_values)]]

    def filter_value(self, field, raw, op):
        value = _text(raw)
        if value not in field.option_labels:
            raise FieldError(NOT_AN_OPTION % {"value": value})
        return value

    def filter_q(self, field, op, value, column):
        if op == "exact":
            return Q(json_queries.JSONMatch(column, field.key, value, item=True))
        matches = [json_queries.JSONMatch(column, field.key, item, item=True) for item in value]
        if op == "in":
            return any_of(matches)
        if op == "all":
            return Q(*matches)
        raise ValueError(op)

    def display_text(self, field, value, refs):
        return _list_separator().join(field.option_labels.get(v, v) for v in value)

    def parse_cell(self, field, cell, refs):
        return [_match_option(field, part) for part in LIST_SEPARATORS.split(cell_text(cell)) if part.strip()]

    def export_cell(self, field, value, refs):
        return ", ".join(field.option_labels.get(v, v) for v in value)


def _node(options, value):
    return next((o for o in options if o["value"] == value), None)


@register
class Cascade(Kind):
    name = "cascade"
    label = _("Cascade selection")
    group = "choice"
    options_style = "tree"
    sortable = False
    filter_ops = ("exact", "isnull")
    rules = {"leaf_only": Rule(bool, _("Choose down to the last level"), True)}

    def clean(self, field, value, previous=None):
        path = self._as_path(value)
        if path == previous:
            return path
        if self._walk(field, path) and field.rule("leaf_only"):
            raise FieldError(_("Choose down to the last level."))
        return path

    def _as_path(self, value):
        """A path from a list, or from the JSON text a form posts, or from one bare value."""
        if isinstance(value, str):
            try:
                decoded = json.loads(value)
            except ValueError:
                decoded = None
            value = decoded if isinstance(decoded, list) else [value]
        if not isinstance(value, (list, tuple)) or not value:
            raise FieldError(_("Select a valid choice."))
        return [_text(item) for item in value]

    def _walk(self, field, path):
        """The children below the end of `path`; FieldError when the path leaves the tree."""
        level = field.options
        for depth, item in enumerate(path):
            node = _node(level, item)
            if node is None:
                raise FieldError(NOT_AN_OPTION % {"value": " / ".join(path[: depth + 1])})
            level = node.get("children", [])
        return level

    def paths(self, field):
        """[(path, labels)] of every choosable node, depth first."""
        found = []

        def walk(options, path, labels):
            for option in options:
                here, names = [*path, option["value"]], [*labels, option["label"]]
                children = option.get("children", [])
                if not children or not field.rule("leaf_only"):
                    found.append((here, names))
                walk(children, here, names)

        walk(field.options, [], [])
        return found

    def labels(self, field, path):
        labels, level = [], field.options
        for item in path:
            node = _node(level, item)
            labels.append(node["label"] if node else item)
            level = node.get("children", []) if node else []
        return labels

    def form_field(self, field, *, refs, value=None):
        choices = [("", field.placeholder or "---------")]
        choices += [(encode_path(path), " / ".join(labels)) for path, labels in self.paths(field)]
        widget = forms.Select(attrs={"data-cascade-options": json.dumps(field.options, ensure_ascii=False)})
        return forms.TypedChoiceField(choices=choices, coerce=json.loads, empty_value=None, widget=widget,
                                      **base_form_kwargs(field))

    def form_initial(self, field, value):
        return encode_path(value)

    def annotation(self, field):
        return Annotated[list[str], Len(min_length=1, max_length=5)]

    def filter_value(self, field, raw, op):
        path = self._as_path(raw)
        self._walk(field, path)
        return path

    def filter_q(self, field, op, value, column):
        """Records whose path starts with `value` (choosing 广东 finds 广东 / 深圳 too)."""
        return Q(**{f"{column}__{field.key}__{depth}": item for depth, item in enumerate(value)})

    def display_text(self, field, value, refs):
        return " / ".join(self.labels(field, value))

    def parse_cell(self, field, cell, refs):
        path, level = [], field.options
        for part in (p.strip() for p in cell_text(cell).split("/") if p.strip()):
            wanted = part.casefold()
            node = next((o for o in level if wanted in (o["label"].casefold(), o["value"].casefold())), None)
            path.append(node["value"] if node else part)
            level = node.get("children", []) if node else []
        return path


def encode_path(path):
    return json.dumps(path, ensure_ascii=False, separators=(",", ":"))
