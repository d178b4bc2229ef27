"""The ranges every number and moment a client sends must fall in, shared by the API, console and phone.

Python's integers and datetimes are unbounded where the databases are not: an id beyond 64 bits, a page
whose offset overflows, or a moment that leaves year 1…9999 when moved to UTC or to the company's zone
made a query or a conversion fail with a server error. Input is checked against these bounds at the
edge, so such a request is a clear 400 (API) or simply finds nothing (a typed-in console URL).

    parse_id("12") -> 12        parse_id("99999999999999999999") -> None
    parse_page("3") -> 3        parse_page("99999999999999999999") -> MAX_PAGE
"""

import datetime as dt

from django.utils import timezone

MAX_ID = 2**63 - 1  # the largest value of a signed 64-bit column (SQLite INTEGER, PostgreSQL bigint)
MAX_PAGE = 100_000  # with at most 200 rows a page: 20 million rows deep, far past any real list
# A moment is stored in UTC and shown in any zone (offsets are under 24 hours): one day's margin from the
# ends of Python's calendar keeps both conversions inside it.
DATETIME_MIN = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
DATETIME_MAX = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)


def parse_id(value):
    """A positive id that fits the database, from a URL or form value; None for anything else."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def is_storable_int(value):
    """Whether an integer fits a signed 64-bit column."""
    return -MAX_ID - 1 <= value <= MAX_ID


def parse_page(value, default=1):
    """A page number from a URL: malformed is `default`, below 1 is 1, beyond MAX_PAGE is MAX_PAGE
    (an empty page, or the last one where the list clamps to it)."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.lstrip("-").isdigit():
        return default
    if len(text) > len(str(MAX_PAGE)) + 1:
        return MAX_PAGE if not text.startswith("-") else 1
    return min(max(int(text), 1), MAX_PAGE)


def datetime_in_range(moment):
    """Whether an aware (or, read in the current zone, naive) datetime is within DATETIME_MIN…MAX."""
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return DATETIME_MIN <= moment.astimezone(dt.UTC) <= DATETIME_MAX
    except (OverflowError, ValueError):
        return False


def int_text_fits(text):
    """False for a whole number (as text) beyond a signed 64-bit column; True for anything else,
    which the caller parses as it always did."""
    digits = str(text).strip().removeprefix("-")
    if not digits.isascii() or not digits.isdigit():
        return True
    return len(digits) <= len(str(MAX_ID)) and is_storable_int(int(str(text).strip()))
