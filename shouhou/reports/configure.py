"""Writes of the report settings (WOSET-R3…R5): per type, the report and print switches and templates; the
company's report header. Lock → policy → clean → write → system log, like every service (architecture §4)."""

import zipfile

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core import audit, clean, files
from shouhou.core.errors import ValidationFailed
from shouhou.core.permissions import require
from shouhou.workorders.queries import types as type_queries

from . import excel_fill, fields
from .models import ReportBranding, ReportSettings, TemplateKind

MANAGE = "workorder_settings.manage"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_LOGO_BYTES = 2 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PURPOSES = {"report": "report_template", "print": "print_template"}


def settings_for(order_type):
    """The type's settings, unsaved defaults while it has none."""
    found = ReportSettings.objects.filter(order_type=order_type).first()
    return found or ReportSettings(order_type=order_type)


def _locked(order_type):
    ReportSettings.objects.get_or_create(order_type=order_type)
    return ReportSettings.objects.select_for_update().get(order_type=order_type)


@transaction.atomic
def save_settings(*, actor, type_id, report_enabled, report_kind, report_fields=(), print_enabled,
                  print_kind, request=None):
    """Switch the type's report and printing on or off and choose their templates."""
    require(actor, MANAGE)
    order_type = type_queries.get_type(type_id)
    row = _locked(order_type)
    errors = {}
    kinds = set(TemplateKind.values)
    if report_kind not in kinds:
        errors["report_kind"] = [_("Select a valid choice.")]
    if print_kind not in kinds:
        errors["print_kind"] = [_("Select a valid choice.")]
    allowed = {key for key, _label in fields.choosable(order_type)}
    chosen = [str(key) for key in (report_fields or [])]
    if any(key not in allowed for key in chosen):
        errors["report_fields"] = [_("Unknown field.")]
    if report_enabled and report_kind == TemplateKind.CUSTOM and not row.report_template:
        errors["report_kind"] = [_("Upload the report template first.")]
    if print_enabled and print_kind == TemplateKind.CUSTOM and not row.print_template:
        errors["print_kind"] = [_("Upload the print template first.")]
    clean.raise_if(errors)
    before = _snapshot(row)
    row.report_enabled, row.report_kind, row.report_fields = bool(report_enabled), report_kind, chosen
    row.print_enabled, row.print_kind = bool(print_enabled), print_kind
    row.version += 1
    row.save()
    _log(actor, request, order_type, before, _snapshot(row))
    return row


def _snapshot(row):
    return {"report_enabled": row.report_enabled, "report_kind": row.report_kind,
            "report_fields": list(row.report_fields), "print_enabled": row.print_enabled,
            "print_kind": row.print_kind, "report_template": (row.report_template or {}).get("name", ""),
            "print_template": (row.print_template or {}).get("name", "")}


def _log(actor, request, order_type, before, after):
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        audit.log(audit.SystemLog.Kind.SETTINGS, user=actor, request=request,
                  action=_("Changed the service report settings of %(type)s") % {"type": order_type.name},
                  detail={"changes": changes})


def check_template(data, order_type):
    """Refuse a file that is not an Excel workbook or uses keys the type's dictionary does not have."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationFailed(details={"file": [_("The file is larger than 5 MB.")]})
    try:
        workbook = excel_fill.open_template(data)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ValidationFailed(details={"file": [_("The file is not an Excel workbook (.xlsx).")]})
    used = excel_fill.placeholders(workbook)
    if not used:
        raise ValidationFailed(details={"file": [_("The template has no field keys; put keys from the field "
                                                   "dictionary in its cells.")]})
    known = {entry.key for entry in fields.dictionary(order_type)}
    unknown = sorted(used - known)
    if unknown:
        raise ValidationFailed(details={"file": [_("Unknown field keys: %(keys)s") % {"keys": "、".join(unknown[:10])}]})
    return workbook


@transaction.atomic
def upload_template(*, actor, type_id, purpose, upload, request=None):
    """Store the company's Excel template for the type's report or printing and select it."""
    require(actor, MANAGE)
    if purpose not in PURPOSES:
        raise ValidationFailed(details={"purpose": [_("Select a valid choice.")]})
    order_type = type_queries.get_type(type_id)
    row = _locked(order_type)
    if upload is None:
        raise ValidationFailed(details={"file": [clean.REQUIRED]})
    name = clean.text(upload.name, 200, "file", errors := {})
    clean.raise_if(errors)
    if not name.lower().endswith(".xlsx"):
        raise ValidationFailed(details={"file": [_("The file is not an Excel workbook (.xlsx).")]})
    upload.seek(0)
    data = upload.read(MAX_TEMPLATE_BYTES + 1)
    check_template(data, order_type)
    before = _snapshot(row)
    attribute = PURPOSES[purpose]
    old = getattr(row, attribute)
    setattr(row, attribute, files.store_file(upload, name=name, size=len(data), content_type=XLSX, actor=actor))
    if purpose == "report":
        row.report_kind = TemplateKind.CUSTOM
    else:
        row.print_kind = TemplateKind.CUSTOM
    row.version += 1
    row.save()
    files.release(old)
    _log(actor, request, order_type, before, _snapshot(row))
    return row


@transaction.atomic
def remove_template(*, actor, type_id, purpose, request=None):
    """Delete the type's uploaded template; the system template takes its place."""
    require(actor, MANAGE)
    if purpose not in PURPOSES:
        raise ValidationFailed(details={"purpose": [_("Select a valid choice.")]})
    order_type = type_queries.get_type(type_id)
    row = _locked(order_type)
    before = _snapshot(row)
    attribute = PURPOSES[purpose]
    files.release(getattr(row, attribute))
    setattr(row, attribute, {})
    setattr(row, f"{purpose}_kind", TemplateKind.SYSTEM)
    row.version += 1
    row.save()
    _log(actor, request, order_type, before, _snapshot(row))
    return row


def branding():
    return ReportBranding.objects.first() or ReportBranding()


@transaction.atomic
def save_branding(*, actor, footer="", logo=None, remove_logo=False, request=None):
    """The report header: the company's logo (PNG or JPEG up to 2 MB) and a footer line."""
    require(actor, MANAGE)
    ReportBranding.objects.get_or_create()
    row = ReportBranding.objects.select_for_update().get()
    errors = {}
    footer = clean.text(footer, 200, "footer", errors)
    data = None
    if logo is not None:
        logo.seek(0)
        data = logo.read(MAX_LOGO_BYTES + 1)
        content_type = _image_type(data)
        if len(data) > MAX_LOGO_BYTES or content_type is None:
            errors["logo"] = [_("Upload a PNG or JPEG image of at most 2 MB.")]
    clean.raise_if(errors)
    old = row.logo
    if data is not None:
        row.logo = files.store_file(logo, name=clean.text(logo.name, 200, "logo", {}) or "logo",
                                    size=len(data), content_type=content_type, actor=actor)
    elif remove_logo:
        row.logo = {}
    changed = row.footer != footer or row.logo != old
    row.footer = footer
    row.version += 1
    row.save()
    if row.logo != old:
        files.release(old)
    if changed:
        audit.log(audit.SystemLog.Kind.SETTINGS, user=actor, request=request,
                  action=_("Changed the service report header"), detail={"footer": footer})
    return row


def _image_type(data):
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None
