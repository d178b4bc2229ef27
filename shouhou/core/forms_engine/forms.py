"""Django forms from a schema, so console and mobile pages render and clean custom fields."""

from django import forms

from shouhou.core.errors import ValidationFailed

from .definitions import as_parsed
from .kinds.references import References
from .values import validate_values


class CustomFieldsFormMixin:
    """Added to the built form: sets initial values and runs the engine's validation in clean().

    After `is_valid()`, `form.custom_values` holds the dict to store in the record's `fields`.
    """

    custom_schema = None
    custom_prefix = ""
    custom_instance_values: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.custom_values = None
        for field in self.custom_schema.value_fields():
            value = self.custom_instance_values.get(field.key)
            if value is not None:
                self.initial.setdefault(self.custom_prefix + field.key, _initial(field, value))

    def custom_field_names(self):
        return [self.custom_prefix + f.key for f in self.custom_schema.fields if not f.system]

    def custom_fields(self):
        """The bound custom fields (layout items included), in form order — for a section of their own."""
        return [self[name] for name in self.custom_field_names()]

    def system_fields(self):
        """The bound visible fields that are not custom ones."""
        custom = set(self.custom_field_names())
        return [field for field in self.visible_fields() if field.name not in custom]

    def clean(self):
        cleaned_data = super().clean()
        fields = self.custom_schema.value_fields()
        raw = {}
        for field in fields:
            name = self.custom_prefix + field.key
            if name in self.cleaned_data:
                raw[field.key] = self.cleaned_data[name]
        had_errors = any(self.custom_prefix + f.key in self.errors for f in fields)
        try:
            cleaned = validate_values(self.custom_schema, raw, partial=had_errors,
                                      previous=self.custom_instance_values)
        except ValidationFailed as exc:
            for key, messages in exc.details.items():
                for message in messages:
                    self.add_error(self.custom_prefix + key, str(message))
        else:
            self.custom_values = None if had_errors else cleaned
        return cleaned_data


def _initial(field, value):
    try:
        return field.impl.form_initial(field, value)
    except (TypeError, ValueError, KeyError):
        return None  # stored under an older definition; the input starts empty


def build_form(schema, instance_values=None, *, base=forms.Form, field_prefix=""):
    """A form class with one field per definition, in order (layout items included).

    `base` may be a ModelForm for the record's system fields; use `field_prefix` ("cf_") when
    custom keys could collide with its field names. Build it per request: reference selects list
    the record's current choices.
    """
    parsed = as_parsed(schema)
    values = dict(instance_values or {})
    refs = References().load_for(parsed.fields, [values])
    attrs = {"custom_schema": parsed, "custom_prefix": field_prefix, "custom_instance_values": values}
    for field in parsed.fields:
        if field.system:
            continue
        form_field = field.impl.form_field(field, refs=refs, value=values.get(field.key))
        form_field.engine_kind = field.kind
        attrs[field_prefix + field.key] = form_field
    return type(f"{base.__name__}WithCustomFields", (CustomFieldsFormMixin, base), attrs)
