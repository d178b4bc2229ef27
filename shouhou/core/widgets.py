"""The console kit's date, time and date-time inputs (architecture §16).

Native `<input type="date|time|datetime-local">` follow the browser's locale: an English-locale browser shows
"mm/dd/yyyy" and "09:00 AM" on a Chinese page. These widgets are text inputs marked `data-picker`;
`static/core/widgets.js` turns them into pickers (flatpickr, vendored) in the page's language with 24-hour
time. They post exactly what the native inputs posted — `2026-03-01`, `09:00`, `2026-03-01T09:00` — so the
fields that read them keep their formats. Without the script they are plain inputs taking the same text.

File inputs need no widget: widgets.js gives every visible `<input type="file">` a translated 选择文件
button and the chosen names (or 未选择文件).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _attrs(picker, placeholder, size, attrs):
    base = {"data-picker": picker, "autocomplete": "off", "placeholder": placeholder, "maxlength": size,
            "spellcheck": "false"}
    base.update(attrs or {})
    base.pop("type", None)  # a native type would bring the browser's own picker back
    return base


class DateInput(forms.DateInput):
    """yyyy-mm-dd."""

    input_type = "text"

    def __init__(self, attrs=None, format=DATE_FORMAT):
        super().__init__(attrs=_attrs("date", _("YYYY-MM-DD"), 10, attrs), format=format)


class TimeInput(forms.TimeInput):
    """HH:MM, 24-hour."""

    input_type = "text"

    def __init__(self, attrs=None, format=TIME_FORMAT):
        super().__init__(attrs=_attrs("time", _("HH:MM"), 5, attrs), format=format)


class DateTimeInput(forms.DateTimeInput):
    """yyyy-mm-ddTHH:MM posted; shown as yyyy-mm-dd HH:MM by the picker."""

    input_type = "text"

    def __init__(self, attrs=None, format=DATETIME_FORMAT):
        super().__init__(attrs=_attrs("datetime", _("YYYY-MM-DD HH:MM"), 19, attrs), format=format)
