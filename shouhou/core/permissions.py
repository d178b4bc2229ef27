"""Permissions and data scope (architecture §6): one place answers "may this actor do X (to this object)".

Each app registers its modules in its `permissions.py` (imported by AppConfig.ready):

    register_module("account", _("Accounts"), actions={"view": _("View"), ...},
                    defaults={"admin": "*", "manager": ["view"]}, scoped=False)

A role holds permission codes ("account.view") and a data scope per scoped module (own/team/all).
Query functions call `scope_filter` and views/services call `require` / `can`, so a list and a detail
page never disagree.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .errors import NotFound, PermissionDenied

SCOPE_OWN, SCOPE_TEAM, SCOPE_ALL = "own", "team", "all"
SCOPE_CHOICES = [(SCOPE_OWN, _("Own")), (SCOPE_TEAM, _("Team")), (SCOPE_ALL, _("All"))]
_SCOPE_RANK = {None: 0, SCOPE_OWN: 1, SCOPE_TEAM: 2, SCOPE_ALL: 3}


@dataclass
class Module:
    key: str
    label: str
    actions: dict
    defaults: dict = field(default_factory=dict)  # system role key -> "*" or [actions]
    default_scopes: dict = field(default_factory=dict)  # system role key -> scope
    scoped: bool = True
    order: int = 100

    def codes(self):
        return [f"{self.key}.{action}" for action in self.actions]


MODULES: dict[str, Module] = {}


def register_module(key, label, *, actions, defaults=None, default_scopes=None, scoped=True, order=100):
    MODULES[key] = Module(key, label, dict(actions), defaults or {}, default_scopes or {}, scoped, order)
    return MODULES[key]


def all_codes():
    return {code for module in MODULES.values() for code in module.codes()}


def modules_in_order():
    return sorted(MODULES.values(), key=lambda m: (m.order, m.key))


def default_grants(role_key):
    """Permission codes and scopes a system role has by default."""
    codes, scopes = set(), {}
    for module in MODULES.values():
        actions = module.defaults.get(role_key) or module.defaults.get("*")
        if not actions:
            continue
        actions = module.actions.keys() if actions == "*" else actions
        codes.update(f"{module.key}.{a}" for a in actions)
        if module.scoped:
            scopes[module.key] = module.default_scopes.get(role_key, SCOPE_ALL if role_key == "admin" else SCOPE_OWN)
    return codes, scopes


# --- per-user resolution -------------------------------------------------------------------------

# Grants of users, shared by the requests of this process, keyed by the company's grants_version, which
# every change of a role or of a user's roles bumps in its own transaction (accounts.signals). A request
# reads the version with the user's company (the session and token lookups join it), so a stale entry is
# never found: saves a roles query on every request. Filled only outside transactions, where the roles
# read are committed ones; dropped whole when full.
_GRANTS_CACHE: dict = {}
_GRANTS_CACHE_SIZE = 20_000


def _grants(user):
    """(codes, scopes) of all the user's roles, cached on the user object for the request."""
    cached = getattr(user, "_shouhou_grants", None)
    if cached is not None:
        return cached
    key = _cache_key(user)
    grants = _GRANTS_CACHE.get(key) if key is not None else None
    if grants is None:
        grants = _read_grants(user)
        if key is not None and not connection.in_atomic_block:
            if len(_GRANTS_CACHE) >= _GRANTS_CACHE_SIZE:
                _GRANTS_CACHE.clear()
            _GRANTS_CACHE[key] = grants
    user._shouhou_grants = grants
    return grants


def _read_grants(user):
    codes, scopes = set(), {}
    if user is not None and user.is_authenticated and user.is_active:
        for role in user.roles.all():
            codes.update(role.permissions)
            for module, scope in (role.scopes or {}).items():
                if _SCOPE_RANK.get(scope, 0) > _SCOPE_RANK.get(scopes.get(module), 0):
                    scopes[module] = scope
    return frozenset(codes), scopes


def _cache_key(user):
    """(user, company, company's creation time, grants_version), or None when the company was not loaded
    with the user (then the roles are read as before). The creation time tells a company from an earlier
    one that had the same id (a test database flushed and refilled)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    tenant = user._state.fields_cache.get("tenant")
    if tenant is None:
        return None
    return user.pk, tenant.pk, tenant.created_at, tenant.grants_version


def grants_changed(tenant_id):
    """A role of the company, or a user's roles, changed: later requests read the roles again."""
    from .models import Tenant

    Tenant.objects.filter(pk=tenant_id).update(grants_version=F("grants_version") + 1)
    _GRANTS_CACHE.clear()


def forget(user):
    """Drop the cached grants (after roles change)."""
    if hasattr(user, "_shouhou_grants"):
        del user._shouhou_grants


def has_perm(user, code):
    return code in _grants(user)[0]


def has_module(user, module_key):
    prefix = module_key + "."
    return any(code.startswith(prefix) for code in _grants(user)[0])


def data_scope(user, module_key):
    """own / team / all for a scoped module; None when the user may not view it at all."""
    if not has_perm(user, f"{module_key}.view"):
        return None
    module = MODULES.get(module_key)
    if module is not None and not module.scoped:
        return SCOPE_ALL
    return _grants(user)[1].get(module_key, SCOPE_OWN)


def require(user, code):
    if not has_perm(user, code):
        raise PermissionDenied()


def scope_filter(user, module_key, *, own, team):
    """A Q limiting rows to the user's data scope. `own(user)` and `team(team_ids)` build the Qs."""
    scope = data_scope(user, module_key)
    if scope is None:
        return Q(pk__in=[])
    if scope == SCOPE_ALL:
        return Q()
    condition = own(user)
    if scope == SCOPE_TEAM:
        condition |= team(user_team_ids(user))
    return condition


def user_team_ids(user):
    """Ids of the user's teams and all their sub-teams."""
    cached = getattr(user, "_shouhou_team_ids", None)
    if cached is not None:
        return cached
    Team = user.teams.model  # accounts' Team, reached through the relation (core does not import accounts)
    direct = set(user.teams.values_list("id", flat=True)) | set(user.led_teams.values_list("id", flat=True))
    user._shouhou_team_ids = Team.descendant_ids(direct)
    return user._shouhou_team_ids


def get_visible_or_404(queryset, **lookup):
    """Fetch from an already scoped queryset; absent and out-of-scope look the same (404)."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound()
