"""Uploaded photos and files of work orders (store_upload): checked, stored privately (core.files) and
counted against the company's storage quota; the receipt's signature image is stored the same way."""

import os

from django.utils.translation import gettext as _

from shouhou.core import files, permissions
from shouhou.core.errors import ValidationFailed
from shouhou.core.forms_engine.kinds.files import BLOCKED_EXTENSIONS, image_type

MB = 1024 * 1024
UPLOAD_MAX_MB = 20
IMAGE_MAX_MB = 10
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


def image_content_type(file):
    """The image's content type read from its bytes (the forms engine's check), or None."""
    return image_type(file, IMAGE_TYPES)


def store_upload(*, actor, file, images_only=False):
    """Store an uploaded photo or file of a work order; returns its reference {name,url,size,content_type}.

    Views call this for each file before the action and pass the references on. The file counts against
    the company's storage quota and is kept only if the action then saves a reference to it (core.files).
    """
    permissions.require(actor, "workorder.view")
    name = os.path.basename(getattr(file, "name", "") or "file")[:200]
    ext = os.path.splitext(name)[1].lower()[:10]
    if ext in BLOCKED_EXTENSIONS:
        raise ValidationFailed(details={"file": [_("Files of type %(ext)s are not allowed.") % {"ext": ext}]})
    content_type = getattr(file, "content_type", "") or "application/octet-stream"
    if images_only or ext in IMAGE_EXTENSIONS:
        content_type = image_content_type(file)
        if content_type is None:
            raise ValidationFailed(details={"file": [
                _("“%(name)s” is not a valid image (JPEG, PNG, GIF or WebP).") % {"name": name}]})
    limit = IMAGE_MAX_MB if content_type in IMAGE_TYPES.values() else UPLOAD_MAX_MB
    if file.size > limit * MB:
        raise ValidationFailed(details={"file": [
            _("“%(name)s” is too large; the limit is %(limit)s MB.") % {"name": name, "limit": limit}]})
    return store(file, actor=actor, name=name, content_type=content_type)


def store(file, *, name, content_type, actor=None):
    """Private, under an unguessable name, uncommitted until the order (or its receipt, note…) is saved."""
    return files.store_file(file, name=name, size=file.size, content_type=content_type, actor=actor)
