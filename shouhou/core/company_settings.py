"""Company settings used everywhere, stored on Tenant.settings with typed defaults.

Apps declare their settings with `declare(key, default, label)`; `get(key)` reads the active
tenant's value; `update_settings` writes them and logs the change (SYS-13).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from .errors import ValidationFailed
from .tenancy import require_tenant


@dataclass
class Setting:
    key: str
    default: object
    label: str
    group: str


REGISTRY: dict[str, Setting] = {}


def declare(key, default, label, group="general"):
    REGISTRY[key] = Setting(key, default, label, group)


def get(key, tenant=None):
    tenant = tenant or require_tenant()
    if key not in REGISTRY:
        raise KeyError(key)
    return (tenant.settings or {}).get(key, REGISTRY[key].default)


def values(tenant=None, group=None):
    tenant = tenant or require_tenant()
    return {
        key: (tenant.settings or {}).get(key, s.default)
        for key, s in REGISTRY.items()
        if group is None or s.group == group
    }


# --- writing them (moved from system.services in issue 9, so every floor can write its settings) ---------

@transaction.atomic
def update_settings(*, actor, values, request=None, permission="system.settings"):
    """Write declared company settings (validated against their defaults' types) and log the change."""
    from .audit import SystemLog, log
    from .models import Tenant
    from .permissions import require

    require(actor, permission)
    tenant = Tenant.objects.select_for_update().get(pk=require_tenant().pk)
    current = dict(tenant.settings or {})
    changes = {}
    for key, value in values.items():
        declared = REGISTRY.get(key)
        if declared is None:
            raise ValidationFailed(details={key: [_("Unknown setting.")]})
        value = _coerce(declared, value)
        old = current.get(key, declared.default)
        if old != value:
            changes[key] = [old, value]
            current[key] = value
    if changes:
        tenant.settings = current
        tenant.save(update_fields=["settings"])
        log(SystemLog.Kind.SETTINGS, user=actor, action=_("Changed settings"), request=request,
            detail={"changes": changes})
    require_tenant().settings = current
    return changes


def _coerce(declared, value):
    default = declared.default
    try:
        if isinstance(default, bool):
            return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "on", "yes"}
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, list):
            if not isinstance(value, (list, tuple)):
                raise TypeError  # list("1,2") would split a string into characters
            return list(value)
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise TypeError
            return value
        return str(value)
    except (TypeError, ValueError):
        raise ValidationFailed(details={declared.key: [_("Invalid value.")]})
