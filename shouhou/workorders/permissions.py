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


def register_forms():
    """The configurable forms of work orders (architecture §7): the type form with its system fields locked in
    place (WOSET-T3), the receipt form, and add-on components (WO-28)."""
    from shouhou.core.forms_engine import register_target

    from .models import Priority

    register_target("workorder_type", label=_("Work-order form"), system_fields=[
        {"key": "customer", "label": _("Customer"), "kind": "customer", "required": True},
        {"key": "contact", "label": _("Contact"), "kind": "text"},
        {"key": "address", "label": _("Address"), "kind": "address"},
        {"key": "product", "label": _("Product"), "kind": "product"},
        {"key": "priority", "label": _("Priority"), "kind": "select", "required": True,
         "options": [{"value": value, "label": str(label)} for value, label in Priority.choices]},
        {"key": "service_type", "label": _("Service type"), "kind": "text"},
        {"key": "service_content", "label": _("Service content"), "kind": "text"},
        {"key": "planned_at", "label": _("Planned time"), "kind": "datetime"},
        {"key": "description", "label": _("Description"), "kind": "textarea"},
        {"key": "attachments", "label": _("Attachments"), "kind": "attachment", "multiple": True},
    ])
    register_target("receipt", label=_("Receipt form"), system_fields=[
        {"key": "content", "label": _("Receipt content"), "kind": "textarea", "required": True},
        {"key": "attachments", "label": _("Photos and files"), "kind": "attachment", "multiple": True},
        {"key": "signature", "label": _("Customer signature"), "kind": "signature"},
    ])
    register_target("component", label=_("Add-on component"))
