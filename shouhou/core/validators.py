import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(value):
    value = re.sub(r"[\s-]", "", str(value or ""))
    if value.startswith("+86"):
        value = value[3:]
    return value


def validate_mobile(value):
    if not MAINLAND_MOBILE.match(normalize_phone(value)):
        raise ValidationError(_("Enter a valid mainland mobile number (11 digits starting with 1)."),
                              code="invalid_phone")
