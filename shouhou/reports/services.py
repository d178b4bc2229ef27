"""A work order's service report (WO-30, WOSET-R3/R4): generate (a job), rebuild after edits, send to the
customer (SMS link to a signed, expiring URL; e-mail when configured), revoke the links sent.

`request_report` marks the report pending and queues `tasks.build_report` after commit; `build` renders
the PDF (and the .xlsx of an Excel template) and stores them as private files owned by the report.
"""

import logging
from io import BytesIO

from django.conf import settings as django_settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core import files, timeline
from shouhou.core.errors import Conflict, DomainError, ValidationFailed
from shouhou.core.permissions import require
from shouhou.messaging.services import send_sms
from shouhou.workorders.models import Status, WorkOrder
from shouhou.workorders.queries import orders as order_queries

from . import configure, excel_fill, fields, links, pdf_base, pdf_sheet, pdf_system
from .models import ServiceReport, TemplateKind, new_link_nonce

log = logging.getLogger(__name__)
DONE = {Status.FINISHED, Status.SETTLED, Status.VISITED, Status.CLOSED}
PDF = "application/pdf"


def report_refusal(order):
    """Why the order can have no report now, or None."""
    if order.status not in DONE:
        return _("A service report is made once the work order is completed.")
    if not configure.settings_for(order.order_type).report_enabled:
        return _("Service reports are off for this work-order type.")
    return None


@transaction.atomic
def generate(*, actor, order_id, send=False):
    """Make (or remake) the order's report in the background; the order as the actor may see it."""
    require(actor, "workorder.view")
    order = order_queries.get_work_order(actor, order_id)
    refusal = report_refusal(order)
    if refusal:
        raise Conflict(refusal, code="report_unavailable")
    return request_report(order, actor=actor, send=send)


def request_report(order, *, actor=None, send=False, queue=True):
    """Mark the report pending and queue the job (after commit; `queue=False`: the caller builds it).
    Callers have checked the order."""
    from . import tasks

    ServiceReport.objects.get_or_create(order=order)
    report = ServiceReport.objects.select_for_update().get(order=order)
    report.status, report.error = ServiceReport.Status.PENDING, ""
    report.save(update_fields=["status", "error", "updated_at"])
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    tenant_id = order.tenant_id
    if queue:
        transaction.on_commit(lambda: tasks.build_report(tenant_id, report.pk, send=send, actor_id=actor_id))
    return report


def build(report_id, *, send=False, actor=None):
    """Render and store the report's files (run by the job); a failure is recorded, not raised."""
    with transaction.atomic():
        report = ServiceReport.objects.select_for_update().select_related("order__order_type").filter(
            pk=report_id).first()
        if report is None:
            return None
        order = WorkOrder.objects.select_related("order_type", "customer", "product", "assignee", "created_by",
                                                 "service_type", "service_content").get(pk=report.order_id)
        setting = configure.settings_for(order.order_type)
        try:
            pdf, xlsx, kind = _render(order, setting)
        except Exception as exc:  # a template openpyxl or ReportLab cannot handle: recorded, shown on the page
            log.warning("service report %s failed", report_id, exc_info=True)
            reason = exc.message if isinstance(exc, DomainError) else _(
                "The template could not be used; check it in Excel and upload it again.")
            report.status, report.error = ServiceReport.Status.FAILED, str(reason)[:300]
            report.save(update_fields=["status", "error", "updated_at"])
            return report
        old = [report.pdf, report.xlsx]
        name = _("Service report %(number)s") % {"number": order.number}
        report.pdf = files.store_file(BytesIO(pdf), name=f"{name}.pdf", size=len(pdf), content_type=PDF)
        report.xlsx = files.store_file(BytesIO(xlsx), name=f"{name}.xlsx", size=len(xlsx),
                                       content_type=configure.XLSX) if xlsx else {}
        report.kind, report.status, report.error = kind, ServiceReport.Status.READY, ""
        report.order_version, report.generated_at = order.version, timezone.now()
        report.save()
        for reference in old:
            files.release(reference)
        timeline.record(actor=actor, obj=order, verb="report_generated", summary=_("Generated the service report"))
    if send:
        try:
            send_report(report, actor=actor)
        except DomainError as exc:  # no phone, quota used up …: the report stays, the page offers 发送
            log.info("service report %s not sent: %s", report_id, exc)
    return report


def _render(order, setting):
    values = fields.values(order)
    if setting.report_kind == TemplateKind.CUSTOM and setting.report_template:
        workbook = excel_fill.fill(read_file(setting.report_template), values)
        xlsx = excel_fill.to_bytes(workbook)
        return pdf_sheet.render(workbook, title=order.number), xlsx, TemplateKind.CUSTOM
    brand = configure.branding()
    survey = fields.survey_url(order)
    pdf = pdf_system.render(order=order, values=values, chosen=setting.report_fields,
                            logo=pdf_base.image_bytes(brand.logo), footer=brand.footer,
                            survey_link=links.absolute(survey) if survey.startswith("/") else survey)
    return pdf, None, TemplateKind.SYSTEM


def read_file(reference):
    from django.core.files.storage import default_storage

    path = files.path_of((reference or {}).get("url"))
    if not path:
        raise ValidationFailed(_("The template file is missing; upload it again."))
    try:
        with default_storage.open(path, "rb") as handle:
            return handle.read()
    except OSError:
        raise ValidationFailed(_("The template file is missing; upload it again."))


def print_pdf(*, actor, order_id):
    """Printing with the type's uploaded print template (R5): the filled template as a PDF."""
    require(actor, "workorder.view")
    order = order_queries.get_work_order(actor, order_id)
    setting = configure.settings_for(order.order_type)
    if not setting.print_enabled or setting.print_kind != TemplateKind.CUSTOM or not setting.print_template:
        raise Conflict(_("This work-order type prints with the system template."), code="no_print_template")
    workbook = excel_fill.fill(read_file(setting.print_template), fields.values(order))
    return order, pdf_sheet.render(workbook, title=order.number)


# --- sending and links ----------------------------------------------------------------------------------

@transaction.atomic
def send(*, actor, order_id, phone="", request=None):
    """Send the ready report to the customer: an SMS with the link to `phone` (the order's contact phone by
    default) and an e-mail to the contact when e-mail is configured."""
    require(actor, "report.send")
    order = order_queries.get_work_order(actor, order_id)
    report = ServiceReport.objects.select_for_update().filter(order=order).first()
    if report is None or report.status != ServiceReport.Status.READY:
        raise Conflict(_("The service report is not ready yet."), code="report_not_ready")
    return send_report(report, actor=actor, phone=phone, request=request)


def send_report(report, *, actor=None, phone="", request=None):
    order = report.order
    errors = {}
    phone = (phone or "").strip() or order.contact_phone
    if not phone:
        errors["phone"] = [_("The work order has no contact phone; enter a number.")]
    if errors:
        raise ValidationFailed(details=errors)
    url = links.public_url(report, request)
    company = order.tenant.display_name
    text = _("[%(company)s] The service report of your work order %(number)s: %(url)s") % {
        "company": company, "number": order.number, "url": url}
    message = send_sms(phone=phone, content=text, actor=actor, purpose="report.send")
    if message is not None and message.status == message.Status.FAILED:
        raise ValidationFailed(details={"phone": [_("The SMS could not be sent: %(error)s") % {"error": message.error}]})
    recipients = [phone]
    email = _contact_email(order)
    if email and django_settings.EMAIL_ENABLED:
        _email(report, email, text)
        recipients.append(email)
    report.sent_at, report.sent_to = timezone.now(), "、".join(recipients)[:200]
    report.save(update_fields=["sent_at", "sent_to", "updated_at"])
    timeline.record(actor=actor, obj=order, verb="report_sent",
                    summary=_("Sent the service report to %(to)s") % {"to": report.sent_to})
    return report


def _contact_email(order):
    """The e-mail of the order's contact: its contact record, else the customer's contact with its phone."""
    from shouhou.customers.models import Contact

    if order.contact_id:
        return Contact.objects.filter(pk=order.contact_id).values_list("email", flat=True).first() or ""
    return (Contact.objects.filter(customer_id=order.customer_id, phone=order.contact_phone).exclude(email="")
            .values_list("email", flat=True).first() or "") if order.contact_phone else ""


def _email(report, address, text):
    from django.core.files.storage import default_storage

    message = EmailMessage(subject=_("Service report %(number)s") % {"number": report.order.number}, body=text,
                           to=[address])
    path = files.path_of(report.pdf.get("url"))
    if path:
        with default_storage.open(path, "rb") as handle:
            message.attach(report.pdf.get("name") or "report.pdf", handle.read(), PDF)
    try:
        message.send()
    except OSError as exc:
        log.warning("service report e-mail to %s failed: %s", address, exc)


@transaction.atomic
def revoke_links(*, actor, order_id):
    """Make every link sent before invalid (a new nonce)."""
    require(actor, "report.send")
    order = order_queries.get_work_order(actor, order_id)
    report = ServiceReport.objects.select_for_update().filter(order=order).first()
    if report is None:
        raise Conflict(_("The work order has no service report yet."), code="report_not_ready")
    report.link_nonce = new_link_nonce()
    report.save(update_fields=["link_nonce", "updated_at"])
    timeline.record(actor=actor, obj=order, verb="report_links_revoked",
                    summary=_("Revoked the service report links sent to the customer"))
    return report
