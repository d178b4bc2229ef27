"""The 结算 module's permissions: seeing the settlement page, settling (结算 / 批量结算), exporting."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.permissions import register_module

register_module(
    "settlement",
    _("Settlement"),
    actions={"view": _("View"), "settle": _("Settle"), "export": _("Export")},
    defaults={"admin": "*", "manager": "*", "finance": "*", "director": ["view", "export"]},
    scoped=False,  # the orders themselves are read in the actor's work-order scope
    order=12,
)
