"""Console forms for products, templates, types, batch edits and settings. They parse input; the
services validate and write. Custom fields come from the form engine (`build_form`, prefix "cf_")."""

from dataclasses import replace

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.core import forms_engine
from shouhou.core.forms import ConsoleForm
from shouhou.core.forms_engine import ParsedSchema
from shouhou.core.forms_engine.kinds import FieldError
from shouhou.core.forms_engine.kinds.references import References
from shouhou.core.widgets import DateInput

from . import queries
from .settings_decl import TOGGLES

CUSTOM_PREFIX = "cf_"
DATE_WIDGET = {"widget": DateInput(),
               "input_formats": ["%Y-%m-%d", "%Y/%m/%d"]}


def _date_field(label):
    return forms.DateField(label=label, required=False, **DATE_WIDGET)


class ProductsForm(ConsoleForm):
    """Service errors on "fields.<key>" land on the custom field "cf_<key>"; `field_aliases` maps the
    services' id names ("customer_id") to the form's fields."""

    field_aliases = {"product_type_id": "product_type", "customer_id": "customer", "template_id": "template"}

    custom_error_field = None  # where custom-field errors go when the form has no "cf_" fields

    def add_domain_error(self, exc):
        details = getattr(exc, "details", None) or {}
        if details:
            renamed = {}
            for key, messages in details.items():
                if key.startswith("fields."):
                    key = self.custom_error_field or CUSTOM_PREFIX + key[len("fields."):]
                renamed.setdefault(key, []).extend(messages if isinstance(messages, (list, tuple)) else [messages])
            exc.details = renamed
        super().add_domain_error(exc)

    def custom_fields(self):
        """The bound custom fields (layout items included), in form order."""
        names = self.custom_field_names() if hasattr(self, "custom_field_names") else []
        return [self[name] for name in names]


TOGGLE = forms.CheckboxInput(attrs={"data-part-toggle": "1"})  # products.js enables the part's inputs


class PickerSelect(forms.Select):
    """A select that lists only the current choice; the form engine's widgets.js turns a select with
    `data-search-url` into a search box."""


class ProductForm(ProductsForm):
    template = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Product name"), max_length=100)
    number = forms.CharField(label=_("Product number"), max_length=50)
    serial_number = forms.CharField(label=_("Serial number"), max_length=80, required=False)
    product_type = forms.TypedChoiceField(label=_("Product type"), coerce=int, required=False, empty_value=None)
    customer = forms.IntegerField(label=_("Customer"), required=False, widget=PickerSelect)
    purchase_date = _date_field(_("Purchase date"))
    install_date = _date_field(_("Installation date"))
    warranty_end = _date_field(_("Warranty end date"))
    location = forms.CharField(label=_("Location"), max_length=200, required=False,
                               help_text=_("Where the product is installed, e.g. the building and floor."))
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6)

    SYSTEM = ("name", "number", "serial_number", "product_type", "customer", "purchase_date", "install_date",
              "warranty_end", "location", "latitude", "longitude")

    def __init__(self, *args, customer=None, template=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_type"].choices = [("", "---------")] + queries.product_type_choices()
        customer_choices = [("", _("No customer"))]
        if customer is not None:
            customer_choices.append((customer.pk, f"{customer.name}（{customer.number}）"))
        widget = self.fields["customer"].widget
        widget.choices = customer_choices
        widget.attrs["data-search-url"] = reverse("customers:pick")
        if template is not None:
            self.fields["number"].required = False
            self.fields["number"].help_text = _("Empty: numbered %(prefix)s-0001, -0002 … from the template.") % {
                "prefix": template.number}
            if template.warranty_months is not None:
                self.fields["warranty_end"].help_text = _(
                    "Empty: the installation (or purchase) date plus %(n)s months.") % {"n": template.warranty_months}

    def service_values(self):
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.SYSTEM}
        values["product_type_id"] = values.pop("product_type")
        values["customer_id"] = values.pop("customer")
        values["number"] = values["number"] or ""
        values["fields"] = self.custom_values or {}
        return values


def product_form_class(values=None):
    """The product form with the company's custom fields, built per request."""
    return forms_engine.build_form(forms_engine.get_schema(queries.FORM_TARGET), values or {}, base=ProductForm,
                                   field_prefix=CUSTOM_PREFIX)


def initial_for(product):
    return {
        "name": product.name, "number": product.number, "serial_number": product.serial_number,
        "product_type": product.product_type_id, "customer": product.customer_id,
        "purchase_date": product.purchase_date, "install_date": product.install_date,
        "warranty_end": product.warranty_end, "location": product.location, "latitude": product.latitude,
        "longitude": product.longitude,
    }


def initial_from_template(template):
    return {"template": template.pk, "name": template.name, "product_type": template.product_type_id}


# --- templates ----------------------------------------------------------------------------------------------

class TemplateForm(ProductsForm):
    name = forms.CharField(label=_("Product name"), max_length=100)
    number = forms.CharField(label=_("Product number"), max_length=40,
                             help_text=_("Products made from the template are numbered <number>-0001, -0002 …"))
    product_type = forms.TypedChoiceField(label=_("Product type"), coerce=int, required=False, empty_value=None)
    warranty_months = forms.IntegerField(label=_("Warranty (months)"), min_value=0, max_value=600, required=False,
                                         help_text=_("Sets the warranty end from the installation date."))
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_type"].choices = [("", "---------")] + queries.product_type_choices()

    def service_values(self):
        data = dict(self.cleaned_data)
        values = {name: data.get(name) for name in ("name", "number", "warranty_months", "description")}
        values["product_type_id"] = data.get("product_type")
        values["fields"] = self.custom_values or {}
        return values


def _optional(parsed):
    """The product schema with every field optional: a template may leave values to each product."""
    return ParsedSchema(parsed.target, [replace(f, required=False) for f in parsed.fields], list(parsed.retired),
                        parsed.version)


def template_form_class(values=None):
    parsed = _optional(forms_engine.get_schema(queries.FORM_TARGET).parsed)
    return forms_engine.build_form(parsed, values or {}, base=TemplateForm, field_prefix=CUSTOM_PREFIX)


def template_initial(template):
    return {"name": template.name, "number": template.number, "product_type": template.product_type_id,
            "warranty_months": template.warranty_months, "description": template.description}


class TemplateBatchForm(ProductsForm):
    set_type = forms.BooleanField(label=_("Change the product type"), required=False, widget=TOGGLE)
    product_type = forms.TypedChoiceField(label=_("Product type"), coerce=int, required=False, empty_value=None)
    set_warranty = forms.BooleanField(label=_("Change the warranty"), required=False, widget=TOGGLE)
    warranty_months = forms.IntegerField(label=_("Warranty (months)"), min_value=0, max_value=600, required=False)

    field_aliases = {"product_type_id": "product_type"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_type"].choices = [("", _("No type"))] + queries.product_type_choices()

    def clean(self):
        data = super().clean()
        if not data.get("set_type") and not data.get("set_warranty"):
            raise forms.ValidationError(_("Choose what to change."))
        return data

    def service_values(self):
        data, values = self.cleaned_data, {}
        if data.get("set_type"):
            values["product_type_id"] = data.get("product_type")
        if data.get("set_warranty"):
            values["warranty_months"] = data.get("warranty_months")
        return values


# --- product types ------------------------------------------------------------------------------------------

class ProductTypeForm(ProductsForm):
    name = forms.CharField(label=_("Type name"), max_length=50)


# --- batch edit -----------------------------------------------------------------------------------------------

class BatchEditForm(ProductsForm):
    """What to change on the selected products; unticked parts stay as they are."""

    custom_error_field = "field_value"

    set_type = forms.BooleanField(label=_("Change the product type"), required=False, widget=TOGGLE)
    product_type = forms.TypedChoiceField(label=_("Product type"), coerce=int, required=False, empty_value=None)
    set_customer = forms.BooleanField(label=_("Change the customer"), required=False, widget=TOGGLE)
    customer = forms.IntegerField(label=_("Customer"), required=False, widget=PickerSelect)
    set_warranty = forms.BooleanField(label=_("Change the warranty end date"), required=False, widget=TOGGLE)
    warranty_end = _date_field(_("Warranty end date"))
    field_key = forms.ChoiceField(label=_("Custom field"), required=False)
    field_value = forms.CharField(label=_("New value"), required=False, max_length=500,
                                  help_text=_("As in the Excel import: option names, dates as YYYY-MM-DD, "
                                              "several values separated by commas. Empty clears the field."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parsed = forms_engine.get_schema(queries.FORM_TARGET).parsed
        self.fields["product_type"].choices = [("", _("No type"))] + queries.product_type_choices()
        widget = self.fields["customer"].widget
        widget.choices = [("", _("No customer"))]
        widget.attrs["data-search-url"] = reverse("customers:pick")
        self.fields["field_key"].choices = [("", _("Do not change a custom field"))] + [
            (column.key, column.header) for column in forms_engine.excel_columns(self.parsed, for_import=True)]

    def clean(self):
        data = super().clean()
        key = data.get("field_key")
        data["parsed_value"] = None
        if key:
            definition = self.parsed.get(key)
            text = (data.get("field_value") or "").strip()
            if text:
                try:
                    data["parsed_value"] = definition.impl.parse_cell(definition, text, References())
                except FieldError as exc:
                    self.add_error("field_value", [str(m) for m in exc.messages])
        if not (data.get("set_type") or data.get("set_customer") or data.get("set_warranty") or key):
            raise forms.ValidationError(_("Choose what to change."))
        return data

    def service_values(self):
        data, values = self.cleaned_data, {}
        if data.get("set_type"):
            values["product_type_id"] = data.get("product_type")
        if data.get("set_customer"):
            values["customer_id"] = data.get("customer")
        if data.get("set_warranty"):
            values["warranty_end"] = data.get("warranty_end")
        if data.get("field_key"):
            values["field_key"] = data["field_key"]
            values["field_value"] = data.get("parsed_value")
        return values


# --- settings (PRD-09) ----------------------------------------------------------------------------------------

class SettingsForm(ProductsForm):
    """One switch per declared product setting, named by its key with "." as "__"."""

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, _default, label, help_text in TOGGLES:
            name = key.replace(".", "__")
            self.fields[name] = forms.BooleanField(label=label, help_text=help_text, required=False,
                                                   initial=(current or {}).get(key))
            self.fields[name].widget.attrs["class"] = "form-check-input"
            self.fields[name].widget.attrs["role"] = "switch"

    def setting_values(self):
        return {key: bool(self.cleaned_data.get(key.replace(".", "__"))) for key, *_rest in TOGGLES}
