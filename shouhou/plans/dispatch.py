"""How a plan's order is dispatched when its mode is not a named assignee: "pool" publishes it to the
work-order pool (issue 10) through the pool's own action, so the pool's rules, timeline and notifications
apply; "auto" runs the auto-assignment rules (自动派单) on it. Registered with services.register_dispatcher
in apps.py."""

from django.utils.translation import gettext as _

from shouhou.workorders import policy as order_policy
from shouhou.workorders.services import dispatch_rules
from shouhou.workorders.services import kernel as order_kernel
from shouhou.workorders.services import pool as pool_services


def publish_to_pool(actor, order, plan):
    """Publish the new order to the pool; when the pool refuses (switched off, the plan's creator may not
    publish), the order stays 待指派 and its timeline says why, so the dispatcher still sees it."""
    reason = order_policy.refusal(actor, order, "publish")
    if reason is not None:
        order_kernel.record(actor, order, "planned", _("Could not publish to the work-order pool: %(reason)s") % {
            "reason": reason})
        return order
    return pool_services.publish_locked(actor, order_kernel.lock(actor, order))


def auto_assign(actor, order, plan):
    """Run the auto-assignment rules on the new order; when no rule yields anyone (or the plan's creator may
    not assign), the order stays 待指派 and its timeline says why (the rules also tell the dispatcher)."""
    reason = order_policy.refusal(actor, order, "assign")
    if reason is not None:
        order_kernel.record(actor, order, "planned", _("Could not auto-assign: %(reason)s") % {"reason": reason})
        return order
    return dispatch_rules.assign_locked(actor, order_kernel.lock(actor, order)).order
