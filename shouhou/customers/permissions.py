from django.utils.translation import gettext_lazy as _

from shouhou.core.permissions import register_module

register_module(
    "customer",
    _("Customers"),
    actions={
        "view": _("View"), "create": _("Create"), "edit": _("Edit"), "delete": _("Delete"),
        "import": _("Import"), "export": _("Export"), "sms": _("Send SMS"), "remind": _("Reminders"),
        "settings": _("Settings and custom fields"),
    },
    defaults={
        "admin": "*",
        "manager": ["view", "create", "edit", "delete", "import", "export", "sms", "remind", "settings"],
        "director": ["view", "create", "edit", "export", "remind"],
        "engineer": ["view", "create", "edit"],
        "visitor": ["view"],
        "team_admin": ["view", "create", "edit", "export", "remind"],
        "desk_admin": ["view", "create", "edit"],
        "desk_agent": ["view", "create"],
        "finance": ["view"],
    },
    default_scopes={"manager": "all", "director": "all", "team_admin": "team", "desk_admin": "all",
                    "desk_agent": "all", "visitor": "all", "finance": "all", "engineer": "team"},
    order=20,
)
