"""The REST API (architecture §11): django-ninja at /api/v1/. Each app contributes a router in its api.py."""

import logging

from django.core.signals import got_request_exception
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from shouhou.core.api_auth import BearerTokenAuth, SessionAuth
from shouhou.core.api_messages import http_message, validation_message
from shouhou.core.api_utils import JsonObjectParser
from shouhou.core.errors import DomainError

log = logging.getLogger(__name__)

class ShouhouAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """django-ninja describes an optional body (`payload: X | None = None`) as "X or null"; the
        server reads a body as a JSON object only, so an optional body is simply left out."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                _drop_null_body(operation.get("requestBody"))
        return schema


def _drop_null_body(body):
    for media in (body or {}).get("content", {}).values():
        choices = media.get("schema", {}).get("anyOf")
        if choices and {"type": "null"} in choices:
            rest = [choice for choice in choices if choice != {"type": "null"}]
            media["schema"] = rest[0] if len(rest) == 1 else {"anyOf": rest}


api = ShouhouAPI(
    title="Shouhou API",
    version="1",
    description="售后 after-sales and field-service management API",
    auth=[BearerTokenAuth(), SessionAuth()],
    urls_namespace="api",
    parser=JsonObjectParser(),
)


def _error(request, status, code, message, details=None):
    return api.create_response(request, {"code": code, "message": str(message), "details": details or {}},
                               status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc):
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    for name, value in getattr(exc, "headers", {}).items():  # e.g. Retry-After of a 429
        response[name] = value
    return response


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc):
    details = {}
    for error in exc.errors:
        details.setdefault(_error_field(error.get("loc", [])), []).append(validation_message(error))
    return _error(request, 400, "validation_error", _("Please correct the errors below."), details)


def _error_field(loc):
    """("body", "payload", "name") -> "name"; ("query", "page") -> "page"; ("body", "payload") -> "body"."""
    source, *parts = [str(part) for part in loc] or ["body"]
    if source == "body":
        parts = parts[1:]  # the view's parameter name says nothing to the client
    return ".".join(parts) or source


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return _error(request, 401, "not_authenticated", _("Authentication required."))


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


HTTP_ERROR_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
                    405: "method_not_allowed", 429: "throttled"}


@api.exception_handler(HttpError)
def http_error(request, exc):
    if isinstance(exc.__cause__, DomainError):  # refused by JsonObjectParser: not JSON, or not an object
        return domain_error(request, exc.__cause__)
    if exc.status_code == 403 and "CSRF" in exc.message:
        return _error(request, 403, "csrf_failed",
                      _("CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value."))
    return _error(request, exc.status_code, HTTP_ERROR_CODES.get(exc.status_code, "error"),
                  http_message(exc.message))


@api.exception_handler(Exception)
def server_error(request, exc):
    log.exception("API error on %s %s", request.method, request.path)
    got_request_exception.send(sender=None, request=request)  # error reporting; the test client re-raises
    return _error(request, 500, "server_error", _("Something went wrong on our side; please try again later."))


@csrf_exempt  # an unknown path is a 404 whatever the method; not Django's HTML CSRF page for a POST
def unknown_endpoint(request, *args, **kwargs):
    """/api/… paths that match no endpoint answer in the error shape too (mounted in config/urls.py)."""
    return JsonResponse({"code": "not_found", "message": _("No such API endpoint."), "details": {}}, status=404)


from shouhou.accounts.api import router as accounts_router  # noqa: E402

api.add_router("", accounts_router)
from shouhou.workorders.api import router as workorders_router  # noqa: E402

api.add_router("", workorders_router, url_name_prefix="workorders")
from shouhou.customers.api import router as customers_router  # noqa: E402

api.add_router("", customers_router, url_name_prefix="customers")
from shouhou.core.forms_api import router as form_schemas_router  # noqa: E402

api.add_router("", form_schemas_router, url_name_prefix="forms")
from shouhou.products.api import router as products_router  # noqa: E402

api.add_router("", products_router, url_name_prefix="products")
from shouhou.parts.api import router as parts_router  # noqa: E402

api.add_router("", parts_router, url_name_prefix="parts")

from shouhou.messaging.api import router as messaging_router  # noqa: E402

api.add_router("", messaging_router, url_name_prefix="messaging")
from shouhou.plans.api import router as plans_router  # noqa: E402

api.add_router("", plans_router, url_name_prefix="plans")
from shouhou.reports.api import router as reports_router  # noqa: E402

api.add_router("", reports_router, url_name_prefix="reports")
from shouhou.payments.api import router as payments_router  # noqa: E402

api.add_router("", payments_router, url_name_prefix="payments")
from shouhou.settlement.api import router as settlement_router  # noqa: E402

api.add_router("", settlement_router, url_name_prefix="settlement")
from shouhou.visits.api import router as visits_router  # noqa: E402

api.add_router("", visits_router, url_name_prefix="visits")
