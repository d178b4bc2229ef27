from django.utils.translation import gettext_lazy as _

from shouhou.core.permissions import register_module

register_module(
    "workorder",
    _("Work orders"),
    actions={
        "view": _("View"), "create": _("Create"), "edit": _("Edit"), "delete": _("Delete"),
        "assign": _("Assign"), "transfer": _("Transfer"), "cancel": _("Cancel"), "close": _("Close"),
        "reopen": _("Reopen"), "import": _("Import"), "export": _("Export"), "execute": _("Field work"),
    },
    defaults={
        "admin": "*",
        "manager": "*",
        "director": ["view", "create", "edit", "assign", "transfer", "cancel", "close", "export"],
        "engineer": ["view", "create", "execute"],
        "team_admin": ["view", "create", "edit", "assign", "transfer", "cancel", "close", "export", "execute"],
        "visitor": ["view"],
        "finance": ["view"],
        "desk_admin": ["view", "create", "assign"],
        "desk_agent": ["view", "create"],
    },
    default_scopes={"manager": "all", "director": "all", "team_admin": "team", "visitor": "all",
                    "finance": "all", "desk_admin": "all", "desk_agent": "own", "engineer": "own"},
    order=10,
)
register_module(
    "workorder_settings",
    _("Work-order settings"),
    actions={"manage": _("Types, flows, forms and settings")},
    defaults={"admin": "*", "manager": "*"},
    scoped=False,
    order=11,
)
