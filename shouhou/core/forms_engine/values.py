"""Validating custom-field values: the one check every write goes through (architecture §7)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.errors import ValidationFailed

from .definitions import as_parsed
from .display import render_value
from .kinds import FieldError
from .kinds.base import REQUIRED
from .kinds.references import References


def validate_values(schema, data, *, partial=False, previous=None, error_prefix="", actor=None):
    """Return the cleaned values to store, or raise ValidationFailed(details={key: [messages]}).

    Full mode (`partial=False`): `data` is the whole set; required fields must be present and the
    result replaces the stored dict: the non-empty values, plus the stored values of removed
    (retired) fields taken from `previous`, so history stays readable.
    Partial mode: only keys present are checked; an emptied key comes back as None, and
    `merge_values(stored, cleaned)` applies the result.
    `previous` (the stored values) lets unchanged values stand even if an option or a referenced
    record has since been removed, and lets stored files stand without re-checking.
    `error_prefix` ("fields." for the API) is put before each key in the error details.
    `actor` (the editor): reference kinds (customer, product, user) accept only records in the actor's
    data scope (core.references); without one (a system write, a form's first pass) the company's.
    """
    parsed = as_parsed(schema)
    previous = previous or {}
    if not isinstance(data, dict):
        raise ValidationFailed(details={error_prefix.rstrip(".") or "fields": [_("Enter an object of field values.")]})
    fields = parsed.value_fields()
    errors = {f"{error_prefix}{key}": [_("Unknown field.")] for key in data if key not in {f.key for f in fields}}
    cleaned = {}
    for field in fields:
        if field.key not in data:
            if field.required and not partial:
                errors[f"{error_prefix}{field.key}"] = [REQUIRED]
            continue
        try:
            value = _clean_one(field, data[field.key], previous.get(field.key), actor)
        except FieldError as exc:
            errors[f"{error_prefix}{field.key}"] = exc.messages
            continue
        if value is not None or partial:
            cleaned[field.key] = value
    if errors:
        raise ValidationFailed(details=errors)
    if not partial:
        current = {f.key for f in fields}
        cleaned.update({f.key: previous[f.key] for f in parsed.retired
                        if f.key in previous and f.key not in current})
    return _store_pending(fields, cleaned)


def _clean_one(field, value, previous, actor):
    impl = field.impl
    if impl.is_empty(value):
        if field.required:
            raise FieldError(REQUIRED)
        return None
    if getattr(impl, "scoped", False):
        return impl.clean(field, value, previous, actor=actor)
    return impl.clean(field, value, previous)


def _store_pending(fields, cleaned):
    """Write checked uploads to storage now that every value is valid."""
    for field in fields:
        value = cleaned.get(field.key)
        if value is not None:
            cleaned[field.key] = field.impl.store_pending(field, value)
    return cleaned


def merge_values(stored, cleaned):
    """Apply a partial result: None removes a key."""
    merged = dict(stored or {})
    for key, value in cleaned.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def diff_values(schema, old, new, *, refs=None, field_prefix="fields."):
    """Timeline changes between two stored value dicts: [{"field", "label", "old", "new"}] (text)."""
    parsed = as_parsed(schema)
    refs = refs or References().load_for(parsed.fields, [old or {}, new or {}])
    changes = []
    for field in parsed.value_fields():
        before, after = (old or {}).get(field.key), (new or {}).get(field.key)
        if before != after:
            changes.append({"field": f"{field_prefix}{field.key}", "label": field.label,
                            "old": text_of(field, before, refs), "new": text_of(field, after, refs)})
    return changes


def text_of(field, value, refs):
    return render_value(field, value, refs)[1]
