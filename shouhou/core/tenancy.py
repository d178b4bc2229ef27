"""The active tenant, held in a context variable (architecture §5).

Requests (TenantMiddleware), Huey tasks (`tenant_task`) and management commands activate a tenant;
`TenantManager` refuses to build a query without one, so a forgotten filter fails closed.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_current_tenant: ContextVar = ContextVar("shouhou_tenant", default=None)


class NoActiveTenant(RuntimeError):
    """Raised when tenant data is read or written with no tenant active."""


def get_current_tenant():
    return _current_tenant.get()


def require_tenant():
    tenant = _current_tenant.get()
    if tenant is None:
        raise NoActiveTenant("No tenant is active; use tenant_context() or all_tenants().")
    return tenant


def activate(tenant):
    """Activate `tenant`; returns a token for `deactivate`."""
    return _current_tenant.set(tenant)


def deactivate(token=None):
    if token is not None:
        _current_tenant.reset(token)
    else:
        _current_tenant.set(None)


@contextmanager
def tenant_context(tenant):
    token = _current_tenant.set(tenant)
    try:
        yield tenant
    finally:
        _current_tenant.reset(token)
