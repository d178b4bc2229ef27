"""结算 on the work order's page (console): the settlement dialog, registered as a button of the work-order
page (core.object_actions) — the page shows it when the flow and the policy allow "settle" now."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.core import object_actions, permissions


def _settle_url(actor, order):
    if not permissions.has_perm(actor, "settlement.settle"):
        return ""
    return f"{reverse('settlement:settle')}?ids={order.pk}"


def register():
    object_actions.register_action("workorder", "settle", label=_("Settle"), icon="bi-currency-yen", url=_settle_url)
