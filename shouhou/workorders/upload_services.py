"""Uploaded photos and files of work orders (store_upload): checked, stored in the company's folder and
counted against its storage quota; the receipt's signature image is stored the same way."""

import os
import uuid

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shouhou.core import permissions
from shouhou.core.errors import QuotaExceeded, ValidationFailed
from shouhou.core.forms_engine.kinds.files import BLOCKED_EXTENSIONS, image_type
from shouhou.core.models import Tenant
from shouhou.core.tenancy import require_tenant

MB = 1024 * 1024
UPLOAD_MAX_MB = 20
IMAGE_MAX_MB = 10
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


def _image_type(file):
    """The image's content type read from its bytes (the forms engine's check), or None."""
    return image_type(file, IMAGE_TYPES)


def store_upload(*, actor, file, images_only=False):
    """Store an uploaded photo or file of a work order; returns its reference {name,url,size,content_type}.

    Views call this for each file before the action and pass the references on. Files go under
    "workorders/<tenant>/<uuid>.<ext>" and count against the company's storage quota.
    """
    permissions.require(actor, "workorder.view")
    name = os.path.basename(getattr(file, "name", "") or "file")[:200]
    ext = os.path.splitext(name)[1].lower()[:10]
    if ext in BLOCKED_EXTENSIONS:
        raise ValidationFailed(details={"file": [_("Files of type %(ext)s are not allowed.") % {"ext": ext}]})
    content_type = getattr(file, "content_type", "") or "application/octet-stream"
    if images_only or ext in IMAGE_EXTENSIONS:
        content_type = _image_type(file)
        if content_type is None:
            raise ValidationFailed(details={"file": [
                _("“%(name)s” is not a valid image (JPEG, PNG, GIF or WebP).") % {"name": name}]})
    limit = IMAGE_MAX_MB if content_type in IMAGE_TYPES.values() else UPLOAD_MAX_MB
    if file.size > limit * MB:
        raise ValidationFailed(details={"file": [
            _("“%(name)s” is too large; the limit is %(limit)s MB.") % {"name": name, "limit": limit}]})
    return _store(file, name=name, content_type=content_type)


def _store(file, *, name, content_type):
    tenant = require_tenant()
    size = file.size
    ext = os.path.splitext(name)[1].lower()[:10]
    with transaction.atomic():
        limit = tenant.storage_limit_mb * MB
        reserved = Tenant.objects.filter(pk=tenant.pk, storage_used_bytes__lte=limit - size).update(
            storage_used_bytes=F("storage_used_bytes") + size)
        if not reserved:
            raise QuotaExceeded(_("Your company's storage space is used up."))
        file.seek(0)
        path = default_storage.save(f"workorders/{tenant.pk}/{uuid.uuid4().hex}{ext}", file)
    return {"name": name, "url": default_storage.url(path), "size": size, "content_type": content_type}
