"""Company settings used everywhere, stored on Tenant.settings with typed defaults.

Apps declare their settings with `declare(key, default, label)`; `get(key)` reads the active
tenant's value; `system.services.update_settings` writes them and logs the change (SYS-13).
"""

from dataclasses import dataclass

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
