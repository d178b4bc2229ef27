"""Kinds stored as one string: text, textarea, scan code, phone, e-mail."""

import re
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from pydantic import StringConstraints

from shouhou.core.validators import MAINLAND_MOBILE, normalize_newlines, normalize_phone

from .base import FieldError, Rule, TextInputKind, base_form_kwargs, placeholder_attrs, register

MIN_LENGTH = Rule(int, _("Minimum length"), None, 0, 20000)
PATTERN = Rule(str, _("Format (regular expression)"), "", max=200)
PATTERN_MESSAGE = Rule(str, _("Message when the format does not match"), "", max=100)
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
SERVICE_NUMBER = re.compile(r"^[48]00\d{7}$")


class LengthLimitedKind(TextInputKind):
    compatible = frozenset({"text", "textarea", "scan_code"})

    def check_definition(self, field):
        problems = []
        low, high = field.rules.get("min_length"), field.rule("max_length")
        if low is not None and low > high:
            problems.append(("rules", _("The minimum length is above the maximum length.")))
        pattern = field.rules.get("pattern")
        if pattern:
            try:
                re.compile(pattern)
            except re.error:
                problems.append(("rules", _("The format is not a valid regular expression.")))
        return problems

    def clean(self, field, value, previous=None):
        text = self.clean_text(value)
        low, high = field.rules.get("min_length"), field.rule("max_length")
        if len(text) > high:
            raise FieldError(_("Ensure this value has at most %(limit)d characters (it has %(count)d).")
                             % {"limit": high, "count": len(text)})
        if low is not None and len(text) < low:
            raise FieldError(_("Ensure this value has at least %(limit)d characters (it has %(count)d).")
                             % {"limit": low, "count": len(text)})
        pattern = field.rules.get("pattern")
        if pattern and not re.fullmatch(pattern, text):
            raise FieldError(field.rules.get("pattern_message") or _("Enter a value in the required format."))
        return text

    def annotation(self, field):
        return Annotated[str, StringConstraints(max_length=field.rule("max_length"))]


@register
class Text(LengthLimitedKind):
    name = "text"
    label = _("Single-line text")
    rules = {"min_length": MIN_LENGTH, "max_length": Rule(int, _("Maximum length"), 200, 1, 2000),
             "pattern": PATTERN, "pattern_message": PATTERN_MESSAGE}


@register
class Textarea(LengthLimitedKind):
    name = "textarea"
    label = _("Multi-line text")
    rules = {"min_length": MIN_LENGTH, "max_length": Rule(int, _("Maximum length"), 2000, 1, 20000)}
    filter_ops = ("icontains", "isnull")
    sortable = False
    multiline = True

    def clean_text(self, value):
        text = super().clean_text(value)
        return "\n".join(line.rstrip() for line in normalize_newlines(text).split("\n"))

    def form_field(self, field, *, refs, value=None):
        attrs = placeholder_attrs(field, rows=3)
        return forms.CharField(widget=forms.Textarea(attrs=attrs), **base_form_kwargs(field))

    def display_html(self, field, value, refs):
        return mark_safe(linebreaks(value, autoescape=True))  # linebreaks escapes the text itself


@register
class ScanCode(LengthLimitedKind):
    name = "scan_code"
    label = _("Scan code")
    group = "advanced"
    rules = {"max_length": Rule(int, _("Maximum length"), 200, 1, 2000), "pattern": PATTERN,
             "pattern_message": PATTERN_MESSAGE}

    def form_field(self, field, *, refs, value=None):
        # The mobile shell attaches the camera scanner to inputs marked data-scan-code.
        attrs = placeholder_attrs(field, autocomplete="off", **{"data-scan-code": "1"})
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **base_form_kwargs(field))


@register
class Phone(TextInputKind):
    name = "phone"
    label = _("Phone")
    rules = {"phone_type": Rule(str, _("Accepted numbers"), "any", choices=("any", "mobile", "landline"))}

    def clean(self, field, value, previous=None):
        number = normalize_phone(self.clean_text(value))
        accepted = field.rule("phone_type")
        is_mobile = bool(MAINLAND_MOBILE.match(number))
        is_landline = bool(LANDLINE.match(number) or SERVICE_NUMBER.match(number))
        if accepted == "mobile" and not is_mobile:
            raise FieldError(_("Enter a valid mainland mobile number (11 digits starting with 1)."))
        if accepted == "landline" and not is_landline:
            raise FieldError(_("Enter a valid landline number with its area code, e.g. 0755-12345678."))
        if not (is_mobile or is_landline):
            raise FieldError(_("Enter a valid phone number: a mobile number or a landline with area code."))
        return number

    def filter_value(self, field, raw, op):
        if op == "icontains":  # numbers are stored as digits only: "138-0013" finds 13800138000
            return normalize_phone(self.clean_text(raw))
        return self.clean(field, raw)

    def form_field(self, field, *, refs, value=None):
        attrs = placeholder_attrs(field, type="tel", inputmode="tel", autocomplete="tel")
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **base_form_kwargs(field))

    def annotation(self, field):
        return str

    def display_html(self, field, value, refs):
        return format_html('<a href="tel:{}">{}</a>', value, value)


@register
class Email(TextInputKind):
    name = "email"
    label = _("E-mail")

    def clean(self, field, value, previous=None):
        address = self.clean_text(value).lower()
        try:
            validate_email(address)
        except ValidationError:
            raise FieldError(_("Enter a valid e-mail address."))
        return address

    def form_field(self, field, *, refs, value=None):
        attrs = placeholder_attrs(field, type="email", autocomplete="email")
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **base_form_kwargs(field))

    def annotation(self, field):
        return Annotated[str, StringConstraints(max_length=254)]

    def display_html(self, field, value, refs):
        return format_html('<a href="mailto:{}">{}</a>', value, value)
