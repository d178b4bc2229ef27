"""Reads of the auto-assignment rules (自动派单规则, issue 10): the company's rules in their running order."""

from shouhou.core import permissions
from shouhou.core.permissions import get_visible_or_404

from ..models import DispatchRule

MANAGE = "workorder_settings.manage"


def visible_rules(actor=None):
    """The company's rules, lowest priority first (the order they run in)."""
    return DispatchRule.objects.select_related("target_user", "target_team").order_by("priority", "pk")


def get_rule(actor, pk):
    """One rule of the actor's company (404 otherwise); reading rules needs the work-order settings or the
    assign permission (a dispatcher testing which rule would take an order)."""
    require_read(actor)
    return get_visible_or_404(visible_rules(actor), pk=pk)


def require_read(actor):
    if not (permissions.has_perm(actor, MANAGE) or permissions.has_perm(actor, "workorder.assign")):
        permissions.require(actor, MANAGE)
