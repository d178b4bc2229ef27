from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.sessions import preloaded, register_preload
from shouhou.core.navigation import register_home_counter, register_nav, register_shell_value

from .models import Notification
from .queries import unread_count

register_nav("system", _("Message log"), "messaging:sms_log", perm="message.view", order=60)


def _unread_subquery():
    """The bell's count, read with the session (accounts.sessions): NULL when there is nothing unread."""
    return Subquery(Notification.all_tenants.filter(tenant_id=OuterRef("user__tenant_id"), user_id=OuterRef("user_id"),
                                                       read_at=None).order_by()
                    .values("user_id").annotate(unread=Count("pk")).values("unread"))


def bell_count(request):
    """The header's unread count: loaded with the session, else counted."""
    user = request.user
    if not hasattr(user, "session_preloads"):
        return unread_count(user)
    return preloaded(user, "unread_notifications") or 0


def home_unread_count(user):
    """The home page's figure: the bell's count loaded with the session (no statement of its own)."""
    if hasattr(user, "session_preloads"):
        return preloaded(user, "unread_notifications") or 0
    return unread_count(user)


register_home_counter("unread", _("Unread notifications"), home_unread_count, "messaging:notifications",
                      order=90, icon="bi-bell")
register_preload("unread_notifications", _unread_subquery)
register_shell_value("unread_notifications", bell_count)
