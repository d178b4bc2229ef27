"""Permission modules of spare parts (PART-01…14) and service items (SVC-01).

- `part`: the catalogue (备件, categories) — company-wide, not scoped.
- `service_item`: the service-item catalogue (服务项目) — company-wide, not scoped.
- `stock`: warehouses, stock, movements, requisitions and returns — scoped: "own" reaches the warehouses
  the user manages and his own personal stock; "team" also the personal stock of his teams' members;
  "all" every warehouse and person (queries.py).
"""

from django.utils.translation import gettext_lazy as _

from shouhou.core.permissions import register_module

register_module(
    "part",
    _("Spare parts"),
    actions={"view": _("View"), "create": _("Create"), "edit": _("Edit"), "delete": _("Delete"),
             "import": _("Import"), "export": _("Export")},
    defaults={"admin": "*", "manager": "*", "warehouse": "*", "director": ["view", "export"],
              "engineer": ["view"], "finance": ["view", "export"], "team_admin": ["view"], "desk_admin": ["view"],
              "desk_agent": ["view"], "visitor": ["view"]},
    scoped=False,
    order=40,
)

register_module(
    "service_item",
    _("Service items"),
    actions={"view": _("View"), "create": _("Create"), "edit": _("Edit"), "delete": _("Delete"),
             "export": _("Export")},
    defaults={"admin": "*", "manager": "*", "warehouse": ["view", "export"], "director": ["view", "export"],
              "finance": "*", "engineer": ["view"], "team_admin": ["view"], "desk_admin": ["view"],
              "desk_agent": ["view"], "visitor": ["view"]},
    scoped=False,
    order=42,
)

register_module(
    "stock",
    _("Stock"),
    actions={
        "view": _("View"),
        "manage": _("Stock in, out, transfer and allocate"),
        "approve": _("Approve requisitions and returns"),
        "request": _("Request and return parts"),
        "warehouses": _("Manage warehouses"),
        "export": _("Export"),
    },
    defaults={"admin": "*", "manager": "*", "warehouse": "*", "director": ["view", "export"],
              "engineer": ["view", "request"], "team_admin": ["view", "request"], "finance": ["view", "export"]},
    default_scopes={"manager": "all", "director": "all", "finance": "all", "warehouse": "own",
                    "team_admin": "team", "engineer": "own"},
    order=41,
)
