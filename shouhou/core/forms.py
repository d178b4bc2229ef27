"""The console kit's forms: the base form every console dialog and page uses, and its error handling.

Forms parse input; the services validate and write. A service's refusal comes back as a DomainError,
and `add_domain_error` puts it where the user looks: a ValidationFailed's details on their fields,
anything else above the form (architecture §4: one place turns a user-caused error into a form error).
"""

from django import forms

from .errors import ValidationFailed
from .forms_engine.listing import COLUMN_PREFIX


class ConsoleForm(forms.Form):
    """Bootstrap classes on widgets, and service errors (ValidationFailed.details) shown on the fields."""

    field_aliases: dict = {}  # service detail key -> form field name

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def add_domain_error(self, exc):
        """Show a service's error: field details on their fields, anything else on the form."""
        details = exc.details if isinstance(exc, ValidationFailed) else {}
        if not details:
            self.add_error(None, str(exc.message))
            return
        for key, messages in details.items():
            name = self.field_aliases.get(key, key)
            for message in messages if isinstance(messages, (list, tuple)) else [messages]:
                self.add_error(name if name in self.fields else None, str(message))


class EngineErrorsMixin:
    """Service errors on custom fields ("fields.<key>") go to their "cf_<key>" inputs.

    Put it before ConsoleForm: `class CustomerForm(EngineErrorsMixin, ConsoleForm)`."""

    def add_domain_error(self, exc):
        details = getattr(exc, "details", None) or {}
        exc.details = {(COLUMN_PREFIX + key.removeprefix("fields.") if key.startswith("fields.") else key): value
                       for key, value in details.items()}
        super().add_domain_error(exc)


class ActionForm(ConsoleForm):
    """Every action posts the version the page showed, so a stale page cannot act (409 → message)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ChecklistField(forms.TypedMultipleChoiceField):
    """Several ids as a list of check boxes (core/kit/_field.html draws it, filterable on request)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
