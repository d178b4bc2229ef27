"""May this actor do X to this customer? The one place the rule lives (issue 9, point 3), in the shape of
workorders.policy: `refusal(actor, customer, action)` and `allowed_actions(actor, customer)`.

A customer's actions need their permission; which customers an actor reaches at all is the data scope
(queries.visible_customers), applied where a service locks the record (out of scope is a 404). The
services call `require` (403, before anything is cleaned); the pages only ask (`can`, `allowed_actions`).
"""

from shouhou.core import permissions
from shouhou.core.errors import PermissionDenied

# action -> the permission it needs ("create" and "settings" concern no particular customer)
ACTIONS = {"create": "customer.create", "edit": "customer.edit", "delete": "customer.delete",
           "remind": "customer.remind", "sms": "customer.sms", "settings": "customer.settings"}


def refusal(actor, customer, action):
    """Why the actor may not do `action` to the customer (a translated message), or None."""
    code = ACTIONS.get(action)
    if code is None or not permissions.has_perm(actor, code):
        return str(PermissionDenied.default_message)
    return None


def allowed_actions(actor, customer):
    """The actions the actor may take on the customer, in ACTIONS order."""
    return [action for action in ACTIONS if refusal(actor, customer, action) is None]


def require(actor, customer, action):
    """Raise PermissionDenied (403) unless the actor may do `action` to the customer."""
    if refusal(actor, customer, action) is not None:
        raise PermissionDenied()


def can(actor, customer, *actions):
    """{"customer_edit": True, …} for the page's buttons."""
    return {f"customer_{action}": refusal(actor, customer, action) is None for action in actions}
