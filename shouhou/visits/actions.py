"""回访 on the work order's page: the visit dialog on the console and the phone's visit form (MOB-08), registered
as buttons of the work-order pages (core.object_actions, "workorder" and "workorder.phone") — the pages show them
while the flow (the 回访 node is next) and the policy allow "visit" (workorders.views.common.record_actions)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.core import object_actions, permissions


def _url(name):
    def url(actor, order):
        return reverse(name, args=[order.pk]) if permissions.has_perm(actor, "visit.record") else ""
    return url


def register():
    object_actions.register_action("workorder", "visit", label=_("Return visit"), icon="bi-telephone-outbound",
                                   url=_url("visits:visit"))
    object_actions.register_action("workorder.phone", "visit", label=_("Return visit"),
                                   icon="bi-telephone-outbound", url=_url("mobile:visit"), order=50)
