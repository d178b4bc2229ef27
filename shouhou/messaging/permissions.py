from django.utils.translation import gettext_lazy as _

from shouhou.core.permissions import register_module

register_module(
    "message",
    _("Messages"),
    actions={"view": _("View message log"), "sms": _("Send SMS")},
    defaults={"admin": "*", "manager": "*", "director": ["view"]},
    scoped=False,
    order=85,
)
