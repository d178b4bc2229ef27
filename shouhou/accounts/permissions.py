from django.utils.translation import gettext_lazy as _

from shouhou.core.permissions import register_module

register_module(
    "account",
    _("Accounts"),
    actions={
        "view": _("View"), "create": _("Create"), "edit": _("Edit"), "disable": _("Enable/disable"),
        "delete": _("Delete"), "import": _("Import"), "export": _("Export"),
    },
    defaults={"admin": "*", "manager": ["view", "create", "edit", "disable", "export"], "director": ["view"],
              "team_admin": ["view", "edit"], "*": ["view"]},
    default_scopes={"admin": "all", "manager": "all", "director": "all", "team_admin": "team"},
    order=80,
)
register_module(
    "team",
    _("Teams"),
    actions={"view": _("View"), "manage": _("Manage")},
    defaults={"admin": "*", "manager": "*", "director": ["view"], "team_admin": ["view"], "*": ["view"]},
    scoped=False,
    order=81,
)
register_module(
    "role",
    _("Roles and permissions"),
    actions={"view": _("View"), "manage": _("Manage")},
    defaults={"admin": "*", "manager": ["view"]},
    scoped=False,
    order=82,
)
