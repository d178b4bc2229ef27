"""Attachment, image and signature kinds, and the one place that stores uploaded files.

A stored file is referenced as {"name", "url", "size", "content_type"}. Uploads (from a form, or a
signature pad's data URL) are checked while validating and written to storage only once the whole
value set is valid (`store_pending`), so a refused form leaves no files behind.
"""

import base64
import binascii
import os
import re
from dataclasses import dataclass
from typing import Annotated

from annotated_types import Len
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field

from shouhou.core import files

from .base import FieldError, Kind, Rule, base_form_kwargs, register

MB = 1024 * 1024
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
SIGNATURE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
# Served from our own origin, these could run script in a user's session, or carry malware.
BLOCKED_EXTENSIONS = {".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".js", ".mjs", ".exe",
                      ".bat", ".cmd", ".com", ".scr", ".msi", ".ps1", ".vbs", ".jar", ".sh", ".php"}
DATA_URL_RE = re.compile(r"^data:(image/(?:png|jpeg));base64,([A-Za-z0-9+/=\s]+)$")
SAFE_URL_RE = re.compile(r"^(?:https?://[^\s]+|/(?!/)[^\s]*)$")
REF_KEYS = {"name", "url", "size", "content_type"}


class FileRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=500)
    size: int = Field(ge=0)
    content_type: str = Field("", max_length=100)


@dataclass
class PendingUpload:
    """A checked upload waiting to be written to storage."""

    file: File
    name: str
    size: int
    content_type: str

    public: bool = False

    def store(self):
        return store_file(self.file, name=self.name, size=self.size, content_type=self.content_type,
                          public=self.public)


def store_file(file, *, name, size, content_type, public=False):
    """Write `file` for the active company (core.files: private, unguessable, counted against the quota)."""
    return files.store_file(file, name=name, size=size, content_type=content_type, public=public)


def image_type(file, allowed):
    """The content type Pillow reads from the bytes (never the client's claim), or None."""
    try:
        file.seek(0)
        with Image.open(file) as image:
            image.verify()
            kind = allowed.get(image.format)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind = None
    file.seek(0)
    return kind


def _extension(name):
    return os.path.splitext(name)[1].lower()


def clean_ref(item):
    """A stored-file reference from API input, or FieldError."""
    if isinstance(item, BaseModel):
        item = item.model_dump()
    if not isinstance(item, dict) or set(item) - REF_KEYS or not {"name", "url"} <= set(item):
        raise FieldError(_("Each file must be an uploaded file reference with name, url, size and content_type."))
    name, url = str(item["name"]).strip(), str(item["url"]).strip()
    size, content_type = item.get("size", 0), str(item.get("content_type") or "").strip()
    if not name or len(name) > 200 or len(content_type) > 100:
        raise FieldError(_("The file reference has an invalid name or type."))
    if not SAFE_URL_RE.match(url) or len(url) > 500:
        raise FieldError(_("The file reference has an invalid address."))
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise FieldError(_("The file reference has an invalid size."))
    return {"name": name, "url": url, "size": size, "content_type": content_type}


def _refs(value):
    return [ref for ref in value or [] if isinstance(ref, dict)] if isinstance(value, list) else []


class FileKind(Kind):
    group = "advanced"
    multiple_allowed = True
    sortable = False
    filterable = False
    importable = False
    filter_ops = ("isnull",)  # "has attachments" / "has none"
    verify_images = False  # images are identified from their bytes

    def check_file(self, field, *, name, size, content_type):
        """Messages for a file that breaks the field's limits."""
        limit = field.rule("max_size_mb")
        if size > limit * MB:
            return [_("“%(name)s” is too large (%(size)s); the limit is %(limit)s MB.")
                    % {"name": name, "size": filesizeformat(size), "limit": limit}]
        return self.check_type(field, name=name, content_type=content_type)

    def check_type(self, field, *, name, content_type):
        raise NotImplementedError

    def upload(self, field, file):
        """Check an uploaded file; return it as a PendingUpload or raise FieldError."""
        name = os.path.basename(getattr(file, "name", "") or "file")
        content_type = getattr(file, "content_type", "") or ""
        if self.verify_images:
            content_type = image_type(file, IMAGE_TYPES) or ""
            if not content_type:
                raise FieldError(_("“%(name)s” is not a valid image (JPEG, PNG, GIF or WebP).") % {"name": name})
        problems = self.check_file(field, name=name, size=file.size, content_type=content_type)
        if problems:
            raise FieldError(*problems)
        return PendingUpload(file, name, file.size, content_type)

    def clean(self, field, value, previous=None):
        items = value if isinstance(value, (list, tuple)) else [value]
        limit = field.rule("max_count") if field.multiple else 1
        if len(items) > limit:
            raise FieldError(_("Attach at most %(limit)d files.") % {"limit": limit})
        stored_before = {ref.get("url") for ref in _refs(previous)}
        cleaned = []
        for item in items:
            if isinstance(item, File):
                cleaned.append(self.upload(field, item))
                continue
            ref = clean_ref(item)
            if ref["url"] not in stored_before:
                problems = self.check_file(field, name=ref["name"], size=ref["size"],
                                           content_type=ref["content_type"])
                if problems:
                    raise FieldError(*problems)
            cleaned.append(ref)
        return cleaned

    def store_pending(self, field, value):
        return [item.store() if isinstance(item, PendingUpload) else item for item in value]

    def form_field(self, field, *, refs, value=None):
        widget = FileRefsWidget(accept=self.accept_attr(field), multiple=field.multiple, images=self.verify_images)
        return FileRefsField(widget=widget, **base_form_kwargs(field))

    def accept_attr(self, field):
        return ""

    def annotation(self, field):
        limit = field.rule("max_count") if field.multiple else 1
        return Annotated[list[FileRef], Len(max_length=limit)]

    def display_text(self, field, value, refs):
        return ", ".join(ref["name"] for ref in value)

    def display_html(self, field, value, refs):
        return format_html('<ul class="cf-files list-unstyled mb-0">{}</ul>', format_html_join(
            "", '<li><a href="{}" target="_blank" rel="noopener">{}</a> <small class="text-muted">{}</small></li>',
            ((ref["url"], ref["name"], filesizeformat(ref["size"])) for ref in value)))

    def export_cell(self, field, value, refs):
        return "\n".join(ref["url"] for ref in value)


MAX_SIZE = Rule(float, _("Largest file (MB)"), 20, 0.1, 100)
MAX_COUNT = Rule(int, _("Most files"), 9, 1, 50)


@register
class Attachment(FileKind):
    name = "attachment"
    label = _("Attachment")
    rules = {"max_size_mb": MAX_SIZE, "max_count": MAX_COUNT,
             "accept": Rule(list, _("Allowed extensions (e.g. .pdf)"), [])}

    def check_definition(self, field):
        blocked = [ext for ext in self.allowed(field) if ext in BLOCKED_EXTENSIONS]
        if blocked:
            return [("rules", _("These file types cannot be allowed: %(types)s.") % {"types": ", ".join(blocked)})]
        return []

    @staticmethod
    def allowed(field):
        return ["." + ext.strip().lstrip(".").lower() for ext in field.rule("accept")]

    def check_type(self, field, *, name, content_type):
        ext = _extension(name)
        if ext in BLOCKED_EXTENSIONS:
            return [_("Files of type %(ext)s are not allowed.") % {"ext": ext}]
        allowed = self.allowed(field)
        if allowed and ext not in allowed:
            return [_("“%(name)s” has a type that is not allowed; allowed types: %(types)s.")
                    % {"name": name, "types": ", ".join(allowed)}]
        return []

    def accept_attr(self, field):
        return ",".join(self.allowed(field))


@register
class ImageKind(FileKind):
    name = "image"
    label = _("Image")
    verify_images = True
    rules = {"max_size_mb": Rule(float, _("Largest image (MB)"), 10, 0.1, 50), "max_count": MAX_COUNT}

    def check_type(self, field, *, name, content_type):
        if content_type not in IMAGE_TYPES.values():
            return [_("“%(name)s” is not a valid image (JPEG, PNG, GIF or WebP).") % {"name": name}]
        return []

    def accept_attr(self, field):
        return ",".join(IMAGE_TYPES.values())

    def display_html(self, field, value, refs):
        return format_html('<div class="cf-images d-flex flex-wrap gap-2">{}</div>', format_html_join(
            "", '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" class="cf-thumb" '
                'loading="lazy"></a>', ((ref["url"], ref["url"], ref["name"]) for ref in value)))


@register
class Signature(Kind):
    name = "signature"
    label = _("Signature")
    group = "advanced"
    sortable = False
    filterable = False
    importable = False
    filter_ops = ("isnull",)
    rules = {"max_size_mb": Rule(float, _("Largest image (MB)"), 2, 0.1, 10)}

    def clean(self, field, value, previous=None):
        if isinstance(value, str):
            return self._from_data_url(field, value)
        if isinstance(value, File):
            return self._pending(field, value, os.path.basename(value.name or "signature.png"))
        ref = clean_ref(value)
        if ref != previous:
            if ref["content_type"] not in SIGNATURE_TYPES.values():
                raise FieldError(_("The signature must be a PNG or JPEG image."))
            if ref["size"] > field.rule("max_size_mb") * MB:
                raise FieldError(_("The signature image is too large."))
        return ref

    def _from_data_url(self, field, text):
        match = DATA_URL_RE.match(text.strip())
        if not match:
            raise FieldError(_("The signature must be a PNG or JPEG image."))
        try:
            data = base64.b64decode(re.sub(r"\s", "", match.group(2)), validate=True)
        except (binascii.Error, ValueError):
            raise FieldError(_("The signature image could not be read."))
        ext = ".png" if match.group(1) == "image/png" else ".jpg"
        return self._pending(field, ContentFile(data), f"signature{ext}")

    def _pending(self, field, file, name):
        size = file.size
        if size > field.rule("max_size_mb") * MB:
            raise FieldError(_("The signature image is too large."))
        content_type = image_type(file, SIGNATURE_TYPES)
        if not content_type:
            raise FieldError(_("The signature must be a PNG or JPEG image."))
        return PendingUpload(file, name, size, content_type)

    def store_pending(self, field, value):
        return value.store() if isinstance(value, PendingUpload) else value

    def form_field(self, field, *, refs, value=None):
        return SignatureField(widget=SignatureWidget(), **base_form_kwargs(field))

    def annotation(self, field):
        return FileRef | Annotated[str, Field(pattern=r"^data:image/(png|jpeg);base64,")]

    def display_text(self, field, value, refs):
        return value["name"]

    def display_html(self, field, value, refs):
        return format_html('<img src="{}" alt="{}" class="cf-signature">', value["url"], value["name"])

    def export_cell(self, field, value, refs):
        return value["url"]


# --- form widgets and fields ------------------------------------------------------------------------

class FileRefsWidget(forms.Widget):
    """Stored files with a keep-checkbox each, plus a file input for new ones."""

    template_name = "core/forms_engine/widgets/file_refs.html"
    needs_multipart_form = True

    def __init__(self, *, accept="", multiple=False, images=False):
        super().__init__()
        self.accept, self.multiple, self.images = accept, multiple, images

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        context["widget"].update(refs=_refs(value), accept=self.accept, multiple=self.multiple, images=self.images)
        return context

    def value_from_datadict(self, data, files, name):
        if f"{name}-present" not in data:
            return None  # the form did not render this input: keep what is stored
        kept = data.getlist(f"{name}-keep") if hasattr(data, "getlist") else data.get(f"{name}-keep", [])
        uploads = files.getlist(name) if hasattr(files, "getlist") else [f for f in [files.get(name)] if f]
        return list(kept), list(uploads)

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-present" not in data and name not in files

    def use_required_attribute(self, initial):
        return super().use_required_attribute(initial) and not initial  # stored files satisfy it


class FileRefsField(forms.FileField):
    """Cleans to the kept stored references plus the new uploads; the engine checks both."""

    def clean(self, data, initial=None):
        stored = _refs(initial)
        if data is None:
            value = stored
        else:
            kept, uploads = data
            value = [ref for ref in stored if ref["url"] in kept] + [upload for upload in uploads if upload]
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        return value

    def bound_data(self, data, initial):
        if data is None:
            return initial
        return [ref for ref in _refs(initial) if ref["url"] in data[0]]

    def has_changed(self, initial, data):
        if data is None:
            return False
        kept, uploads = data
        return bool(uploads) or {ref["url"] for ref in _refs(initial)} != set(kept)


class SignatureWidget(forms.Widget):
    """A signature pad (static JS fills the hidden data-URL input) with an image-upload fallback."""

    template_name = "core/forms_engine/widgets/signature.html"
    needs_multipart_form = True

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        context["widget"]["ref"] = value if isinstance(value, dict) else None
        return context

    def value_from_datadict(self, data, files, name):
        if data.get(f"{name}-clear"):
            return False
        return files.get(name) or data.get(name) or None

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name not in files and f"{name}-clear" not in data

    def use_required_attribute(self, initial):
        return False  # drawing on the pad fills the hidden input; the server checks "required"


class SignatureField(forms.FileField):
    def clean(self, data, initial=None):
        value = None if data is False else data or (initial if isinstance(initial, dict) else None)
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        return value

    def bound_data(self, data, initial):
        return initial if data in (None, False) or not isinstance(data, dict) else data

    def has_changed(self, initial, data):
        return data is not None
