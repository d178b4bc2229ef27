from django.utils.translation import gettext_lazy as _

from shouhou.core.permissions import register_module

register_module(
    "product",
    _("Products"),
    actions={
        "view": _("View"), "create": _("Create"), "edit": _("Edit"), "delete": _("Delete"),
        "import": _("Import"), "export": _("Export"), "qrcode": _("QR codes"), "remind": _("Reminders"),
        "settings": _("Settings and custom fields"),
    },
    defaults={
        "admin": "*",
        "manager": "*",
        "director": ["view", "create", "edit", "export", "qrcode", "remind"],
        "engineer": ["view", "create", "edit"],
        "visitor": ["view"],
        "team_admin": ["view", "create", "edit", "export", "qrcode", "remind"],
        "desk_admin": ["view", "create", "edit"],
        "desk_agent": ["view"],
        "warehouse": ["view"],
        "finance": ["view"],
    },
    default_scopes={"manager": "all", "director": "all", "team_admin": "team", "desk_admin": "all",
                    "desk_agent": "all", "visitor": "all", "finance": "all", "warehouse": "all",
                    "engineer": "team"},
    order=21,
)
