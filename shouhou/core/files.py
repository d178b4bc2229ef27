"""Private files: storing uploads, deciding who may read them, serving them (issue 8).

Every upload is written under an unguessable name and gets a `StoredFile` row; the reference kept in an
object's JSON is `{"name", "url": "/files/<key>", "size", "content_type"}`. Nothing is served from a
public path: `serve` answers 404 unless the file is flagged public, or the viewer is signed in to the
file's company and may see the object that references it (a resolver per model, registered by its app).

A stored file counts against the company's quota at once, but stays *uncommitted* until an object saved
in a successful transaction references it (`claim_references`, a post_save hook). What a request stored
and did not commit is deleted when the request ends (`PendingFilesMiddleware`), so a refused form or a
refused action leaves no file and no quota behind; `sweep_orphans` catches the rest (crashes, tasks).
"""

import inspect
import logging
import mimetypes
import os
import re
import secrets
from contextvars import ContextVar
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .errors import QuotaExceeded
from .models import Activity, StoredFile, Tenant, TenantModel
from .tenancy import require_tenant, tenant_context

log = logging.getLogger(__name__)
MB = 1024 * 1024
KEY_RE = re.compile(r"^/files/([A-Za-z0-9_-]{20,64})$")
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"}
_stored_in_request: ContextVar = ContextVar("shouhou_files_stored_in_request", default=None)


# --- storing --------------------------------------------------------------------------------------------

def store_file(file, *, name, size, content_type, public=False, actor=None):
    """Write `file` for the active company under an unguessable name; its reference for the JSON.

    Raises QuotaExceeded when the company's storage is used up. The file stays uncommitted until a saved
    object references it (see the module docstring).
    """
    tenant = require_tenant()
    with transaction.atomic():
        _reserve(tenant, size)
        file.seek(0)
        path = default_storage.save(f"private/t{tenant.pk}/{timezone.now():%Y%m}/{secrets.token_hex(16)}"
                                    f"{_extension(name)}", file)
        row = StoredFile.objects.create(
            key=secrets.token_urlsafe(24), path=path, name=name[:200], size=size, content_type=content_type[:100],
            public=public, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    stored = _stored_in_request.get()
    if stored is not None:
        stored.append((row.key, path))
    return {"name": row.name, "url": file_url(row), "size": size, "content_type": row.content_type}


def file_url(row):
    return reverse("files:file", args=[row.key])


def path_of(url):
    """The storage path a reference's url points to (a /files/ key, or an old /media/ address), or None."""
    match = KEY_RE.match(url or "")
    if match is None:
        return url.removeprefix(settings.MEDIA_URL) if (url or "").startswith(settings.MEDIA_URL) else None
    return StoredFile.all_tenants.filter(key=match.group(1)).values_list("path", flat=True).first()


def _reserve(tenant, size):
    limit = tenant.storage_limit_mb * MB
    reserved = Tenant.objects.filter(pk=tenant.pk, storage_used_bytes__lte=limit - size).update(
        storage_used_bytes=F("storage_used_bytes") + size)
    if not reserved:
        raise QuotaExceeded(_("Your company's storage space is used up."))


def _extension(name):
    """The name's extension, letters and digits only (the stored name is otherwise random)."""
    ext = re.sub(r"[^a-z0-9]", "", os.path.splitext(name)[1].lower())[:9]
    return f".{ext}" if ext else ""


def _discard(row):
    """Delete an uncommitted file and give its bytes back to the quota."""
    with transaction.atomic():
        if not StoredFile.all_tenants.filter(pk=row.pk, committed=False).delete()[0]:
            return  # committed meanwhile
        Tenant.objects.filter(pk=row.tenant_id).update(
            storage_used_bytes=Greatest(F("storage_used_bytes") - row.size, 0))
    _delete_quietly(row.path)


def _delete_quietly(path):
    try:
        default_storage.delete(path)
    except OSError:
        log.warning("could not delete stored file %s", path, exc_info=True)


# --- committing: a saved object that references a file claims it ---------------------------------------

def keys_in(value):
    """Keys of the stored-file references anywhere inside a JSON value."""
    if isinstance(value, dict):
        match = KEY_RE.match(value.get("url") or "") if isinstance(value.get("url"), str) else None
        if match:
            yield match.group(1)
        for item in value.values():
            if isinstance(item, (dict, list)):
                yield from keys_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_in(item)


def claim_references(sender, instance, **kwargs):
    """post_save: commit the files the saved object's JSON references; the first one to do so owns them."""
    if not isinstance(instance, TenantModel) or isinstance(instance, StoredFile):
        return
    json_fields = [f.attname for f in instance._meta.concrete_fields if isinstance(f, models.JSONField)]
    keys = {key for name in json_fields for key in keys_in(getattr(instance, name))}
    if not keys:
        return
    rows = StoredFile.all_tenants.filter(tenant_id=instance.tenant_id, key__in=keys)
    rows.filter(owner_label="").update(owner_label=instance._meta.label_lower, owner_id=str(instance.pk))
    rows.filter(committed=False).update(committed=True)


class PendingFilesMiddleware:
    """Deletes what the request stored but did not commit (a refused form, a refused action)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _stored_in_request.set([])
        try:
            return self.get_response(request)
        finally:
            stored = _stored_in_request.get()
            _stored_in_request.reset(token)
            discard_uncommitted(stored)


def discard_uncommitted(stored):
    """For (key, path) pairs stored earlier: drop those not committed; a rolled-back row leaves its file."""
    for key, path in stored:
        row = StoredFile.all_tenants.filter(key=key).first()
        if row is None:
            _delete_quietly(path)  # its transaction rolled back, the quota reservation with it
        elif not row.committed:
            _discard(row)


def release(reference):
    """Delete a committed file its owner no longer references (a replaced report or template) and give its
    bytes back to the quota; deleted with the bytes after the surrounding transaction commits."""
    match = KEY_RE.match((reference or {}).get("url") or "") if isinstance(reference, dict) else None
    if match is None:
        return
    row = StoredFile.objects.filter(key=match.group(1)).first()
    if row is None:
        return
    StoredFile.objects.filter(pk=row.pk).delete()
    Tenant.objects.filter(pk=row.tenant_id).update(storage_used_bytes=Greatest(F("storage_used_bytes") - row.size, 0))
    transaction.on_commit(lambda: _delete_quietly(row.path))


def sweep_orphans(hours=None):
    """Delete files still uncommitted after `hours` (FILE_ORPHAN_HOURS); returns how many."""
    hours = settings.FILE_ORPHAN_HOURS if hours is None else hours
    cutoff = timezone.now() - timedelta(hours=hours)
    rows = list(StoredFile.all_tenants.filter(committed=False, created_at__lt=cutoff)[:1000])
    for row in rows:
        _discard(row)
    return len(rows)


# --- who may read a file ---------------------------------------------------------------------------------

_owner_checks = {}


def register_owner(label, check):
    """`check(user, owner_id) -> bool`: may `user` (of the file's company, which is active) see the
    object of model `label` ("app_label.modelname") with that id? Apps register their models."""
    _owner_checks[label] = check


def may_read(user, row):
    if row.public:
        return True
    if not getattr(user, "is_authenticated", False) or user.tenant_id != row.tenant_id:
        return False
    with tenant_context(row.tenant):
        return _may_see_owner(user, row.owner_label, row.owner_id, row)


def _may_see_owner(user, label, owner_id, row):
    check = _owner_checks.get(label)
    if check is None:  # an owner nobody registered: only the uploader, never everyone (fail closed)
        return row.created_by_id is not None and row.created_by_id == user.pk
    return bool(check(user, owner_id))


def _activity_target_visible(user, activity_id):
    """A timeline entry's files are visible to whoever may see the entry's object."""
    entry = Activity.objects.select_related("content_type").filter(pk=activity_id).first()
    if entry is None:
        return False
    label = f"{entry.content_type.app_label}.{entry.content_type.model}"
    check = _owner_checks.get(label)
    return bool(check and check(user, entry.object_id))


register_owner("core.activity", _activity_target_visible)


# --- serving ------------------------------------------------------------------------------------------------

@require_safe
def serve(request, key):
    """/files/<key>: the file, to whoever may read it; 404 to everyone else (another company, anonymous)."""
    return _serve_row(request, StoredFile.all_tenants.select_related("tenant").filter(key=key, committed=True).first())


def _serve_row(request, row):
    if row is None or not may_read(request.user, row):
        raise Http404()
    response = file_response(row.path, name=row.name, content_type=row.content_type)
    response["Cache-Control"] = "public, max-age=86400" if row.public else "private, max-age=3600"
    return response


LEGACY_TENANT_RE = re.compile(r"^(?:t(\d+)/forms/|workorders/(\d+)/)")


@require_safe
def serve_legacy(request, path):
    """/media/<path>: addresses stored before files were private keep working, for the file's company only.

    Export and import files (jobs/…) are only ever served by their job's download view.
    """
    row = StoredFile.all_tenants.select_related("tenant").filter(path=path, committed=True).first()
    if row is not None:
        return _serve_row(request, row)
    match = LEGACY_TENANT_RE.match(path)
    user = request.user
    if (match is None or ".." in path.split("/") or not getattr(user, "is_authenticated", False)
            or str(user.tenant_id) != (match.group(1) or match.group(2)) or not default_storage.exists(path)):
        raise Http404()
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = file_response(path, name=os.path.basename(path), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def file_response(path, *, name, content_type, as_attachment=None):
    """The stored file at `path`: handed to the proxy (PRIVATE_FILES_ACCEL), a redirect to a short-lived
    signed URL (object storage), or streamed by Django (local storage)."""
    if as_attachment is None:
        as_attachment = content_type not in INLINE_TYPES
    disposition = _disposition(name, as_attachment)
    mode = settings.PRIVATE_FILES_ACCEL
    if mode in ("nginx", "apache"):
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        if mode == "nginx":
            response["X-Accel-Redirect"] = quote(settings.PRIVATE_FILES_ACCEL_PREFIX.rstrip("/") + "/" + path)
        else:
            response["X-Sendfile"] = default_storage.path(path)
        response["Content-Disposition"] = disposition
        return response
    if not _is_local(default_storage):
        return HttpResponseRedirect(_signed_url(path, disposition))
    try:
        handle = default_storage.open(path, "rb")
    except FileNotFoundError:
        raise Http404()
    return FileResponse(handle, as_attachment=as_attachment, filename=name,
                        content_type=content_type or "application/octet-stream")


def _disposition(name, as_attachment):
    from django.utils.http import content_disposition_header

    return content_disposition_header(as_attachment, name)


def _is_local(storage):
    try:
        storage.path("x")
    except NotImplementedError:
        return False
    return True


def _signed_url(path, disposition):
    """Object storage (django-storages S3 with AWS_QUERYSTRING_AUTH) signs each URL for a short time."""
    if "parameters" in inspect.signature(default_storage.url).parameters:
        return default_storage.url(path, parameters={"ResponseContentDisposition": disposition})
    return default_storage.url(path)
