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


# --- control characters ---------------------------------------------------------------------------
# C0 controls and DEL have no business in text a user types: openpyxl refuses to write most of them (every
# Excel export of the list would fail), PostgreSQL cannot store NUL, and tab/newline break one-line values
# such as names. Multi-line text (textareas, notes, descriptions) keeps tab, LF and CR (CRLF is what
# browsers send; console forms normalise it to LF).

SINGLE_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")
MULTI_LINE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAKS_AND_TABS = "\t\n\r"
CONTROL_CHARACTERS_CODE = "control_characters"


def find_control_character(value, *, multiline=False):
    """The first character of `value` not allowed in single-line (or multi-line) text, or None."""
    if not isinstance(value, str):
        return None
    match = (MULTI_LINE_FORBIDDEN if multiline else SINGLE_LINE_FORBIDDEN).search(value)
    return match.group() if match else None


def control_character_message(char):
    """The translated reason a text with `char` is refused."""
    if char in LINE_BREAKS_AND_TABS:
        return _("Line breaks and tabs are not allowed here; enter a single line.")
    return _("Remove the invisible control character %(char)s from the text.") % {"char": f"U+{ord(char):04X}"}


def check_control_characters(value, *, multiline=False):
    """Raise ValidationError(code="control_characters") when `value` holds a forbidden character."""
    char = find_control_character(value, multiline=multiline)
    if char is not None:
        raise ValidationError(control_character_message(char), code=CONTROL_CHARACTERS_CODE)


def validate_single_line_text(value):
    check_control_characters(value, multiline=False)


def validate_multi_line_text(value):
    check_control_characters(value, multiline=True)


def normalize_newlines(value):
    """CRLF and lone CR (as browsers and old Mac files send them) become LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value
