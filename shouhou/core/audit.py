"""The system log (系统日志, SYS-13): logins, deletions, imports/exports and settings changes, written by
every app through `log`, read by the system app's log pages. It lives in core because every floor writes
it (core's importer and form engine included); the table keeps its name from the `system` app."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import TenantModel
from .tenancy import require_tenant, tenant_context


class SystemLog(TenantModel):
    class Kind(models.TextChoices):
        LOGIN = "login", _("Login log")
        DELETE = "delete", _("Deletion log")
        IMPORT_EXPORT = "import_export", _("Import/export log")
        SETTINGS = "settings", _("Settings-change log")

    class Client(models.TextChoices):
        PC = "pc", _("PC")
        MOBILE = "mobile", _("Mobile")
        API = "api", _("API")
        SYSTEM = "system", _("System")

    kind = models.CharField(_("log type"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("user"))
    user_name = models.CharField(_("user name"), max_length=50, blank=True)
    team_name = models.CharField(_("service team"), max_length=200, blank=True)
    action = models.CharField(_("operation"), max_length=200)
    client_type = models.CharField(_("client type"), max_length=10, choices=Client.choices, default=Client.PC)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "system_systemlog"  # the table it had in `system` (issue 9 moved the model here)
        verbose_name = _("system log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "kind", "-created_at"])]


def client_ip(request):
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded and settings.SECURE_PROXY_SSL_HEADER else ""
    return ip or request.META.get("REMOTE_ADDR") or None


def client_type(request):
    if request is None:
        return SystemLog.Client.SYSTEM
    if request.path.startswith("/api/"):
        return SystemLog.Client.API
    agent = request.META.get("HTTP_USER_AGENT", "")
    if request.path.startswith("/m/") or re.search(r"Mobile|Android|iPhone|DingTalk", agent):
        return SystemLog.Client.MOBILE
    return SystemLog.Client.PC


def log(kind, *, user=None, action, request=None, detail=None, tenant=None):
    """Write one system-log row. Safe to call inside or outside a service transaction."""
    tenant = tenant or (user.tenant if user is not None else require_tenant())
    team_names = ""
    if user is not None and user.pk:
        with tenant_context(tenant):  # login runs before any tenant is active
            team_names = "、".join(user.teams.values_list("name", flat=True)[:5])
    return SystemLog.all_tenants.create(
        tenant=tenant,
        kind=kind,
        user=user if user is not None and user.pk else None,
        user_name=user.name if user is not None else "",
        team_name=team_names[:200],
        action=str(action)[:200],
        client_type=client_type(request),
        ip=client_ip(request),
        detail=detail or {},
    )
