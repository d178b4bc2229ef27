"""List columns, sorting and filters built from a schema (the standard list reuses these)."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhou.core.errors import ValidationFailed

from .definitions import as_parsed
from .display import render_value
from .kinds import FieldError
from .kinds.references import References

COLUMN_PREFIX = "cf_"
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}
LIST_OPS = {"in", "all"}


@dataclass
class Column:
    """A list column for one custom field. `render(values, refs)` takes the record's stored dict;
    for a page of rows pass `refs=display_context(schema, [row.fields for row in page])` so
    references cost one query per kind, not one per cell."""

    key: str  # "cf_<field key>": the column chooser's and the export's name for it
    field_key: str
    label: str
    kind: str
    default_visible: bool
    sortable: bool
    definition: object

    def render(self, values, refs=None):
        """HTML-safe cell content."""
        return render_value(self.definition, (values or {}).get(self.field_key), refs or References())[0]

    def text(self, values, refs=None):
        return render_value(self.definition, (values or {}).get(self.field_key), refs or References())[1]

    def sort_expression(self, column="fields", descending=False):
        expression = self.definition.impl.sort_expression(self.definition, column)
        if expression is None:
            return None
        return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)


def list_columns(schema):
    """Columns for every value field, in form order; `default_visible` follows "shown in list"."""
    return [
        Column(f"{COLUMN_PREFIX}{field.key}", field.key, field.label, field.kind, field.show_in_list,
               field.impl.sortable, field)
        for field in as_parsed(schema).value_fields()
    ]


def filterable_fields(schema):
    """Fields the advanced-filter panel offers: those marked searchable."""
    return [f for f in as_parsed(schema).value_fields() if f.searchable and f.impl.filterable]


def filter_q(schema, filters, *, column="fields"):
    """A Q for `filters` on the JSON `column` ("fields", or "order__fields" across a relation).

    `filters` maps "<key>" or "<key>__<op>" to raw values (text from a query string, or lists for
    "in"/"all"). Ops: exact (the default; contains-text for text kinds, has-item for multi-select,
    starts-with-path for cascade), icontains, in, all, gte, lte, isnull. Raises ValidationFailed on
    unknown fields, unsupported ops or values that do not fit the field.
    """
    parsed = as_parsed(schema)
    by_key = {f.key: f for f in parsed.value_fields()}
    condition, errors = Q(), {}
    for name, raw in filters.items():
        key, _sep, op = name.partition("__")
        field = by_key.get(key)
        if field is None:
            errors[name] = [_("Unknown field.")]
            continue
        op = op or _default_op(field)
        try:
            condition &= _condition(field, op, raw, column)
        except FieldError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationFailed(details=errors)
    return condition


def _default_op(field):
    return "icontains" if "icontains" in field.impl.filter_ops else "exact"


def _condition(field, op, raw, column):
    impl = field.impl
    if op not in impl.filter_ops:
        raise FieldError(_("This filter is not available for this field."))
    if op == "isnull":
        return _isnull(field, raw, column)
    if op in LIST_OPS:
        items = raw if isinstance(raw, (list, tuple)) else [raw]
        values = [impl.filter_value(field, item, op) for item in items if str(item).strip()]
        if not values:
            raise FieldError(_("Choose at least one value."))
        return impl.filter_q(field, op, values, column)
    if isinstance(raw, (list, tuple)) and field.kind != "cascade":
        if len(raw) != 1:
            raise FieldError(_("Give one value."))
        raw = raw[0]
    return impl.filter_q(field, op, impl.filter_value(field, raw, op), column)


def _isnull(field, raw, column):
    word = str(raw[0] if isinstance(raw, (list, tuple)) and raw else raw).strip().lower()
    if isinstance(raw, bool):
        empty = raw
    elif word in TRUE_WORDS | FALSE_WORDS:
        empty = word in TRUE_WORDS
    else:
        raise FieldError(_("Enter true or false."))
    has_value = Q(**{f"{column}__has_key": field.key})  # empty values are never stored (merge_values)
    return ~has_value if empty else has_value


def filters_from_params(schema, params, *, prefix=COLUMN_PREFIX):
    """Collect "cf_<key>[__op]" query parameters (a QueryDict or dict) into `filter_q` input."""
    keys = {f.key for f in as_parsed(schema).value_fields()}
    filters = {}
    for name in params:
        if not name.startswith(prefix):
            continue
        filter_name = name[len(prefix):]
        if filter_name.partition("__")[0] not in keys:
            continue
        values = params.getlist(name) if hasattr(params, "getlist") else params[name]
        values = [v for v in (values if isinstance(values, list) else [values]) if str(v).strip()]
        if values:
            filters[filter_name] = values if len(values) > 1 or filter_name.endswith(("__in", "__all")) \
                else values[0]
    return filters
