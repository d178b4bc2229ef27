"""May this actor do X to this account? The one place the rule lives (issue 9, point 3), in the shape of
workorders.policy: `refusal(actor, user, action)` and `allowed_actions(actor, user)`.

An action needs its permission; disabling and deleting also spare the actor themself and the company's
super administrator. The services ask `require` first (403) and `check` once the account is locked (a
refusal that changes nothing); the user page only asks (`can`), so its buttons are exactly the accepted ones.
"""

from django.utils.translation import gettext as _

from shouhou.core import permissions
from shouhou.core.errors import DomainError, PermissionDenied

ACTIONS = {"edit": "account.edit", "disable": "account.disable", "delete": "account.delete"}


def _spares_self_and_owner(message):
    def rule(actor, user):
        return message() if user.pk == actor.pk or user.is_tenant_owner else None
    return rule


# action -> rule(actor, user) -> the translated refusal or None: the account's part, beyond the permission
_object_rules = {
    "disable": _spares_self_and_owner(lambda: _("You cannot disable yourself or the super administrator.")),
    "delete": _spares_self_and_owner(lambda: _("You cannot delete yourself or the super administrator.")),
}


def permission_refusal(actor, action):
    code = ACTIONS.get(action)
    if code is None or not permissions.has_perm(actor, code):
        return str(PermissionDenied.default_message)
    return None


def refusal(actor, user, action):
    """Why the actor may not do `action` to the account (a translated message), or None."""
    message = permission_refusal(actor, action)
    if message is None and action in _object_rules:
        message = _object_rules[action](actor, user)
    return message


def allowed_actions(actor, user):
    return [action for action in ACTIONS if refusal(actor, user, action) is None]


def require(actor, action):
    """Raise PermissionDenied (403) unless the actor has the action's permission."""
    if permission_refusal(actor, action) is not None:
        raise PermissionDenied()


def check(actor, user, action):
    """Raise DomainError with the account's refusal (e.g. the super administrator is never deleted)."""
    rule = _object_rules.get(action)
    message = rule(actor, user) if rule is not None else None
    if message is not None:
        raise DomainError(message)


def can(actor, user, *actions):
    """{"account_edit": True, …} for the user page's buttons."""
    return {f"account_{action}": refusal(actor, user, action) is None for action in actions}
