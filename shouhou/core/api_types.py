"""Bounded field types for API schemas, query and path parameters (see core/bounds.py for why).

    from shouhou.core.api_types import ApiDatetime, Id, Latitude, Longitude

    class TeamIn(Schema):
        parent_id: Id | None = None
        member_ids: list[Id] = []

Each type states its range in the OpenAPI document too, so generated clients and the server agree.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from .bounds import DATETIME_MAX, DATETIME_MIN, MAX_ID, MAX_PAGE, datetime_in_range

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="An object's id")]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]
Version = Annotated[int, Field(ge=0, le=MAX_ID)]
ByteSize = Annotated[int, Field(ge=0, le=MAX_ID)]
Latitude = Annotated[Decimal, Field(ge=-90, le=90)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180)]


def _in_range(moment):
    if not datetime_in_range(moment):
        raise PydanticCustomError("datetime_range", "Date and time out of range")
    return moment


ApiDatetime = Annotated[
    datetime,
    AfterValidator(_in_range),
    WithJsonSchema({
        "type": "string", "format": "date-time",
        "description": f"ISO 8601; between {DATETIME_MIN:%Y-%m-%d} and {DATETIME_MAX:%Y-%m-%d} in UTC",
    }),
]
