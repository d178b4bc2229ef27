"""A part's picture (备件图片, PART-01): checked from its bytes (JPEG, PNG, GIF or WebP, at most
IMAGE_MAX_MB), stored privately through core.files in the part's transaction, owned by the part — so it
is served only by /files/<key> to users who may see parts (parts/file_owners.py). Replacing or removing
the picture, or deleting the part, releases the old file and its bytes from the company's quota
(core.files.release). The API sends a picture as base64 in JSON (`decode`)."""

import base64
import binascii
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from shouhou.core import files, timeline
from shouhou.core.forms_engine.kinds.files import IMAGE_TYPES, image_type
from shouhou.core.models import StoredFile

IMAGE_MAX_MB = 5
MAX_BASE64 = IMAGE_MAX_MB * files.MB * 4 // 3 + 4  # the longest base64 text of a picture within the limit


def decode(name, content_base64, errors):
    """An API picture ({"name", "content_base64"}) as an upload for `clean`, or None with an error."""
    try:
        data = base64.b64decode(content_base64 or "", validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data:
        errors["image"] = [_("Send the picture as base64.")]
        return None
    return SimpleUploadedFile(os.path.basename(name or "image")[:200] or "image", data)


def clean(file, errors):
    """The upload if it is an image within the limit (else an error under "image"), or None."""
    if file in (None, ""):
        return None
    name = os.path.basename(getattr(file, "name", "") or "image")[:200]
    if not hasattr(file, "read") or image_type(file, IMAGE_TYPES) is None:
        errors["image"] = [_("“%(name)s” is not a valid image (JPEG, PNG, GIF or WebP).") % {"name": name}]
        return None
    if file.size > IMAGE_MAX_MB * files.MB:
        errors["image"] = [_("“%(name)s” is too large; the limit is %(limit)s MB.") % {"name": name,
                                                                                    "limit": IMAGE_MAX_MB}]
        return None
    return file


def attach(actor, part, file, *, remove=False):
    """Inside the part's transaction: store `file` as its picture (or, with `remove`, take the picture
    off), with a timeline entry. The stored file is committed and owned by the part at once."""
    if file is None and not (remove and part.image_id):
        return
    release(part)
    if file is not None:
        name = os.path.basename(file.name or "image")[:200]
        ref = files.store_file(file, name=name, size=file.size, content_type=image_type(file, IMAGE_TYPES),
                               actor=actor)
        row = StoredFile.objects.get(key=files.KEY_RE.match(ref["url"]).group(1))
        StoredFile.objects.filter(pk=row.pk).update(owner_label="parts.part", owner_id=str(part.pk), committed=True)
        part.image = row
        summary = _("Changed the part's image")
    else:
        part.image = None
        summary = _("Removed the part's image")
    part.save(update_fields=["image", "updated_at"])
    timeline.record(actor=actor, obj=part, verb="part.updated", summary=summary)


def release(part):
    """Give the part's current picture back (file and quota), after the transaction commits."""
    if part.image_id:
        files.release({"url": files.file_url(part.image)})


def url(part):
    """The picture's address (/files/<key>), or None."""
    return files.file_url(part.image) if part.image_id else None
