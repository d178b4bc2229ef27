"""结算 on the work order's page: the settlement dialog on the console and the phone's 工单结算 page (MOB-07),
registered as buttons of the work-order pages (core.object_actions, "workorder" and "workorder.phone") — the
pages show them while the flow and the policy allow "settle" (workorders.views.common.record_actions)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.core import object_actions, permissions


def _settle_url(actor, order):
    if not permissions.has_perm(actor, "settlement.settle"):
        return ""
    return f"{reverse('settlement:settle')}?ids={order.pk}"


def _phone_settle_url(actor, order):
    if not permissions.has_perm(actor, "settlement.settle"):
        return ""
    return reverse("mobile:settle", args=[order.pk])


def register():
    object_actions.register_action("workorder", "settle", label=_("Settle"), icon="bi-currency-yen", url=_settle_url)
    object_actions.register_action("workorder.phone", "settle", label=_("Settle"), icon="bi-currency-yen",
                                   url=_phone_settle_url, order=50)
