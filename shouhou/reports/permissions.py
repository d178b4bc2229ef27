"""Who may send a service report to the customer. Seeing, generating and downloading a report follow the
work order (workorder.view within the data scope); the templates are work-order settings
(workorder_settings.manage)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.permissions import register_module

register_module(
    "report",
    _("Service reports"),
    actions={"send": _("Send to the customer")},
    defaults={"admin": "*", "manager": "*", "director": "*", "team_admin": "*", "engineer": "*",
              "desk_admin": "*"},
    scoped=False,
    order=12,
)
