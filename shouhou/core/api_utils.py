"""Helpers every app's API uses (architecture §11): the error schema, pagination, and Idempotency-Key.

    from shouhou.core.api_utils import ERRORS, PageQuery, idempotent, page_of, paginate

    class UserFilters(PageQuery):
        q: str | None = None

    @router.get("/users", response={200: page_of(UserOut), **ERRORS})
    def list_users(request, filters: Query[UserFilters]):
        return paginate(queries.visible_users(request.auth), filters)

    @router.post("/users", response={201: UserOut, **ERRORS})
    @idempotent(UserOut)
    def create_user(request, payload: UserIn):
        return Status(201, services.create_user(actor=request.auth, **payload.dict()))
"""

import functools
import hashlib
import json
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema, Status
from ninja.parser import Parser
from ninja.responses import NinjaJSONEncoder
from pydantic import Field, create_model

from .api_types import PageNumber
from .bounds import MAX_ID
from .errors import DomainError, ValidationFailed
from .models import IdempotencyRecord

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_TTL = timedelta(hours=24)
IDEMPOTENCY_KEY_MAX_LENGTH = 255
CUSTOM_FIELD_PREFIX = "cf_"  # custom-field filters, read from the query by the form engine


class ErrorOut(Schema):
    """The body of every error response."""

    code: str
    message: str
    details: dict[str, Any] = {}


ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 415, 422, 429)}


# --- request bodies -----------------------------------------------------------------------------

class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    status = 415
    default_message = gettext_lazy("Send the request body as JSON (Content-Type: application/json).")


class JsonObjectParser(Parser):
    """Request bodies are JSON objects, sent as JSON. django-ninja's own parser read any body as JSON
    whatever its Content-Type, and a bare number or list reached the schemas, which read it as an
    object with no fields (PATCH /me with `-108044` answered 200). The errors raised here reach the
    API's HttpError handler as the cause of django-ninja's "Cannot parse request body"."""

    def parse_body(self, request):
        if not _is_json(request.content_type):
            raise UnsupportedMediaType()
        data = json.loads(request.body)
        if not isinstance(data, dict):  # also null: an optional body is left out, not sent as null
            raise ValidationFailed(details={"body": [_("Send a JSON object.")]})
        return data

    def parse_querydict(self, data, list_fields, request):
        """A parameter that takes one value, given twice, is refused: django-ninja kept the last and
        ignored the others, so `?page=-1&page=2` was answered as if valid."""
        repeated = [key for key in data if key not in list_fields and not key.startswith(CUSTOM_FIELD_PREFIX)
                    and len(data.getlist(key)) > 1]
        if repeated:
            raise ValidationFailed(details={key: [_("Give this parameter once.")] for key in repeated})
        return super().parse_querydict(data, list_fields, request)


def _is_json(content_type):
    content_type = (content_type or "").lower()
    return content_type == "application/json" or content_type.endswith("+json")


# --- pagination ---------------------------------------------------------------------------------

class PageQuery(Schema):
    """`?page=&page_size=`. A page size above MAX_PAGE_SIZE is served as MAX_PAGE_SIZE; a page beyond
    MAX_PAGE is refused (its offset overflowed the database's integers)."""

    page: PageNumber = 1
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_ID,
                           description=f"Rows per page; more than {MAX_PAGE_SIZE} are served as {MAX_PAGE_SIZE}")


@functools.cache
def page_of(item_schema, name=None):
    """The response schema `{"count", "page", "page_size", "results": [item_schema]}`."""
    name = name or item_schema.__name__.removesuffix("Out") + "Page"
    return create_model(name, __base__=Schema, count=(int, ...), page=(int, ...), page_size=(int, ...),
                        results=(list[item_schema], ...))


def paginate(items, query: PageQuery):
    """One page of a queryset or list, in the response envelope. Past the last page: no results."""
    page_size = min(query.page_size, MAX_PAGE_SIZE)
    count = len(items) if isinstance(items, list) else items.count()
    start = (query.page - 1) * page_size
    return {"count": count, "page": query.page, "page_size": page_size,
            "results": list(items[start:start + page_size])}


# --- Idempotency-Key ----------------------------------------------------------------------------

class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422
    default_message = gettext_lazy("This Idempotency-Key was already used for a different request.")


def idempotent(response_schema):
    """Honour an `Idempotency-Key` header on a create endpoint.

    Place it under the router decorator; the view returns `Status(code, obj)`. The first successful
    request with a key stores its response (per user, 24 hours); a retry with the same key and the same
    request gets that response again, marked `Idempotent-Replayed: true`, and creates nothing. The record
    is written in one transaction with the create, so a failed or crashed request leaves no record and
    may be retried; a concurrent duplicate waits for the first and then gets its response.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            key = request.headers.get(IDEMPOTENCY_HEADER)
            if key is None:
                return view(request, *args, **kwargs)
            key = _clean_key(key)
            IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - IDEMPOTENCY_TTL).delete()
            with transaction.atomic():
                record, created = _reserve(request, key)
                if not created:
                    return _replay(request, record)
                result = view(request, *args, **kwargs)
                status, value = (result.status_code, result.value) if isinstance(result, Status) else (200, result)
                record.status_code = status
                record.response = response_schema.model_validate(value).model_dump(mode="json")
                record.save(update_fields=["status_code", "response", "updated_at"])
            return JsonResponse(record.response, status=status, encoder=NinjaJSONEncoder)

        return wrapper

    return decorator


def _clean_key(key):
    key = key.strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ValidationFailed(details={IDEMPOTENCY_HEADER: [
            _("An Idempotency-Key has 1 to %(n)s characters.") % {"n": IDEMPOTENCY_KEY_MAX_LENGTH}]})
    return key


def _request_hash(request):
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _reserve(request, key):
    """(record, created): a new record to fill in, or the stored record of an earlier request.

    The unique constraint does the locking: a concurrent insert of the same key waits until the first
    transaction ends, then fails, and the stored response is read.
    """
    user = request.auth
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(user=user, key=key, request_hash=_request_hash(request),
                                                    status_code=0), True
    except IntegrityError:
        return IdempotencyRecord.objects.get(user=user, key=key), False


def _replay(request, record):
    if record.request_hash != _request_hash(request):
        raise IdempotencyKeyReused()
    response = JsonResponse(record.response, status=record.status_code, encoder=NinjaJSONEncoder)
    response["Idempotent-Replayed"] = "true"
    return response
