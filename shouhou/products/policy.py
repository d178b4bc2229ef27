"""May this actor do X to this product? The one place the rule lives (issue 9, point 3), in the shape of
workorders.policy: `refusal(actor, product, action)` and `allowed_actions(actor, product)`.

A product's actions need their permission; which products an actor reaches at all is the data scope
(queries.visible_products), applied where a service locks the record (out of scope is a 404). The
services call `require` (403, before anything is cleaned); the pages only ask (`can`, `allowed_actions`).
"""

from shouhou.core import permissions
from shouhou.core.errors import PermissionDenied

# action -> the permission it needs ("create" and "settings" concern no particular product)
ACTIONS = {"create": "product.create", "edit": "product.edit", "delete": "product.delete",
           "qrcode": "product.qrcode", "remind": "product.remind", "import": "product.import",
           "settings": "product.settings"}


def refusal(actor, product, action):
    """Why the actor may not do `action` to the product (a translated message), or None."""
    code = ACTIONS.get(action)
    if code is None or not permissions.has_perm(actor, code):
        return str(PermissionDenied.default_message)
    return None


def allowed_actions(actor, product):
    """The actions the actor may take on the product, in ACTIONS order."""
    return [action for action in ACTIONS if refusal(actor, product, action) is None]


def require(actor, product, action):
    """Raise PermissionDenied (403) unless the actor may do `action` to the product."""
    if refusal(actor, product, action) is not None:
        raise PermissionDenied()


def can(actor, product, *actions):
    """{"product_edit": True, …} for the page's buttons."""
    return {f"product_{action}": refusal(actor, product, action) is None for action in actions}
