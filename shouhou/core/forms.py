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


# --- the cascading region picker (省 / 市 / 区县, core.regions) ---------------------------------------------

REGION_LEVELS = ("province", "city", "district")


def region_field(label):
    """A province, city or district input drawn as a select; `bind_regions` fills its options. It posts a
    GB/T 2260 code (or an unmatched stored name, marked 待修正), which the services match again."""
    return forms.CharField(label=label, max_length=30, required=False, widget=forms.Select())


def bind_regions(form, names=REGION_LEVELS):
    """Fill the three selects of `names` (province, city, district inputs of `form`) with the divisions the
    current values allow: every province, the chosen province's cities, the chosen city's districts. The
    page's core/regions.js loads the next level when one changes. Values may be names or codes."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from . import regions

    current = [str((form.data.get(form.add_prefix(name)) if form.is_bound else
                    form.initial.get(name, form.fields[name].initial)) or "").strip() for name in names]
    found = regions.match(*current)
    nodes = [found.province, found.city, found.district]
    parents = [None, nodes[0], nodes[1]]
    url = reverse("core:regions")
    for index, name in enumerate(names):
        field, node, parent = form.fields[name], nodes[index], parents[index]
        options = [("", _("(choose)"))]
        if index == 0 or parent is not None:
            options += [(child.code, child.name) for child in regions.children(parent.code if parent else None)]
        if node is None and current[index] and not regions.get(current[index]):
            options.append((current[index], _("%(name)s (to fix)") % {"name": current[index]}))
        field.widget.choices = options
        field.widget.attrs.update({"data-region-level": REGION_LEVELS[index], "data-region-url": url})
        if node is not None and not form.is_bound:
            form.initial[name] = node.code
