"""The receipt (回执) of an order: cleaning it (content, files, signature image, custom fields),
storing it, and the draft the assignee keeps while working (暂存)."""

import base64
import binascii
import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core import (
    forms_engine,
)
from shouhou.core.errors import (
    ValidationFailed,
)
from shouhou.core.forms_engine.kinds import FieldError
from shouhou.core.forms_engine.kinds.files import clean_ref

from .. import flow, policy
from ..models import (
    Receipt,
)
from . import kernel, receipt_lines, uploads

SIGNATURE_DATA_URL = re.compile(r"^data:image/(png|jpeg);base64,([A-Za-z0-9+/=\s]+)$")


def clean_receipt(actor, order, receipt, *, content, attachments, signature, fields, final):
    errors = {}
    options = order.order_type.receipt_options or {}
    content = kernel.clean_text(content, "content", required=final, limit=kernel.MAX_TEXT, errors=errors)
    refs = kernel.clean_file_refs(attachments, "attachments", errors)
    if final and options.get("require_attachments") and not refs:
        errors["attachments"] = [_("Attach at least one photo or file.")]
    signature_ref = _clean_signature(signature, errors)
    if final and options.get("require_signature") and not signature_ref:
        errors["signature"] = [_("The customer's signature is required.")]
    previous = receipt.fields if receipt is not None else {}
    schema = forms_engine.get_schema(order.order_type.receipt_target)
    data = previous if fields is None else fields
    try:
        cleaned = forms_engine.validate_values(schema, data or {}, partial=not final, previous=previous,
                                               error_prefix="fields.", actor=actor)
        custom = cleaned if final else forms_engine.merge_values(previous, cleaned)
    except ValidationFailed as exc:
        kernel.merge_validation(errors, exc)
        custom = {}
    if errors:
        raise ValidationFailed(details=errors)
    if isinstance(signature_ref, ContentFile):
        signature_ref = uploads.store(signature_ref, name=signature_ref.name, content_type=signature_ref.content_type)
    return {"content": content, "attachments": refs, "signature": signature_ref or {}, "fields": custom}


def _clean_signature(signature, errors):
    """A stored-file reference, or a checked data-URL image waiting to be stored (ContentFile)."""
    if signature in (None, "", {}):
        return None
    if isinstance(signature, str):
        match = SIGNATURE_DATA_URL.match(signature.strip())
        try:
            data = base64.b64decode(re.sub(r"\s", "", match.group(2)), validate=True) if match else b""
        except (binascii.Error, ValueError):
            data = b""
        file = ContentFile(data, name="signature.png" if match and match.group(1) == "png" else "signature.jpg")
        content_type = uploads.image_content_type(file) if data and len(data) <= 2 * uploads.MB else None
        if content_type not in ("image/png", "image/jpeg"):
            errors["signature"] = [_("The signature must be a PNG or JPEG image of at most 2 MB.")]
            return None
        file.content_type = content_type
        return file
    try:
        return clean_ref(signature)
    except FieldError as exc:
        errors["signature"] = exc.messages
        return None


def store_receipt(actor, order, receipt, values, *, draft, now=None, hold=False):
    """Write the receipt; with `hold` (a draft) its parts are reserved at the stock place."""
    receipt = receipt or Receipt(tenant_id=order.tenant_id, order=order)
    receipt.content, receipt.attachments = values["content"], values["attachments"]
    receipt.signature, receipt.fields, receipt.is_draft = values["signature"], values["fields"], draft
    if "lines" in values:
        receipt.lines = values["lines"]
    if hold:
        receipt_lines.hold(order, receipt, receipt.lines)
    if not draft:
        receipt.submitted_at, receipt.submitted_by = now, actor
    receipt.save()
    order.receipt = receipt  # the order's cached receipt is this one from now on
    return receipt


def log_overrides(actor, order, lines):
    """A changed unit price or discount (WOSET-R2) goes into the order's history with its reason."""
    summary = receipt_lines.override_summary(lines)
    if summary:
        kernel.record(actor, order, "fees_changed", _("Changed receipt prices: %(lines)s") % {"lines": summary})


@transaction.atomic
def save_receipt_draft(*, actor, order, content="", attachments=(), signature=None, fields=None, parts=None,
                       service_items=None, old_parts=None):
    """暂存: keep the receipt as typed so far; nothing is required yet. Its parts are reserved at the stock
    place (不可用数量) until the order is completed or the lines change; refused when a line exceeds what
    is available."""
    order = kernel.lock(actor, order)
    policy.require(actor, order, "receipt_draft")
    if order.status not in flow.WORKING_STATUSES:
        raise flow.NotAllowed(_("The receipt can be filled in once the work order is accepted."))
    receipt = kernel.receipt_of(order)
    if receipt is not None and not receipt.is_draft:
        raise flow.NotAllowed(_("The receipt has already been submitted."))
    values = clean_receipt(actor, order, receipt, content=content, attachments=attachments, signature=signature,
                            fields=fields, final=False)
    lines = receipt_lines.clean(actor, order, parts=parts, service_items=service_items, old_parts=old_parts,
                                previous=receipt.lines if receipt is not None else ())
    if lines is not None:
        values["lines"] = lines
        log_overrides(actor, order, lines)
    receipt = store_receipt(actor, order, receipt, values, draft=True, hold=lines is not None)
    kernel.record(actor, order, "receipt_draft", _("Saved the receipt draft"))
    return receipt
