"""Who may settle (结算): the work-order flow's policy asks this rule (registered with
workorders.policy.register_rule in apps.py), so the console's and the phone's 结算 buttons, the API's
`actions` hint and the settle service all follow the one rule."""

from django.utils.translation import gettext as _

from shouhou.core import permissions


def settle_rule(actor, order):
    if not permissions.has_perm(actor, "settlement.settle"):
        return _("You may not settle work orders.")
    return None
