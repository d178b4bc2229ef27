"""Forms of the system-management pages. They parse and check input; the services write."""

import re

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shouhou.core.errors import DomainError
from shouhou.core.validators import normalize_phone, validate_mobile
from shouhou.core.widgets import TimeInput

from . import services

TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
WEEKDAYS = list(enumerate([pgettext_lazy("weekday", "Mon"), pgettext_lazy("weekday", "Tue"),
                           pgettext_lazy("weekday", "Wed"), pgettext_lazy("weekday", "Thu"),
                           pgettext_lazy("weekday", "Fri"), pgettext_lazy("weekday", "Sat"),
                           pgettext_lazy("weekday", "Sun")], start=1))


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (unless it names its own), and `is-invalid` on fields in error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if widget.attrs.get("class"):
                continue
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields and "is-invalid" not in self.fields[name].widget.attrs["class"]:
                self.fields[name].widget.attrs["class"] += " is-invalid"


def add_domain_error(form, exc, field_map=None):
    """Show a service's DomainError on the form: its field details on their fields, else on the form."""
    field_map = field_map or {}
    if not exc.details:
        form.add_error(None, str(exc.message))
        return
    for key, messages in exc.details.items():
        name = field_map.get(key, key)
        form.add_error(name if name in form.fields else None, [str(m) for m in messages])


def _time_field(label):
    return forms.CharField(label=label, max_length=5, widget=TimeInput(),
                           error_messages={"required": _("Enter a time as HH:MM.")})


# --- sign-up (GEN-02) ---------------------------------------------------------------------------

class SignupForm(StyledForm):
    name = forms.CharField(label=_("Company name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=30)
    slug = forms.CharField(label=_("Company code"), max_length=40,
                           help_text=_("3–40 lowercase letters, digits or hyphens; used in your portal address."))
    admin_name = forms.CharField(label=_("Your name"), max_length=50)
    contact_phone = forms.CharField(label=_("Mobile phone"), max_length=20, help_text=_("You log in with this number."),
                                    widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    admin_email = forms.EmailField(label=_("E-mail"), required=False,
                                   widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               help_text=_("At least 8 characters; not only digits, not a common password."),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Repeat password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    # Service errors name the owner's fields; these are their names on this form.
    SERVICE_FIELDS = {"phone": "contact_phone", "email": "admin_email"}

    def clean_slug(self):
        try:
            return services.validate_slug(self.cleaned_data["slug"])
        except DomainError as exc:
            raise ValidationError([str(m) for m in exc.details.get("slug", [exc.message])])

    def clean_contact_phone(self):
        phone = normalize_phone(self.cleaned_data["contact_phone"])
        validate_mobile(phone)
        if _registered(phone=phone):
            raise ValidationError(_("This mobile phone is already registered."))
        return phone

    def clean_admin_email(self):
        email = self.cleaned_data["admin_email"].strip().lower()
        if email and _registered(email__iexact=email):
            raise ValidationError(_("This e-mail is already registered."))
        return email

    def clean(self):
        data = super().clean()
        password, password2 = data.get("password"), data.get("password2")
        if password and password2 and password != password2:
            self.add_error("password2", _("The two passwords do not match."))
        if password:
            from shouhou.accounts.models import User

            candidate = User(name=data.get("admin_name", ""), phone=data.get("contact_phone"),
                             email=data.get("admin_email") or None)
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


def _registered(**lookup):
    """Phones and e-mails are unique across companies; telling now saves a second round.
    The service checks again when it creates the owner."""
    from shouhou.accounts.models import User

    return User.objects.filter(**lookup).exists()


# --- company information (SYS-07) ---------------------------------------------------------------

class CompanyForm(StyledForm):
    name = forms.CharField(label=_("Company name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=30)
    show_short_name = forms.BooleanField(label=_("Show the short name to customers"), required=False)
    email = forms.EmailField(label=_("Company e-mail"), required=False)
    phone = forms.CharField(label=_("Company phone"), max_length=30, required=False)
    address = forms.CharField(label=_("Company address"), max_length=200, required=False)
    profile = forms.CharField(label=_("Company profile"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))

    @classmethod
    def for_company(cls, tenant, data=None):
        initial = {name: getattr(tenant, name) for name in cls.base_fields}
        return cls(data=data, initial=initial)


# --- working hours (SYS-10) ---------------------------------------------------------------------

class WorkingHoursForm(StyledForm):
    enabled = forms.BooleanField(label=_("Use working hours"), required=False)
    days = forms.TypedMultipleChoiceField(label=_("Working days"), choices=WEEKDAYS, coerce=int, required=False,
                                          widget=forms.CheckboxSelectMultiple(attrs={"class": "btn-check"}))
    start = _time_field(_("Start time"))
    end = _time_field(_("End time"))
    count_timeouts = forms.BooleanField(
        label=_("Count work-order timeouts in working hours only"), required=False,
        help_text=_("On, while working hours are used: a work-order step's timeout counts only the working "
                    "days and hours above. With Mon–Fri 09:00–18:00, 4 hours from Friday 17:00 end on Monday "
                    "12:00. Off: timeouts count on the clock, nights and weekends included."))

    def clean_start(self):
        return _clean_time(self.cleaned_data["start"])

    def clean_end(self):
        return _clean_time(self.cleaned_data["end"])

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end time must be after the start time."))
        if (data.get("enabled") or data.get("count_timeouts")) and not data.get("days"):
            self.add_error("days", _("Choose at least one working day."))
        return data

    def setting_values(self):
        data = self.cleaned_data
        return {"working_hours.enabled": data["enabled"], "working_hours.days": sorted(data["days"]),
                "working_hours.start": data["start"], "working_hours.end": data["end"],
                "working_hours.count_timeouts": data["count_timeouts"]}

    @classmethod
    def from_settings(cls, values, data=None):
        initial = {key.split(".", 1)[1]: value for key, value in values.items()}
        return cls(data=data, initial=initial)


def _clean_time(value):
    value = (value or "").strip()
    if len(value) == 8 and value.endswith(":00"):  # some browsers send HH:MM:SS
        value = value[:5]
    if not TIME_RE.match(value):
        raise ValidationError(_("Enter a time as HH:MM."))
    return value


# --- work statuses (SYS-11) ---------------------------------------------------------------------

class WorkStatusForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=30, widget=forms.TextInput(attrs={"aria-label": _("Name")}))
    color = forms.CharField(label=_("Colour"), max_length=7, initial="#52c41a",
                            widget=forms.TextInput(attrs={"type": "color", "class": "form-control form-control-color",
                                                                   "aria-label": _("Colour")}))

    def clean_color(self):
        color = self.cleaned_data["color"].strip()
        if not COLOR_RE.match(color):
            raise ValidationError(_("Choose a colour."))
        return color.lower()


# --- SMS notifications to staff (SYS-04) --------------------------------------------------------

class SmsSettingsForm(StyledForm):
    notify_staff = forms.BooleanField(label=_("Send work-order notifications to staff by SMS"), required=False)
