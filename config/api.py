"""The REST API (DESIGN §11): django-ninja at /api/v1/. Each app contributes a router in its api.py."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from shouhou.core.api_auth import BearerTokenAuth, SessionAuth
from shouhou.core.errors import DomainError

api = NinjaAPI(
    title="Shouhou API",
    version="1",
    description="售后 after-sales and field-service management API",
    auth=[BearerTokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def _error(request, status, code, message, details=None):
    return api.create_response(request, {"code": code, "message": str(message), "details": details or {}},
                               status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc):
    details = {}
    for error in exc.errors:
        loc = ".".join(str(p) for p in error.get("loc", [])[1:] or error.get("loc", []))
        details.setdefault(loc or "body", []).append(error.get("msg", "invalid"))
    return _error(request, 400, "validation_error", "Invalid input.", details)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return _error(request, 401, "not_authenticated", "Authentication required.")


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(HttpError)
def http_error(request, exc):
    return _error(request, exc.status_code, "error", exc.message)


from shouhou.accounts.api import router as accounts_router  # noqa: E402

api.add_router("", accounts_router)
