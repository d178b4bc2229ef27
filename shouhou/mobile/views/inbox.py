"""审批 (MOB-06) and 通知 (MOB-18) on the phone."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shouhou.core.bounds import parse_page
from shouhou.core.errors import DomainError, NotFound
from shouhou.core.permissions import require
from shouhou.messaging import queries as messaging_queries
from shouhou.messaging import services as messaging_services
from shouhou.workorders import flow, policy
from shouhou.workorders.queries import approvals as approval_queries
from shouhou.workorders.services import approvals as approval_services

from .common import first_message, mobile_url, mobile_view

APPROVAL_TABS = [("pending", gettext_lazy("To approve")), ("approved", gettext_lazy("Approved")),
                 ("refused", gettext_lazy("Refused")), ("mine", gettext_lazy("My requests"))]
APPROVAL_LIMIT = 50
NOTIFICATION_PAGE = 30


# --- approvals ------------------------------------------------------------------------------------------

def _approvals(user, state):
    if state == "mine":
        return approval_queries.approvals_inbox(user, "pending", requested=True)
    return approval_queries.approvals_inbox(user, state)


@mobile_view
def approvals(request):
    """待审批 / 已审批 / 已拒绝, and the requests the user made (which they may withdraw)."""
    require(request.user, "workorder.view")
    state = request.GET.get("state") if request.GET.get("state") in dict(APPROVAL_TABS) else "pending"
    counts = approval_queries.approval_counts(request.user)
    rows = [{"approval": approval, "action_label": flow.ACTION_LABELS.get(approval.action, approval.action),
             "actions": policy.approval_actions(request.user, approval)}
            for approval in _approvals(request.user, state).order_by("-created_at", "-pk")[:APPROVAL_LIMIT]]
    tabs = [{"key": key, "label": label, "count": counts.get(key, 0), "active": key == state,
             "url": reverse("mobile:approvals") + f"?state={key}"} for key, label in APPROVAL_TABS]
    return render(request, "mobile/approvals.html", {"tab": "home", "tabs": tabs, "rows": rows, "state": state})


def _decide(request, approval_id, decision):
    approval = approval_queries.get_approval(request.user, approval_id)
    note = request.POST.get("note", "")
    try:
        if decision == "approve":
            approval_services.approve(actor=request.user, approval=approval, note=note)
        elif decision == "refuse":
            approval_services.refuse(actor=request.user, approval=approval, note=note)
        else:
            approval_services.withdraw(actor=request.user, approval=approval)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, first_message(exc))
    else:
        done = {"approve": _("Approved."), "refuse": _("Refused."), "withdraw": _("Request withdrawn.")}
        messages.success(request, done[decision])
    state = request.POST.get("state") if request.POST.get("state") in dict(APPROVAL_TABS) else "pending"
    return HttpResponseRedirect(reverse("mobile:approvals") + f"?state={state}")


@mobile_view
@require_POST
def approval_approve(request, approval_id):
    return _decide(request, approval_id, "approve")


@mobile_view
@require_POST
def approval_refuse(request, approval_id):
    return _decide(request, approval_id, "refuse")


@mobile_view
@require_POST
def approval_withdraw(request, approval_id):
    return _decide(request, approval_id, "withdraw")


# --- notifications --------------------------------------------------------------------------------------

@mobile_view
def notifications(request):
    """The user's notifications, unread first in weight; tapping one marks it read and opens its page."""
    unread_only = request.GET.get("show") == "unread"
    page = parse_page(request.GET.get("page"))
    items = messaging_queries.notifications_of(request.user)
    if unread_only:
        items = items.filter(read_at=None)
    start = (page - 1) * NOTIFICATION_PAGE
    rows = list(items.order_by("-created_at", "-pk")[start:start + NOTIFICATION_PAGE + 1])
    more_url = ""
    if len(rows) > NOTIFICATION_PAGE:
        rows = rows[:NOTIFICATION_PAGE]
        more_url = reverse("mobile:notifications") + f"?page={page + 1}" + ("&show=unread" if unread_only else "")
    context = {"notifications": rows, "more_url": more_url}
    if request.htmx and page > 1:
        return render(request, "mobile/_notification_rows.html", context)
    return render(request, "mobile/notifications.html", {
        **context, "tab": "notifications", "unread_only": unread_only,
        "unread": messaging_queries.unread_count(request.user)})


@mobile_view
def notification_open(request, pk):
    notification = messaging_services.get_notification(request.user, pk)
    messaging_services.mark_read(user=request.user, ids=[notification.pk])
    return HttpResponseRedirect(mobile_url(notification.url, request.user) or reverse("mobile:notifications"))


@mobile_view
@require_POST
def notifications_read_all(request):
    messaging_services.mark_read(user=request.user)
    messages.success(request, _("All notifications are marked read."))
    return HttpResponseRedirect(reverse("mobile:notifications"))
