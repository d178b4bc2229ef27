"""REST API of the service reports (issue 12):

- `POST /work-orders/{id}/report` — generate (or regenerate) the order's report in the background (202);
  `GET /work-orders/{id}/report` — the PDF (409 `report_not_ready` while it is being made);
  `GET /work-orders/{id}/report/status` — its state; `POST /work-orders/{id}/report/send` — to the customer.
- `GET /report-templates` — every type's report and print settings; `PUT /report-templates/{type_id}` —
  change them; `GET /report-templates/{type_id}/dictionary` — the field dictionary (JSON, or the workbook
  with `?format=xlsx`); `POST /report-templates/{type_id}/upload` — an Excel template, base64 in JSON.
"""

import base64
import binascii
from datetime import datetime
from typing import Literal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from shouhou.core import files
from shouhou.core.api_types import Id, NonBlank
from shouhou.core.api_utils import ERRORS
from shouhou.core.errors import Conflict, NotFound, ValidationFailed
from shouhou.core.permissions import require
from shouhou.workorders.queries import types as type_queries

from . import configure, fields, queries, sample, services
from .models import ServiceReport

router = Router(tags=["reports"])
PDF_RESPONSE = {"responses": {"200": {"description": "The report as a PDF", "content": {"application/pdf": {}}}}}
XLSX_RESPONSE = {"responses": {"200": {"description": "JSON, or an Excel workbook with ?format=xlsx", "content": {
    "application/json": {}, configure.XLSX: {}}}}}
MAX_BASE64 = configure.MAX_TEMPLATE_BYTES * 4 // 3 + 4


class FileOut(Schema):
    name: str
    size: int


class ReportOut(Schema):
    order_id: int
    status: Literal["pending", "ready", "failed"]
    template: Literal["system", "custom"]
    generated_at: datetime | None
    error: str
    has_excel: bool
    sent_at: datetime | None
    sent_to: str


class GenerateIn(Schema):
    send: bool = Field(False, description="send it to the customer once made (SMS link; e-mail when set up)")


class SendIn(Schema):
    phone: str = Field("", max_length=30, description="mobile number; empty = the order's contact phone")


class TemplateSettingsOut(Schema):
    type_id: int
    type_name: str
    report_enabled: bool
    report_kind: Literal["system", "custom"]
    report_fields: list[str]
    print_enabled: bool
    print_kind: Literal["system", "custom"]
    report_template: FileOut | None
    print_template: FileOut | None


class TemplateSettingsIn(Schema):
    report_enabled: bool
    report_kind: Literal["system", "custom"] = "system"
    report_fields: list[str] = Field([], max_length=500, description="keys from the dictionary (system "
                                     "template); empty = every field")
    print_enabled: bool = True
    print_kind: Literal["system", "custom"] = "system"


class UploadIn(Schema):
    purpose: Literal["report", "print"]
    name: NonBlank = Field(max_length=200, description="the file name, ending in .xlsx")
    content_base64: str = Field(max_length=MAX_BASE64, description="the .xlsx file, base64 (at most 5 MB)")


class EntryOut(Schema):
    key: str
    placeholder: str
    label: str
    section: str


class DictionaryQuery(Schema):
    format: Literal["json", "xlsx"] = "json"


def _report_out(order, report):
    return {"order_id": order.pk, "status": report.status, "template": report.kind, "generated_at": report.generated_at,
            "error": report.error, "has_excel": bool(report.xlsx), "sent_at": report.sent_at,
            "sent_to": report.sent_to}


@router.post("/work-orders/{int:order_id}/report", response={202: ReportOut, **ERRORS})
def generate(request, order_id: Id, payload: GenerateIn | None = None):
    """Generate the completed order's report in the background (again after edits); 409
    `report_unavailable` when the order is not completed or its type has reports off."""
    report = services.generate(actor=request.auth, order_id=order_id, send=bool(payload and payload.send))
    report.refresh_from_db()
    return Status(202, _report_out(report.order, report))


@router.get("/work-orders/{int:order_id}/report", response={200: None, **ERRORS}, openapi_extra=PDF_RESPONSE)
def report_pdf(request, order_id: Id):
    """The report's PDF; 404 when the order has none, 409 `report_not_ready` while it is being made."""
    require(request.auth, "workorder.view")
    order, report = queries.report_of(request.auth, order_id)
    if report is None:
        raise NotFound(_("The work order has no service report yet."))
    path = files.path_of(report.pdf.get("url")) if report.status == ServiceReport.Status.READY else None
    if not path:
        raise Conflict(_("The service report is not ready yet."), code="report_not_ready",
                       details={"status": [report.status]})
    response = files.file_response(path, name=report.pdf.get("name") or f"{order.number}.pdf",
                                   content_type=services.PDF, as_attachment=True)
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/work-orders/{int:order_id}/report/status", response={200: ReportOut, **ERRORS})
def report_status(request, order_id: Id):
    require(request.auth, "workorder.view")
    order, report = queries.report_of(request.auth, order_id)
    if report is None:
        raise NotFound(_("The work order has no service report yet."))
    return _report_out(order, report)


@router.post("/work-orders/{int:order_id}/report/send", response={200: ReportOut, **ERRORS})
def send(request, order_id: Id, payload: SendIn | None = None):
    """Send the ready report to the customer; needs report.send."""
    report = services.send(actor=request.auth, order_id=order_id, phone=payload.phone if payload else "")
    return _report_out(report.order, report)


# --- templates ------------------------------------------------------------------------------------------------

def _file_out(reference):
    return {"name": reference.get("name", ""), "size": reference.get("size") or 0} if reference else None


def _settings_out(order_type, row):
    return {"type_id": order_type.pk, "type_name": order_type.name, "report_enabled": row.report_enabled,
            "report_kind": row.report_kind, "report_fields": list(row.report_fields),
            "print_enabled": row.print_enabled, "print_kind": row.print_kind,
            "report_template": _file_out(row.report_template), "print_template": _file_out(row.print_template)}


@router.get("/report-templates", response={200: list[TemplateSettingsOut], **ERRORS})
def list_templates(request):
    """Every work-order type's report and print settings; needs workorder_settings.manage."""
    require(request.auth, configure.MANAGE)
    return [_settings_out(t, configure.settings_for(t)) for t in type_queries.all_types()]


@router.put("/report-templates/{int:type_id}", response={200: TemplateSettingsOut, **ERRORS})
def update_template_settings(request, type_id: Id, payload: TemplateSettingsIn):
    row = configure.save_settings(actor=request.auth, type_id=type_id, **payload.dict())
    return _settings_out(row.order_type, row)


@router.get("/report-templates/{int:type_id}/dictionary", response={200: list[EntryOut], **ERRORS},
            openapi_extra=XLSX_RESPONSE)
def dictionary(request, type_id: Id, query: Query[DictionaryQuery]):
    """The type's field dictionary: every system and custom field with its placeholder key."""
    require(request.auth, configure.MANAGE)
    order_type = type_queries.get_type(type_id)
    if query.format == "xlsx":
        response = HttpResponse(sample.dictionary_workbook(order_type), content_type=configure.XLSX)
        response["Content-Disposition"] = content_disposition_header(True, f"dictionary-{order_type.pk}.xlsx")
        return response
    return [{"key": e.key, "placeholder": e.placeholder, "label": e.label, "section": e.section}
            for e in fields.dictionary(order_type)]


@router.post("/report-templates/{int:type_id}/upload", response={200: TemplateSettingsOut, **ERRORS})
def upload(request, type_id: Id, payload: UploadIn):
    """Upload the type's Excel template (base64) for its report or printing and select it."""
    try:
        data = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(details={"content_base64": [_("Send the file as base64.")]})
    upload_file = SimpleUploadedFile(payload.name, data, content_type=configure.XLSX)
    row = configure.upload_template(actor=request.auth, type_id=type_id, purpose=payload.purpose, upload=upload_file)
    return _settings_out(row.order_type, row)

