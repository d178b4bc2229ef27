"""Console forms of customers. They parse input; the services validate and write.

The customer form is the engine's form (`forms_engine.build_form`) over `CustomerForm`, so the
company's custom fields appear after the built-in ones and are validated by the engine.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.forms import team_choices, user_choices
from shouhou.accounts.queries import pickable_users
from shouhou.core import forms_engine
from shouhou.core.forms import ChecklistField, ConsoleForm, EngineErrorsMixin, bind_regions, region_field
from shouhou.core.forms_engine.listing import COLUMN_PREFIX

from . import services
from .models import Customer
from .settings_decl import TOGGLES

# The built-in fields as the form designer shows them (locked) — their values are real columns.
SYSTEM_FIELDS = [
    {"key": "name", "label": _("Customer name"), "kind": "text", "required": True, "searchable": True,
     "show_in_list": True},
    {"key": "number", "label": _("Customer number"), "kind": "text", "searchable": True, "show_in_list": True},
    {"key": "status", "label": _("Status"), "kind": "select", "show_in_list": True,
     "options": [{"value": value, "label": str(label)} for value, label in Customer.Status.choices]},
    {"key": "contact_name", "label": _("Contact"), "kind": "text", "show_in_list": True},
    {"key": "contact_phone", "label": _("Phone"), "kind": "phone", "searchable": True, "show_in_list": True},
    {"key": "address", "label": _("Address"), "kind": "address", "show_in_list": True},
    {"key": "service_team", "label": _("Service team"), "kind": "text", "show_in_list": True},
    {"key": "owners", "label": _("Customer owners"), "kind": "user", "multiple": True, "show_in_list": True},
    {"key": "tags", "label": _("Tags"), "kind": "text"},
]


def register_form_target():
    forms_engine.register_target(services.FORM_TARGET, label=_("Customer"), system_fields=SYSTEM_FIELDS)


def status_choices():
    return list(Customer.Status.choices)


class CustomerForm(EngineErrorsMixin, ConsoleForm):
    """The built-in fields, the default contact and the default address, inline."""

    name = forms.CharField(label=_("Customer name"), max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=status_choices, initial=Customer.Status.ACTIVE)
    service_team = forms.TypedChoiceField(label=_("Service team"), coerce=int, required=False, empty_value=None)
    owner_ids = ChecklistField(label=_("Customer owners"))
    tags = forms.CharField(label=_("Tags"), required=False, max_length=500,
                           help_text=_("Separate tags with commas or 、."))
    contact_name = forms.CharField(label=_("Contact"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    contact_position = forms.CharField(label=_("Position"), max_length=50, required=False)
    province = region_field(_("Province"))
    city = region_field(_("City"))
    district = region_field(_("District"))
    address_detail = forms.CharField(label=_("Detailed address"), max_length=200, required=False)
    latitude = forms.CharField(label=_("Latitude"), required=False,
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    longitude = forms.CharField(label=_("Longitude"), required=False,
                                widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    field_aliases = {
        "service_team": "service_team", "owners": "owner_ids",
        "contacts.0.name": "contact_name", "contact.name": "contact_name",
        "contacts.0.phone": "contact_phone", "contact.phone": "contact_phone",
        "contacts.0.position": "contact_position", "contact.position": "contact_position",
        "addresses": "address_detail", "addresses.0.detail": "address_detail", "address.detail": "address_detail",
        "addresses.0.province": "province", "address.province": "province",
        "addresses.0.city": "city", "address.city": "city",
        "addresses.0.district": "district", "address.district": "district",
        "addresses.0.latitude": "latitude", "address.latitude": "latitude",
        "addresses.0.longitude": "longitude", "address.longitude": "longitude",
    }
    contact_inputs = ("contact_name", "contact_phone", "contact_position")
    address_inputs = ("province", "city", "district", "address_detail", "latitude", "longitude")

    def __init__(self, *args, actor, customer=None, **kwargs):
        self.customer = customer
        if customer is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_of(customer)
        super().__init__(*args, **kwargs)
        self.fields["service_team"].choices = [("", _("(none)"))] + team_choices(actor)
        people = list(pickable_users(actor).order_by("name"))
        if customer is not None:  # a disabled owner stays listed so saving does not drop them silently
            listed = {user.pk for user in people}
            people += [user for user in customer.owners.all() if user.pk not in listed]
        self.fields["owner_ids"].choices = user_choices(people)
        bind_regions(self)

    def clean(self):
        """The contact's and address's own checks here too, so every error shows at once."""
        data = super().clean()
        contact = self.contact_values()
        if contact is not None:
            for key, messages in services.clean_contact(contact, prefix="contact.")[1].items():
                self._add_aliased(key, messages)
        address = self.address_values()
        if address is not None:
            for key, messages in services.clean_address(address, prefix="address.")[1].items():
                self._add_aliased(key, messages)
        return data

    def _add_aliased(self, key, messages):
        name = self.field_aliases.get(key, key)
        if name in self.fields and name not in self.errors:
            for message in messages:
                self.add_error(name, str(message))

    # -- what the services take ------------------------------------------------------------------------
    def contact_values(self):
        data = self.cleaned_data
        if not any(data.get(name) for name in self.contact_inputs):
            return None
        return {"name": data.get("contact_name", ""), "phone": data.get("contact_phone", ""),
                "position": data.get("contact_position", "")}

    def address_values(self):
        data = self.cleaned_data
        if not any(data.get(name) for name in self.address_inputs):
            return None
        return {"province": data.get("province", ""), "city": data.get("city", ""),
                "district": data.get("district", ""), "detail": data.get("address_detail", ""),
                "latitude": data.get("latitude") or None, "longitude": data.get("longitude") or None}

    def common_values(self):
        data = self.cleaned_data
        return {"name": data["name"], "status": data["status"], "service_team_id": data.get("service_team"),
                "owner_ids": list(data.get("owner_ids") or []), "tags": data.get("tags") or "",
                "fields": self.custom_values or {}}

    def create_values(self):
        contact, address = self.contact_values(), self.address_values()
        return {**self.common_values(), "contacts": [contact] if contact else [],
                "addresses": [address] if address else []}

    def update_values(self):
        values = {**self.common_values(), "replace_fields": True}
        contact, address = self.contact_values(), self.address_values()
        has_contact = bool(self.customer.contact_name)
        if contact is not None or has_contact:
            values["default_contact"] = contact
        if address is not None or self.customer.full_address:
            values["default_address"] = address
        return values


def initial_of(customer):
    return {
        "name": customer.name, "status": customer.status, "service_team": customer.service_team_id,
        "owner_ids": list(customer.owners.values_list("pk", flat=True)), "tags": "、".join(customer.tags),
        "contact_name": customer.contact_name, "contact_phone": customer.contact_phone,
        "contact_position": getattr(customer.contacts.filter(is_default=True).first(), "position", ""),
        "province": customer.province, "city": customer.city, "district": customer.district,
        "address_detail": customer.address_detail,
        "latitude": "" if customer.latitude is None else customer.latitude,
        "longitude": "" if customer.longitude is None else customer.longitude,
    }


def customer_form_class(customer=None):
    """CustomerForm with the company's custom fields (inputs named "cf_<key>") after the built-in ones."""
    values = customer.fields if customer is not None else None
    return forms_engine.build_form(services.schema(), values, base=CustomerForm, field_prefix=COLUMN_PREFIX)


class ContactForm(ConsoleForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False,
                            widget=forms.EmailInput())
    position = forms.CharField(label=_("Position"), max_length=50, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    is_default = forms.BooleanField(label=_("Default contact"), required=False)

    def __init__(self, *args, contact=None, **kwargs):
        if contact is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(contact, name) for name in (*services.CONTACT_FIELDS, "is_default")}
        super().__init__(*args, **kwargs)


class AddressForm(ConsoleForm):
    province = region_field(_("Province"))
    city = region_field(_("City"))
    district = region_field(_("District"))
    detail = forms.CharField(label=_("Detailed address"), max_length=200, required=False)
    latitude = forms.CharField(label=_("Latitude"), required=False,
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    longitude = forms.CharField(label=_("Longitude"), required=False,
                                widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    is_default = forms.BooleanField(label=_("Default address"), required=False)

    def __init__(self, *args, address=None, **kwargs):
        if address is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(address, name) for name in
                                 (*services.ADDRESS_PARTS, "latitude", "longitude", "is_default")}
        super().__init__(*args, **kwargs)
        bind_regions(self)

    def service_values(self):
        data = dict(self.cleaned_data)
        data["latitude"] = data.get("latitude") or None
        data["longitude"] = data.get("longitude") or None
        return data


MODE_CHOICES = [("add", _("Add to the current ones")), ("remove", _("Remove")), ("set", _("Replace all with"))]


def batch_targets(custom_fields):
    """What a batch edit can change: the built-in properties and each custom field."""
    choices = [("status", _("Status")), ("service_team", _("Service team")), ("owners", _("Customer owners")),
               ("tags", _("Tags"))]
    choices += [(f"field:{field.key}", field.label) for field in custom_fields]
    return choices


class BatchEditForm(EngineErrorsMixin, ConsoleForm):
    """One property at a time for the selected customers; the value input follows the choice."""

    what = forms.ChoiceField(label=_("Change"))
    status = forms.ChoiceField(label=_("Status"), choices=status_choices, required=False)
    service_team = forms.TypedChoiceField(label=_("Service team"), coerce=int, required=False, empty_value=None)
    mode = forms.ChoiceField(label=_("How"), choices=MODE_CHOICES, initial="add", widget=forms.RadioSelect,
                             required=False)
    owner_ids = ChecklistField(label=_("Customer owners"))
    tags = forms.CharField(label=_("Tags"), required=False, max_length=500,
                           help_text=_("Separate tags with commas or 、."))
    field_aliases = {"owners": "owner_ids", "field_key": "what"}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.custom_fields = [f for f in services.schema().parsed.value_fields() if f.impl.importable]
        self.fields["what"].choices = batch_targets(self.custom_fields)
        self.fields["service_team"].choices = [("", _("(none)"))] + team_choices(actor)
        self.fields["owner_ids"].choices = user_choices(pickable_users(actor).order_by("name"))
        self.chosen = self.data.get("what") or self.initial.get("what") or "status"
        definition = self.chosen_field()
        if definition is not None:  # the engine's own input for that field (empty clears it)
            form_field = definition.impl.form_field(definition, refs=forms_engine.References())
            form_field.required = False
            self.fields[COLUMN_PREFIX + definition.key] = form_field
            _style(form_field)

    def chosen_field(self):
        if not self.chosen.startswith("field:"):
            return None
        key = self.chosen.removeprefix("field:")
        return next((f for f in self.custom_fields if f.key == key), None)

    def value_input(self):
        definition = self.chosen_field()
        return self[COLUMN_PREFIX + definition.key] if definition is not None else None

    def clean(self):
        data = super().clean()
        what = data.get("what")
        if what in ("owners", "tags") and data.get("mode") not in {"add", "remove", "set"}:
            self.add_error("mode", _("This field is required."))
        if what == "owners" and data.get("mode") != "set" and not data.get("owner_ids"):
            self.add_error("owner_ids", _("Choose at least one."))
        if what == "tags" and data.get("mode") != "set" and not services.clean_tags(data.get("tags") or ""):
            self.add_error("tags", _("Enter at least one tag."))
        return data

    def service_values(self):
        data = self.cleaned_data
        what = data["what"]
        if what == "status":
            return {"status": data["status"]}
        if what == "service_team":
            return {"service_team_id": data.get("service_team")}
        if what == "owners":
            return {"owner_ids": list(data.get("owner_ids") or []), "owners_mode": data["mode"]}
        if what == "tags":
            return {"tags": data.get("tags") or "", "tags_mode": data["mode"]}
        definition = self.chosen_field()
        value = data.get(COLUMN_PREFIX + definition.key)
        return {"field_key": definition.key, "field_value": None if value in ("", [], None) else value}


def _style(form_field):
    widget = form_field.widget
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.MultiWidget)):
        return
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class SmsForm(ConsoleForm):
    content = forms.CharField(label=_("Message"), max_length=500, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Sent to each customer's default contact; 70 characters make one "
                                          "billed message."))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class NoteForm(ConsoleForm):
    content = forms.CharField(label=_("Note"), required=False, max_length=services.MAX_NOTE,
                              widget=forms.Textarea(attrs={"rows": 3, "data-submit-on-alt-enter": "1",
                                                           "placeholder": _("Write a note… (Alt+Enter sends it)")}))
    files = MultipleFileField(label=_("Attachments"))


class SettingsForm(ConsoleForm):
    number_prefix = forms.CharField(label=_("Customer number prefix"), max_length=10,
                                    help_text=_("New customers are numbered with this prefix, e.g. CUS00001."))
    field_aliases = {"customer.number_prefix": "number_prefix"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, _default, label, help_text in TOGGLES:
            self.fields[toggle_name(key)] = forms.BooleanField(label=label, help_text=help_text, required=False)

    def toggles(self):
        return [self[toggle_name(key)] for key, *_rest in TOGGLES]

    def service_values(self):
        values = {key: self.cleaned_data[toggle_name(key)] for key, *_rest in TOGGLES}
        values["customer.number_prefix"] = self.cleaned_data["number_prefix"]
        return values


def toggle_name(key):
    return key.replace(".", "__")


def settings_initial(current):
    initial = {toggle_name(key): bool(current.get(key)) for key, *_rest in TOGGLES}
    initial["number_prefix"] = current.get("customer.number_prefix", "CUS")
    return initial
