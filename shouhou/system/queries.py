"""Reads behind the system-management pages: company, version and usage (SYS-09), the system log (SYS-13).

Apps add their own counts to 版本及用量 when they land, from their `menu.py`:

    register_usage_counter("workorders", _("Work orders"), lambda tenant: WorkOrder.objects.count(), order=30)
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core import permissions, subscription
from shouhou.core.audit import SystemLog
from shouhou.core.tenancy import require_tenant

MB = 1024 * 1024


# --- company ------------------------------------------------------------------------------------

def current_company(actor):
    """The actor's own company, fresh from the database (the request's copy may predate a save)."""
    permissions.require(actor, "system.settings")
    from shouhou.core.models import Tenant

    return Tenant.objects.get(pk=require_tenant().pk)


def super_administrator():
    """The company's super administrator (超级管理员): the owner made at sign-up."""
    from shouhou.accounts.models import User

    return User.objects.for_tenant().filter(is_tenant_owner=True).order_by("pk").first()


# --- version and usage (SYS-09) -----------------------------------------------------------------

@dataclass
class UsageCounter:
    key: str
    label: object
    count: Callable  # tenant -> int
    order: int = 100


USAGE_COUNTERS: dict[str, UsageCounter] = {}


def register_usage_counter(key, label, count, *, order=100):
    """Show `count(tenant)` under 版本及用量 with `label`. Registering a key again replaces it."""
    USAGE_COUNTERS[key] = UsageCounter(key, label, count, order)


def _percent(used, limit):
    if not limit:
        return 100 if used else 0
    return min(100, round(used * 100 / limit))


def _quota(used, limit):
    return {"used": used, "limit": limit, "percent": _percent(used, limit), "remaining": max(limit - used, 0)}


def active_account_count(tenant):
    from shouhou.accounts.models import User

    return User.objects.filter(tenant=tenant, is_active=True).count()


def team_count(tenant):
    from shouhou.accounts.models import Team

    return Team.objects.filter(tenant=tenant).count()


def usage_summary(actor):
    """Everything 版本及用量 shows: the order, the quotas with their use, the counts, the modules."""
    permissions.require(actor, "system.usage")
    from shouhou.core.models import Tenant

    tenant = Tenant.objects.get(pk=require_tenant().pk)
    storage_used_mb = round(tenant.storage_used_bytes / MB, 1)
    return {
        "tenant": tenant,
        "plan": tenant.get_plan_display(),
        "days_left": days_left(tenant),
        "expired": subscription.is_expired(tenant),
        "accounts": _quota(active_account_count(tenant), tenant.seat_limit),
        "storage": _quota(storage_used_mb, tenant.storage_limit_mb),
        "sms": _quota(tenant.sms_used, tenant.sms_limit),
        "counters": [{"key": c.key, "label": c.label, "value": c.count(tenant)}
                     for c in sorted(USAGE_COUNTERS.values(), key=lambda c: (c.order, c.key))],
        "modules": enabled_modules(),
    }


def days_left(tenant, now=None):
    """Whole days until the order expires (0 on the last day, negative once expired); None if open-ended."""
    if tenant.expires_at is None:
        return None
    today = timezone.localdate(now or timezone.now())
    return (timezone.localdate(tenant.expires_at) - today).days


def enabled_modules():
    """已开通功能: every registered permission module with what it lets people do."""
    return [{"key": m.key, "label": m.label, "description": "、".join(str(a) for a in m.actions.values())}
            for m in permissions.modules_in_order()]


# --- system log (SYS-13) ------------------------------------------------------------------------

def system_logs(actor):
    """The company's system-log rows (all kinds; the page's tabs split them)."""
    permissions.require(actor, "system.logs")
    return SystemLog.objects.all()


def log_user_choices(actor):
    """[(id, name)] of the company's users who appear in its log, for the log page's user filter."""
    from shouhou.accounts.models import User

    user_ids = system_logs(actor).exclude(user=None).values("user_id")
    return list(User.objects.for_tenant().filter(pk__in=user_ids).order_by("name", "pk").values_list("pk", "name"))


register_usage_counter("accounts", _("Accounts"), active_account_count, order=10)
register_usage_counter("teams", _("Teams"), team_count, order=20)
