from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shouhou.core.lists import Column, Filter, StandardList, Tab, render_list
from shouhou.core.permissions import require
from shouhou.core.views import safe_next

from . import queries, services
from .models import Notification, SmsMessage


@login_required
def bell(request):
    return render(request, "messaging/_bell.html", {"unread_notifications": queries.unread_count(request.user)})


def _categories_of(user):
    """The categories of the user's notifications: none offered for a module that has not landed (备件, 服务台)."""
    present = set(queries.notifications_of(user).order_by().values_list("category", flat=True).distinct())
    return [(value, label) for value, label in Notification.Category.choices if value in present]


class NotificationList(StandardList):
    key = "notifications"
    title = _("Notifications")
    template = "messaging/notifications.html"
    tabs = [Tab("unread", _("Unread"), Q(read_at=None)), Tab("all", _("All"))]
    columns = [
        Column("category", _("Category"), value=lambda n: n.get_category_display()),
        Column("title", _("Title"), link=lambda n: reverse("messaging:open", args=[n.pk])),
        Column("body", _("Content")),
        Column("created_at", _("Time"), sortable=True),
    ]
    search_fields = ["title", "body"]
    filters = [Filter("category", _("Category"), "category", choices=lambda r: _categories_of(r.user))]
    default_sort = "-created_at"

    def base_queryset(self, request):
        return queries.notifications_of(request.user)


@login_required
def notifications(request):
    return render_list(request, NotificationList)


@login_required
def open_notification(request, pk):
    notification = services.get_notification(request.user, pk)
    services.mark_read(user=request.user, ids=[notification.pk])
    return HttpResponseRedirect(notification.url or reverse("messaging:notifications"))


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(user=request.user)
    return HttpResponseRedirect(safe_next(request, reverse("messaging:notifications")))


class SmsLog(StandardList):
    key = "sms_log"
    title = _("Message log")
    tabs = [Tab("all", _("All")), Tab("sent", _("Sent"), Q(status=SmsMessage.Status.SENT)),
            Tab("failed", _("Failed"), Q(status=SmsMessage.Status.FAILED))]
    columns = [
        Column("created_at", _("Time"), sortable=True),
        Column("phone", _("Mobile phone")),
        Column("content", _("Content")),
        Column("purpose", _("Purpose")),
        Column("segments", _("Billed segments"), sortable=True),
        Column("status", _("Status"), value=lambda m: m.get_status_display()),
        Column("sent_by", _("Sent by"), value=lambda m: m.sent_by.name if m.sent_by else _("System")),
        Column("error", _("Error"), default=False),
    ]
    search_fields = ["phone", "content"]
    filters = [Filter("created", _("Time"), "created_at", kind="date_range")]
    export_perm = "message.view"
    default_sort = "-created_at"

    def base_queryset(self, request):
        require(request.user, "message.view")
        return queries.sms_messages(request.user)


@login_required
def sms_log(request):
    return render_list(request, SmsLog)
