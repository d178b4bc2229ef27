"""Translated texts for the API's input errors, which pydantic and django-ninja only give in English.

`validation_message(error)` turns one pydantic error (its `type` and `ctx`) into a message in the
request's language, as the console's Django forms already do; `http_message(text)` does the same for
the few fixed texts of django-ninja's own 4xx answers.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .bounds import DATETIME_MAX, DATETIME_MIN

NUMBER = gettext_lazy("Enter a number.")
WHOLE_NUMBER = gettext_lazy("Enter a whole number.")
DATE = gettext_lazy("Enter a valid date (YYYY-MM-DD).")
DATETIME = gettext_lazy("Enter a valid date and time (ISO 8601, e.g. 2026-05-01T09:30:00+08:00).")
OBJECT = gettext_lazy("Send a JSON object.")
INVALID = gettext_lazy("Enter a valid value.")

MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_short": gettext_lazy("Enter at least %(min_length)s characters."),
    "string_too_long": gettext_lazy("Enter at most %(max_length)s characters."),
    "string_pattern_mismatch": INVALID,
    "int_type": WHOLE_NUMBER, "int_parsing": WHOLE_NUMBER, "int_parsing_size": WHOLE_NUMBER,
    "int_from_float": WHOLE_NUMBER,
    "float_type": NUMBER, "float_parsing": NUMBER, "decimal_type": NUMBER, "decimal_parsing": NUMBER,
    "finite_number": NUMBER,
    "decimal_max_digits": gettext_lazy("Enter at most %(max_digits)s digits."),
    "decimal_max_places": gettext_lazy("Enter at most %(decimal_places)s decimal places."),
    "decimal_whole_digits": gettext_lazy("Enter at most %(whole_digits)s digits before the decimal point."),
    "greater_than": gettext_lazy("Enter a value greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Enter a value greater than or equal to %(ge)s."),
    "less_than": gettext_lazy("Enter a value less than %(lt)s."),
    "less_than_equal": gettext_lazy("Enter a value less than or equal to %(le)s."),
    "bool_type": gettext_lazy("Enter true or false."), "bool_parsing": gettext_lazy("Enter true or false."),
    "literal_error": gettext_lazy("Choose one of %(expected)s."),
    "enum": gettext_lazy("Choose one of %(expected)s."),
    "date_type": DATE, "date_parsing": DATE, "date_from_datetime_parsing": DATE,
    "date_from_datetime_inexact": DATE,
    "datetime_type": DATETIME, "datetime_parsing": DATETIME, "datetime_from_date_parsing": DATETIME,
    "datetime_object_invalid": DATETIME,
    "datetime_range": gettext_lazy("Enter a date and time between %(min)s and %(max)s (UTC)."),
    "list_type": gettext_lazy("Send a list."),
    "too_short": gettext_lazy("Send at least %(min_length)s items."),
    "too_long": gettext_lazy("Send at most %(max_length)s items."),
    "dict_type": OBJECT, "model_type": OBJECT, "model_attributes_type": OBJECT, "dataclass_type": OBJECT,
    "json_invalid": gettext_lazy("Send valid JSON."), "json_type": gettext_lazy("Send valid JSON."),
    "extra_forbidden": gettext_lazy("This field is not known."),
}

BOUNDS = {"min": str(DATETIME_MIN.date()), "max": str(DATETIME_MAX.date())}


def validation_message(error):
    """One pydantic error as a sentence in the active language."""
    template = MESSAGES.get(error.get("type"), INVALID)
    values = {**BOUNDS, **{key: _plain(value) for key, value in (error.get("ctx") or {}).items()}}
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(INVALID)


def _plain(value):
    return value if isinstance(value, (int, str)) else str(value)


def http_message(text):
    """django-ninja's fixed English texts (its 400 for an unreadable body …) in the active language."""
    if text.startswith("Cannot parse request body"):
        return _("The request body is not valid JSON.")
    return text


STATUS_MESSAGES = {
    400: gettext_lazy("The request could not be read."),
    403: gettext_lazy("You do not have permission to do this."),
    404: gettext_lazy("No such API endpoint."),
    405: gettext_lazy("This method is not allowed here; the Allow header lists those that are."),
    413: gettext_lazy("The request is too large."),
    500: gettext_lazy("Something went wrong on our side; please try again later."),
}


def status_message(status):
    """The message of an error answered before any endpoint ran, by its HTTP status."""
    return str(STATUS_MESSAGES.get(status, gettext_lazy("The request could not be completed.")))
