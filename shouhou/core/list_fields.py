"""The console kit's custom fields in the standard list (core/lists.py): a column per listed custom
field and an advanced filter per searchable one, both from the form engine's schema.

    self.refs = forms_engine.References()
    self.columns = [*SYSTEM_COLUMNS, *(custom_column(c, self.refs) for c in forms_engine.list_columns(schema))]
    self.filters = [*SYSTEM_FILTERS, *custom_filters(schema)]
"""

from . import forms_engine
from .errors import ValidationFailed
from .forms_engine.listing import COLUMN_PREFIX
from .lists import Column, Filter

REFERENCE_KINDS = ("customer", "product", "user")  # no filter unless the list offers choices for them


class CustomFieldFilter(Filter):
    """An advanced filter on a searchable custom field, through the engine's filter_q."""

    def __init__(self, definition, schema, choices=None, kind="text"):
        super().__init__(COLUMN_PREFIX + definition.key, definition.label, lookup="fields", choices=choices,
                         kind=kind)
        self.definition, self.schema = definition, schema

    def apply(self, qs, params):
        key = self.definition.key
        if self.kind == "date_range":
            wanted = {f"{key}__gte": params.get(f"f_{self.key}_from", "").strip(),
                      f"{key}__lte": params.get(f"f_{self.key}_to", "").strip()}
            wanted = {name: value for name, value in wanted.items() if value}
        else:
            value = params.get(f"f_{self.key}", "").strip()
            wanted = {key: value} if value else {}
        if not wanted:
            return qs
        try:
            return qs.filter(forms_engine.filter_q(self.schema, wanted))
        except ValidationFailed:
            return qs.none()  # a value that cannot match this field matches nothing


def custom_filters(schema, *, user_choices=None):
    """Filters for the schema's searchable fields: a select where the field has options, a date range
    for dates, a text box otherwise. Reference fields get none, except user fields when the list passes
    `user_choices` (request -> choices)."""
    found = []
    for definition in forms_engine.filterable_fields(schema):
        kind, ops = definition.kind, definition.impl.filter_ops
        if definition.options:
            choices = [(o["value"], o["label"]) for o in definition.options]
            found.append(CustomFieldFilter(definition, schema, choices=lambda r, c=choices: c, kind="select"))
        elif kind in ("date", "datetime") and "gte" in ops:
            found.append(CustomFieldFilter(definition, schema, kind="date_range"))
        elif kind == "user" and user_choices is not None:
            found.append(CustomFieldFilter(definition, schema, kind="select", choices=user_choices))
        elif kind not in REFERENCE_KINDS:
            found.append(CustomFieldFilter(definition, schema))
    return found


class CustomCell:
    """A custom-field cell rendered when the template shows it, after the page's references are loaded."""

    def __init__(self, column, values, refs):
        self.column, self.values, self.refs = column, values, refs

    def __html__(self):
        return self.column.render(self.values, self.refs)

    def __str__(self):
        return str(self.__html__())


def custom_column(column, refs):
    """The standard-list column of one engine list column (`forms_engine.list_columns`); `refs` is the
    page's References, loaded once for all its rows."""
    definition = column.definition
    return Column(column.key, column.label, default=column.default_visible, html=True,
                  sortable=column.sortable, css="num" if definition.kind == "number" else "", value=lambda row: CustomCell(column, row.fields, refs),
                  export=lambda row: forms_engine.export_cell(definition, (row.fields or {}).get(definition.key),
                                                              refs))


class CustomFieldsList:
    """Mixin for a StandardList whose rows carry custom fields: set `self.schema` (or leave None),
    `self.custom` (key -> engine list column) and `self.refs` in __init__; it sorts by a custom column
    through the engine and loads the page's references in one query per kind before the cells render.

        class CustomerList(CustomFieldsList, StandardList): ...
    """

    schema = None
    custom: dict = {}
    refs = None

    def ordered(self, qs, state):
        key = state.sort.lstrip("-")
        if key in self.custom:
            expression = self.custom[key].sort_expression(descending=state.sort.startswith("-"))
            if expression is not None:
                return qs.order_by(expression, "-pk")
        return super().ordered(qs, state)

    def context(self):
        context = super().context()
        if self.schema is not None:  # one query per reference kind for the whole page
            self.refs.load_for(self.schema.parsed.fields, [row["obj"].fields or {} for row in context["rows"]])
        return context
