"""What every phone page shares: the sign-in decorator, order lookup, uploads, durations, link mapping."""

import re

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.durations import duration_text
from shouhou.core.errors import Conflict, ValidationFailed
from shouhou.core.permissions import require
from shouhou.workorders.queries import orders as order_queries
from shouhou.workorders.services import uploads as upload_services

STALE_MESSAGE = gettext_lazy("The work order has been changed by someone else.")
CONSOLE_ORDER_URL = re.compile(r"^/work-orders/(\d+)/(?:[?#].*)?$")
CONSOLE_APPROVALS_URL = re.compile(r"^/work-orders/approvals/(?:[?#].*)?$")
CONSOLE_PART_REQUEST_URL = re.compile(r"^/parts/requests/(\d{1,18})/(?:[?#].*)?$")


def mobile_view(view):
    """Signed in (else the phone's login page); domain errors are DomainErrorMiddleware's (core/http.py)."""
    return login_required(view, login_url="mobile:login")


def get_order(request, pk):
    """One work order within the actor's data scope; another engineer's or company's is a 404."""
    require(request.user, "workorder.view")
    return order_queries.get_work_order(request.user, pk)


def expected_version(request):
    """The version the page showed; a form without one is treated as stale."""
    try:
        return int(request.POST.get("expected_version", ""))
    except ValueError:
        raise Conflict(STALE_MESSAGE)


def store_files(actor, files, *, field, images_only=False):
    """Stored references of uploaded files (the backend's file helper), errors on `field`."""
    refs = []
    for file in files:
        try:
            refs.append(upload_services.store_upload(actor=actor, file=file, images_only=images_only))
        except ValidationFailed as exc:
            raise ValidationFailed(details={field: exc.details.get("file") or [exc.message]})
    return refs


def first_message(exc):
    """One line for a flash message (core.errors.DomainError.first_message)."""
    return exc.first_message()


def countdown_text(deadline, now=None):
    """距超时还有36分钟 / 已超时5分钟; mobile.js keeps it ticking from the same deadline."""
    now = now or timezone.now()
    seconds = (deadline - now).total_seconds()
    if seconds >= 0:
        return _("%(time)s left before the timeout") % {"time": duration_text(seconds + 59)}
    return _("Overdue by %(time)s") % {"time": duration_text(-seconds)}


def mobile_url(url, user=None):
    """A notification's link on the phone: console work-order pages map to their /m/ pages; a requisition or
    return (备件) to the requester's 个人库办理, or to the warehouse manager's 备件审批."""
    match = CONSOLE_ORDER_URL.match(url or "")
    if match:
        return reverse("mobile:order_detail", args=[int(match.group(1))])
    if CONSOLE_APPROVALS_URL.match(url or ""):
        return reverse("mobile:approvals")
    match = CONSOLE_PART_REQUEST_URL.match(url or "")
    if match and user is not None:
        from shouhou.parts import queries as part_queries

        if part_queries.own_requests(user).filter(pk=int(match.group(1))).exists():
            return reverse("mobile:parts_requests") + "?state=all"
        return reverse("mobile:parts_approvals")
    return url or ""
