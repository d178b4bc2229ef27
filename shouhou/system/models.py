"""The system log (系统日志, SYS-13): logins, deletions, imports/exports, settings changes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import TenantModel


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
        verbose_name = _("system log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "kind", "-created_at"])]
