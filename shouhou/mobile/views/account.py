"""Sign-in on the phone, 首页 (MOB-01), 我的 (MOB-19), and the engineer's reported position."""

from django.contrib import messages
from django.contrib.auth import logout as django_logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.accounts import queries as account_queries
from shouhou.accounts import services as account_services
from shouhou.accounts.views_auth import attempt_login
from shouhou.core.errors import NotFound, ValidationFailed
from shouhou.core.permissions import has_perm
from shouhou.core.subscription import allowed_when_expired
from shouhou.core.views import safe_next
from shouhou.messaging.queries import unread_count
from shouhou.workorders.queries import home as home_queries
from shouhou.workorders.services import locations as location_services

from .. import queries
from . import parts as parts_views
from . import visits as visit_views
from .common import first_message, mobile_view


def login_view(request):
    """登录: the same credentials, throttling and login log as the console (accounts.services.login)."""
    home = reverse("mobile:home")
    if request.user.is_authenticated:
        return redirect(home)
    signed_in, error, username = attempt_login(request)
    if signed_in:
        return redirect(safe_next(request, home))
    return render(request, "mobile/login.html", {"error": error, "username": username,
                                                 "next": request.GET.get("next", "")},
                  status=400 if error else 200)


@require_POST
@allowed_when_expired
def logout_view(request):
    django_logout(request)
    return redirect("mobile:login")


@mobile_view
def home(request):
    user = request.user
    can_view = has_perm(user, "workorder.view")
    return render(request, "mobile/home.html", {
        "tab": "home",
        "can_view": can_view,
        "counters": home_queries.figures(user) if can_view else None,
        "scope_label": home_queries.scope_label(user) if can_view else "",
        "can_create": has_perm(user, "workorder.create"),
        "approvals": queries.pending_approvals(user) if can_view else 0,
        "unread": unread_count(user),
        "can_parts": parts_views.may_use_parts(user),
        "can_settle": has_perm(user, "settlement.view"),
        "can_visits": visit_views.may_visit(user),
    })


@mobile_view
def me(request):
    user = request.user
    return render(request, "mobile/me.html", {
        "tab": "me",
        "statuses": list(account_queries.work_statuses()),
        "finished_today": queries.finished_today(user) if has_perm(user, "workorder.view") else 0,
        "teams": list(user.teams.all()),
        "roles": list(user.roles.all()),
    })


@mobile_view
@require_POST
@allowed_when_expired
def work_status(request):
    """工作状态切换 (ACC-05): what dispatchers see beside the name in the assignee picker."""
    status_id = request.POST.get("status", "").strip()
    if status_id and not status_id.isdigit():
        raise NotFound()
    account_services.set_work_status(user=request.user, status_id=int(status_id) if status_id else None)
    messages.success(request, _("Work status changed."))
    return redirect("mobile:me")


@mobile_view
@require_POST
def report_location(request):
    """Each position the phone reads (at 开始 / 完成 and on demand) is the engineer's last location."""
    try:
        location_services.report_location(user=request.user, latitude=request.POST.get("latitude"),
                                           longitude=request.POST.get("longitude"), throttle=True)
    except location_services.LocationThrottled as exc:  # reported a moment ago: nothing stored, no harm
        response = JsonResponse({"ok": False, "message": str(exc.message), "retry_after": exc.retry_after},
                                status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except ValidationFailed as exc:
        return JsonResponse({"ok": False, "message": first_message(exc)}, status=400)
    return JsonResponse({"ok": True, "located_at": request.user.last_located_at.isoformat()})
