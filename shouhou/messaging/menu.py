from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import register_home_counter, register_nav

from .queries import unread_count

register_nav("system", _("Message log"), "messaging:sms_log", perm="message.view", order=60)
register_home_counter("unread", _("Unread notifications"), unread_count, "messaging:notifications",
                      order=90, icon="bi-bell")
