"""Turning domain errors into HTTP answers for console views, in one place (DESIGN §4).

    @login_required
    @domain_errors
    def team_delete(request, pk): ...

NotFound becomes a 404 and PermissionDenied a 403 page; any other DomainError that escapes a view
becomes a flash message and a redirect back, so a user-caused error is never a 500.
"""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRefresh

from .errors import DomainError, NotFound, PermissionDenied


def domain_errors(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message))
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message))
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return back(request)

    return wrapper


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
