"""Outbox handlers: turn domain events into notifications (architecture §9)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from shouhou.accounts.models import User
from shouhou.core.outbox import on_event

from .models import Notification
from .services import notify


@on_event("account.created")
def welcome_new_account(event):
    user = User.objects.for_tenant().filter(pk=event.payload.get("user_id")).first()
    if user is None:
        return
    notify(users=[user], title=_("Welcome to %(company)s") % {"company": user.tenant.display_name},
           body=_("Your account has been created."), url=reverse("core:home"),
           category=Notification.Category.SYSTEM, event_id=event.pk)


@on_event("account.roles_changed")
def roles_changed(event):
    user = User.objects.for_tenant().filter(pk=event.payload.get("user_id")).first()
    if user is None:
        return
    notify(users=[user], title=_("Your roles have changed"),
           body="、".join(event.payload.get("roles") or []), url=reverse("core:home"),
           category=Notification.Category.PERMISSION, event_id=event.pk)
