"""The system log (系统日志, SYS-13): logins, deletions, imports/exports, settings changes."""

import os
import secrets

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


def _job_file_path(job, filename):
    """An unguessable name: the file is only ever served by its job's download view, to whoever ran it."""
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"jobs/{job.tenant_id}/{job.created_at:%Y%m}/{secrets.token_hex(16)}{ext}"


class DataJob(TenantModel):
    """An Excel import or export run in the background, with progress the page polls (DESIGN §10).

    An import is checked first (every bad row reported in `errors`, the first rows in `preview`) and
    then, on confirmation, committed all-or-nothing; `result` holds what it produced.
    """

    class Kind(models.TextChoices):
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        VALIDATING = "validating", _("Checking")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("job type"), max_length=10, choices=Kind.choices, default=Kind.IMPORT)
    key = models.CharField(_("data"), max_length=50, help_text="importer/exporter key, e.g. accounts.users")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    file = models.FileField(_("file"), upload_to=_job_file_path, max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    language = models.CharField(max_length=10, blank=True)
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row": 5 or None, "messages": [...], "cells": [...]}]
    preview = models.JSONField(default=dict, blank=True)  # {"headers": [...], "rows": [{"row", "cells"}]}
    result = models.JSONField(default=dict, blank=True)  # e.g. {"created": 120}
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data job")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "kind", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key} #{self.pk}"

    @property
    def is_running(self):
        return self.status in {self.Status.PENDING, self.Status.VALIDATING, self.Status.RUNNING}

    @property
    def percent(self):
        return min(100, int(self.processed * 100 / self.total)) if self.total else 0
