"""May this actor do X? The one place the rules of spare parts live (shape of workorders.policy).

Which warehouses, people and requests an actor reaches at all is the data scope (queries.py), applied
where a service resolves or locks them (out of scope is a field error or a 404); the permission is here.
"""

from shouhou.core import permissions
from shouhou.core.errors import PermissionDenied

ACTIONS = {
    "part.create": "part.create", "part.edit": "part.edit", "part.delete": "part.delete",
    "part.import": "part.import",
    "service_item.create": "service_item.create", "service_item.edit": "service_item.edit",
    "service_item.delete": "service_item.delete",
    "pricing.manage": "service_item.edit",  # the pricing rules (收费标准) belong with the price list
    "warehouse.manage": "stock.warehouses",
    "stock.move": "stock.manage",
    "request.create": "stock.request",
    "request.approve": "stock.approve",
}


def refusal(actor, obj, action):
    """Why the actor may not do `action` (a translated message), or None."""
    code = ACTIONS.get(action)
    if code is None or not permissions.has_perm(actor, code):
        return str(PermissionDenied.default_message)
    if action == "request.create" and obj is not None and obj.requester_id != actor.pk:
        return str(PermissionDenied.default_message)
    return None


def require(actor, obj, action):
    if refusal(actor, obj, action) is not None:
        raise PermissionDenied()


def allowed(actor, action, obj=None):
    return refusal(actor, obj, action) is None
