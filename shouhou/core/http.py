"""Turning domain errors into HTTP answers for console and phone pages, in one place (architecture §4).

A view just raises: `DomainErrorMiddleware` (core/middleware.py) hands every DomainError that escapes
a view to `domain_error_response`. NotFound becomes a 404 and PermissionDenied a 403 page; any other
DomainError becomes a flash message and a way back (`back`), so a user-caused error is never a 500.
A form that wants the error on its fields catches it itself (core/dialogs.py `show_error`, the kit's
edit view). Under /api/ the API's own handlers answer, so the middleware leaves those alone.

`refusal_response` is the answer to a refusal before any view ran (an expired subscription).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRefresh

from .errors import DomainError, NotFound, PermissionDenied


def domain_error_response(request, exception):
    """The console's answer to a DomainError escaping a view; None when it is not one (or under /api/)."""
    if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
        return None
    _raise_not_found_or_forbidden(exception)
    messages.error(request, str(exception.message))
    return back(request)


def refusal_response(request, exception):
    """A refusal before the view ran: the message with its status to htmx (which swaps nothing), an error
    page to a GET that came from nowhere, else the message flashed and back to the page."""
    _raise_not_found_or_forbidden(exception)
    if getattr(request, "htmx", False):
        return HttpResponse(str(exception.message), status=exception.status)
    referer = request.META.get("HTTP_REFERER")
    if request.method == "GET" and not referer:
        return render(request, "error.html", {"message": exception.message}, status=exception.status)
    messages.error(request, exception.message)
    return HttpResponseRedirect(referer or request.path)


def _raise_not_found_or_forbidden(exception):
    if isinstance(exception, NotFound):
        raise Http404(str(exception.message))
    if isinstance(exception, PermissionDenied):
        raise DjangoPermissionDenied(str(exception.message))


def back(request, default="/"):
    """Where to send the user after an action: a safe `next`, else the page they came from."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRefresh()
    current = request.get_full_path()
    for target in (request.POST.get("next"), request.GET.get("next"), request.headers.get("referer")):
        if target and _is_safe(request, target) and not (request.method == "GET" and target.endswith(current)):
            return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _is_safe(request, target):
    return url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
