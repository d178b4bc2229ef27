"""Detail display of stored values, including values of removed fields (architecture §7)."""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .definitions import as_parsed
from .kinds.references import References


@dataclass
class DisplayItem:
    """One row of a detail page. Unpacks as (label, html)."""

    key: str
    label: str
    html: SafeString
    text: str
    kind: str
    retired: bool = False

    def __iter__(self):
        return iter((self.label, self.html))


def display_context(schema, values_list):
    """Reference labels for a page of records, loaded in one query per kind."""
    parsed = as_parsed(schema)
    return References().load_for([*parsed.fields, *parsed.retired], list(values_list))


def display_values(schema, values, *, refs=None, include_empty=True):
    """[DisplayItem] for the current fields in order, then removed fields that still hold a value."""
    parsed = as_parsed(schema)
    values = values or {}
    refs = refs or display_context(parsed, [values])
    items = []
    for field in parsed.value_fields():
        value = values.get(field.key)
        if value is None and not include_empty:
            continue
        items.append(_item(field, value, refs))
    current = {f.key for f in parsed.fields}
    for field in parsed.retired:
        if field.key not in current and values.get(field.key) is not None:
            item = _item(field, values[field.key], refs)
            item.label = _("%(label)s (removed)") % {"label": field.label}
            item.retired = True
            items.append(item)
    return items


def _item(field, value, refs):
    html, text = render_value(field, value, refs)
    return DisplayItem(field.key, field.label, html, text, field.kind)


def render_value(field, value, refs):
    """(html, text) of one stored value; raw text when it no longer fits its definition."""
    impl = field.impl
    if value is None or impl.is_empty(value):
        return SafeString(""), ""
    try:
        return impl.display_html(field, value, refs), str(impl.display_text(field, value, refs))
    except (KeyError, TypeError, ValueError, AttributeError):
        return escape(str(value)), str(value)
