"""The payments module's permissions: who sees payment records, asks a customer to pay, records cash or a
transfer, refunds (administrators), exports and maintains the payment settings. Which payments a user
sees follows the work orders he sees (their data scope)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.permissions import register_module

register_module(
    "payment",
    _("Payments"),
    actions={
        "view": _("View"), "collect": _("Collect payment"), "refund": _("Refund"), "export": _("Export"),
        "settings": _("Payment settings"),
    },
    defaults={
        "admin": "*",
        "manager": "*",
        "director": ["view", "export"],
        "finance": ["view", "export"],
        "team_admin": ["view", "collect"],
        "engineer": ["view", "collect"],
    },
    scoped=False,
    order=60,
)
