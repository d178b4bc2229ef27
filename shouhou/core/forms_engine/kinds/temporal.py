"""Date, date-time and time kinds.

Stored as ISO text so that text order is time order on both databases: dates "2026-03-01",
date-times in UTC "2026-03-01T01:30:00+00:00" (shown in the company's time zone), times "08:30".
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhou.core.bounds import DATETIME_MAX, DATETIME_MIN, datetime_in_range
from shouhou.core.tenancy import get_current_tenant
from shouhou.core.widgets import DateInput, DateTimeInput, TimeInput

from .base import FieldError, Kind, base_form_kwargs, cell_text, register

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
TIME_FORMATS = ("%H:%M:%S", "%H:%M")


def company_zone():
    tenant = get_current_tenant()
    return ZoneInfo(getattr(tenant, "time_zone", "") or settings.TIME_ZONE)


def _parse_with(formats, text, kind):
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.date() if kind is dt.date else parsed.time() if kind is dt.time else parsed
    return None


def _from_excel_serial(number):
    return EXCEL_EPOCH + dt.timedelta(days=float(number))


class TemporalKind(Kind):
    filter_ops = ("exact", "in", "gte", "lte", "isnull")

    def filter_q(self, field, op, value, column):
        if op in ("gte", "lte"):
            return Q(**{f"{column}__{field.key}__{op}": value})
        return super().filter_q(field, op, value, column)


@register
class Date(TemporalKind):
    name = "date"
    label = _("Date")
    invalid = _("Enter a valid date (YYYY-MM-DD).")

    def clean(self, field, value, previous=None):
        if isinstance(value, dt.datetime):
            value = value.astimezone(company_zone()).date() if value.tzinfo else value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                raise FieldError(self.invalid)
        if not isinstance(value, dt.date):
            raise FieldError(self.invalid)
        return value.isoformat()

    def form_field(self, field, *, refs, value=None):
        widget = DateInput()
        return forms.DateField(widget=widget, input_formats=["%Y-%m-%d", "%Y/%m/%d"], **base_form_kwargs(field))

    def form_initial(self, field, value):
        return dt.date.fromisoformat(value)

    def annotation(self, field):
        return dt.date

    def parse_cell(self, field, cell, refs):
        if isinstance(cell, (dt.date, dt.datetime)):
            return cell
        if isinstance(cell, (int, float)) and not isinstance(cell, bool):
            return _from_excel_serial(cell).date()
        text = cell_text(cell)
        return _parse_with(DATE_FORMATS, text, dt.date) or text

    def export_cell(self, field, value, refs):
        return dt.date.fromisoformat(value)


@register
class DateTime(TemporalKind):
    name = "datetime"
    label = _("Date and time")
    filter_ops = ("exact", "gte", "lte", "isnull")
    invalid = _("Enter a valid date and time (YYYY-MM-DD HH:MM).")

    def clean(self, field, value, previous=None):
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                raise FieldError(self.invalid)
        if not isinstance(value, dt.datetime):
            raise FieldError(self.invalid)
        return self.stored(value)

    @staticmethod
    def stored(moment):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=company_zone())
        if not datetime_in_range(moment):  # moving it to UTC (or back to a zone) would leave the calendar
            raise FieldError(_("Enter a date and time between %(min)s and %(max)s (UTC).") % {
                "min": str(DATETIME_MIN.date()), "max": str(DATETIME_MAX.date())})
        return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()

    def local(self, value):
        return dt.datetime.fromisoformat(value).astimezone(company_zone())

    def form_field(self, field, *, refs, value=None):
        widget = DateTimeInput()
        formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        return forms.DateTimeField(widget=widget, input_formats=formats, **base_form_kwargs(field))

    def form_initial(self, field, value):
        return self.local(value)

    def annotation(self, field):
        return dt.datetime

    def filter_value(self, field, raw, op):
        """A bare date means its whole day: from its start (gte) or to its end (lte, exact)."""
        text = str(raw).strip()
        try:
            day = dt.date.fromisoformat(text) if len(text) == 10 else None
        except ValueError:
            day = None
        if day is None:
            return self.clean(field, raw)
        start = dt.datetime.combine(day, dt.time.min)
        if op == "gte":
            return self.stored(start)
        if op == "lte":
            return self.stored(start.replace(hour=23, minute=59, second=59))
        return (self.stored(start), self.stored(start.replace(hour=23, minute=59, second=59)))

    def filter_q(self, field, op, value, column):
        if isinstance(value, tuple):  # a whole day
            return Q(**{f"{column}__{field.key}__gte": value[0], f"{column}__{field.key}__lte": value[1]})
        return super().filter_q(field, op, value, column)

    def display_text(self, field, value, refs):
        return self.local(value).strftime("%Y-%m-%d %H:%M")

    def parse_cell(self, field, cell, refs):
        if isinstance(cell, dt.datetime):
            return cell
        if isinstance(cell, dt.date):
            return dt.datetime.combine(cell, dt.time.min)
        if isinstance(cell, (int, float)) and not isinstance(cell, bool):
            return _from_excel_serial(cell).replace(microsecond=0)
        text = cell_text(cell)
        return _parse_with(DATETIME_FORMATS, text, dt.datetime) or text

    def export_cell(self, field, value, refs):
        return self.local(value).replace(tzinfo=None)  # Excel has no time zones: company time


@register
class Time(TemporalKind):
    name = "time"
    label = _("Time")
    invalid = _("Enter a valid time (HH:MM).")

    def clean(self, field, value, previous=None):
        if isinstance(value, dt.datetime):
            value = value.time()
        if isinstance(value, str):
            try:
                value = dt.time.fromisoformat(value.strip())
            except ValueError:
                raise FieldError(self.invalid)
        if not isinstance(value, dt.time):
            raise FieldError(self.invalid)
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")

    def form_field(self, field, *, refs, value=None):
        widget = TimeInput()
        return forms.TimeField(widget=widget, input_formats=list(TIME_FORMATS), **base_form_kwargs(field))

    def form_initial(self, field, value):
        return dt.time.fromisoformat(value)

    def annotation(self, field):
        return dt.time

    def parse_cell(self, field, cell, refs):
        if isinstance(cell, dt.datetime):
            return cell.time()
        if isinstance(cell, dt.time):
            return cell
        if isinstance(cell, float) and 0 <= cell < 1:  # Excel stores a time as a fraction of a day
            return (EXCEL_EPOCH + dt.timedelta(seconds=round(cell * 86400))).time()
        text = cell_text(cell)
        return _parse_with(TIME_FORMATS, text, dt.time) or text

    def export_cell(self, field, value, refs):
        return dt.time.fromisoformat(value)
