"""Background work: Huey tasks that work on one tenant's data take `tenant_id` first and run with it
active (`tenant_task`), and the data jobs — Excel imports and exports with their progress (`DataJob`,
architecture §10) — that core's importer and the apps' exports run. The table keeps its name from `system`."""

import functools
import logging
import os
import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import db_task

from .models import Tenant, TenantModel
from .tenancy import tenant_context

log = logging.getLogger(__name__)


def tenant_task(*task_args, **task_kwargs):
    """Like @db_task, but the wrapped function runs inside `tenant_context(tenant)`.

    Call it as `my_task(tenant_id, ...)`; the function receives the Tenant object instead.
    """

    def decorator(func):
        @functools.wraps(func)
        def run(tenant_id, *args, **kwargs):
            tenant = Tenant.objects.get(pk=tenant_id)
            with tenant_context(tenant):
                return func(tenant, *args, **kwargs)

        return db_task(*task_args, **task_kwargs)(run)

    return decorator


def enqueue_on_commit(task, *args):
    """Queue `task(*args)` once the surrounding transaction commits; a queue that is down is logged, never
    raised into the request that committed (a periodic sweep or the next save tries again)."""

    def enqueue():
        try:
            task(*args)
        except Exception:
            log.exception("could not queue %s%r", getattr(task, "name", task), args)

    transaction.on_commit(enqueue)


def geocoding_task(func):
    """A tenant job that locates addresses (architecture §18): `func(tenant, *args)`; a provider failure
    (geo.GeocodingError) is logged and raised so Huey retries it (GEOCODE_RETRIES, GEOCODE_RETRY_DELAY)."""
    from .geo import GeocodingError

    @functools.wraps(func)
    def run(tenant, *args):
        try:
            return func(tenant, *args)
        except GeocodingError as exc:
            log.warning("company %s: %s%r: an address could not be located (%s)", tenant.pk, func.__name__, args, exc)
            raise

    return tenant_task(retries=getattr(settings, "GEOCODE_RETRIES", 3),
                       retry_delay=getattr(settings, "GEOCODE_RETRY_DELAY", 600))(run)


def job_file_path(job, filename):
    """An unguessable name: the file is only ever served by its job's download view, to whoever ran it."""
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"jobs/{job.tenant_id}/{job.created_at:%Y%m}/{secrets.token_hex(16)}{ext}"


class DataJob(TenantModel):
    """An Excel import or export run in the background, with progress the page polls (architecture §10).

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
    file = models.FileField(_("file"), upload_to=job_file_path, max_length=300, blank=True)
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
        db_table = "system_datajob"  # the table it had in `system` (issue 9 moved the model here)
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
