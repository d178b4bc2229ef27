"""Bounded field types for API schemas, query and path parameters (see core/bounds.py for why).

    from shouhou.core.api_types import ApiDatetime, Id, Latitude, Longitude

    class TeamIn(Schema):
        parent_id: Id | None = None
        member_ids: list[Id] = []

Each type states its range in the OpenAPI document too, so generated clients and the server agree.
"""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from pydantic import AfterValidator, BeforeValidator, Field, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from .bounds import DATETIME_MAX, DATETIME_MIN, MAX_ID, MAX_PAGE, datetime_in_range
from .text_guard import MULTILINE

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="An object's id")]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]
Version = Annotated[int, Field(ge=0, le=MAX_ID)]
ByteSize = Annotated[int, Field(ge=0, le=MAX_ID)]
# Sent as JSON numbers (a numeric string is read too, but the schema names only the number).
Latitude = Annotated[Decimal, Field(ge=-90, le=90), WithJsonSchema({"type": "number", "minimum": -90, "maximum": 90})]
Longitude = Annotated[Decimal, Field(ge=-180, le=180),
                      WithJsonSchema({"type": "number", "minimum": -180, "maximum": 180})]


def _in_range(moment):
    """Within DATETIME_MIN…MAX, and in UTC: an offset such as +19:29 is valid ISO 8601 but PostgreSQL refuses
    offsets beyond ±15:59, so the moment is handed on in UTC (the same instant)."""
    if not datetime_in_range(moment):
        raise PydanticCustomError("datetime_range", "Date and time out of range")
    return moment.astimezone(UTC) if timezone.is_aware(moment) else moment


ApiDatetime = Annotated[
    datetime,
    AfterValidator(_in_range),
    WithJsonSchema({
        "type": "string", "format": "date-time",
        "description": f"ISO 8601; between {DATETIME_MIN.date()} and {DATETIME_MAX.date()} in UTC",
    }),
]

# Text the services require: something besides spaces (JSON Schema's `pattern` matches anywhere).
NonBlank = Annotated[str, Field(min_length=1, pattern=r"\S")]
# A non-blank text that may hold several lines (tab, line feed and carriage return allowed; text_guard).
MultilineNonBlank = Annotated[NonBlank, MULTILINE]


def comma_list_pattern(values):
    """A `pattern` for a comma-separated list of these values (spaces and empty items allowed)."""
    choice = "(?:" + "|".join(values) + r")\s*"
    return rf"^\s*(?:{choice})?(?:,\s*(?:{choice})?)*$"


# pydantic's lax mode read 0 as false, false as 0 and "0" as 1970-01-01, so input the schema calls invalid
# was accepted. In JSON bodies a flag and a count are what they say; a date is YYYY-MM-DD.
Flag = Annotated[bool, Strict()]
Count = Annotated[int, Strict()]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value):
    if isinstance(value, str) and ISO_DATE.fullmatch(value) or isinstance(value, date):
        return value
    raise PydanticCustomError("date_parsing", "Input should be a valid date")


ApiDate = Annotated[date, BeforeValidator(_iso_date_text)]

# Decimal amounts (spare parts, prices): sent as a JSON number or a decimal string; NaN/Infinity refused.
Quantity = Annotated[Decimal, Field(gt=0, le=Decimal("99999999999"), max_digits=14, decimal_places=3,
                                    description="A quantity above 0 with at most 3 decimal places")]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("9999999999"), max_digits=12, decimal_places=2,
                                 description="An amount of 0 or more with at most 2 decimal places")]
