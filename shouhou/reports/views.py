"""Pages of the service reports: the settings (per type: report and printing, templates, the field
dictionary; the company's report header), an order's report (generate, download, send), printing with an
uploaded template, and the customer's signed link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from shouhou.core import files
from shouhou.core.dialogs import show_error
from shouhou.core.errors import DomainError
from shouhou.core.permissions import has_perm, require
from shouhou.core.tenancy import tenant_context
from shouhou.workorders.queries import types as type_queries

from . import configure, links, queries, sample, services
from .forms import BrandingForm, SendForm, TemplateUploadForm, TypeSettingsForm
from .models import ServiceReport

MANAGE = configure.MANAGE


# --- settings ------------------------------------------------------------------------------------------------

@login_required
def settings_page(request):
    """服务报告与打印: every type's switches, and the report header."""
    require(request.user, MANAGE)
    brand = configure.branding()
    form = BrandingForm(initial={"footer": brand.footer})
    if request.method == "POST":
        form = BrandingForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                configure.save_branding(actor=request.user, footer=form.cleaned_data["footer"],
                                        logo=form.cleaned_data["logo"], remove_logo=form.cleaned_data["remove_logo"],
                                        request=request)
            except DomainError as exc:
                show_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(reverse("reports:settings"))
    rows = [{"type": order_type, "settings": configure.settings_for(order_type)}
            for order_type in type_queries.all_types()]
    return render(request, "reports/settings.html", {"rows": rows, "form": form, "brand": brand})


@login_required
def type_settings(request, pk):
    require(request.user, MANAGE)
    order_type = type_queries.get_type(pk)
    row = configure.settings_for(order_type)
    form = TypeSettingsForm(initial=_initial(row), order_type=order_type)
    if request.method == "POST":
        form = TypeSettingsForm(request.POST, order_type=order_type)
        if form.is_valid():
            try:
                configure.save_settings(actor=request.user, type_id=order_type.pk, request=request, **form.cleaned_data)
            except DomainError as exc:
                show_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(reverse("reports:type_settings", args=[order_type.pk]))
    uploads = {purpose: TemplateUploadForm(initial={"purpose": purpose}, prefix=purpose) for purpose in configure.PURPOSES}
    return _type_page(request, order_type, row, form, uploads)


def _initial(row):
    return {"report_enabled": row.report_enabled, "report_kind": row.report_kind, "report_fields": row.report_fields,
            "print_enabled": row.print_enabled, "print_kind": row.print_kind}


def _type_page(request, order_type, row, form, uploads, status=200):
    return render(request, "reports/type_settings.html", {
        "order_type": order_type, "row": row, "form": form, "uploads": uploads,
        "templates": {"report": row.report_template, "print": row.print_template},
    }, status=status)


@login_required
@require_POST
def template_upload(request, pk, purpose):
    require(request.user, MANAGE)
    order_type = type_queries.get_type(pk)
    if purpose not in configure.PURPOSES:
        raise Http404()
    upload_form = TemplateUploadForm(request.POST, request.FILES, prefix=purpose)
    if upload_form.is_valid():
        try:
            configure.upload_template(actor=request.user, type_id=order_type.pk, purpose=purpose,
                                      upload=upload_form.cleaned_data["file"], request=request)
        except DomainError as exc:
            show_error(upload_form, exc)
        else:
            messages.success(request, _("The template was uploaded and selected."))
            return HttpResponseRedirect(reverse("reports:type_settings", args=[order_type.pk]))
    row = configure.settings_for(order_type)
    uploads = {name: TemplateUploadForm(initial={"purpose": name}, prefix=name) for name in configure.PURPOSES}
    uploads[purpose] = upload_form
    form = TypeSettingsForm(initial=_initial(row), order_type=order_type)
    return _type_page(request, order_type, row, form, uploads, status=400)


@login_required
@require_POST
def template_remove(request, pk, purpose):
    require(request.user, MANAGE)
    if purpose not in configure.PURPOSES:
        raise Http404()
    configure.remove_template(actor=request.user, type_id=pk, purpose=purpose, request=request)
    messages.success(request, _("The template was removed; the system template is used."))
    return HttpResponseRedirect(reverse("reports:type_settings", args=[pk]))


@login_required
@require_safe
def template_file(request, pk, purpose):
    """The uploaded template itself (to edit it in Excel and upload it again)."""
    require(request.user, MANAGE)
    order_type = type_queries.get_type(pk)
    if purpose not in configure.PURPOSES:
        raise Http404()
    reference = getattr(configure.settings_for(order_type), configure.PURPOSES[purpose])
    path = files.path_of((reference or {}).get("url"))
    if not path:
        raise Http404()
    return files.file_response(path, name=reference.get("name") or "template.xlsx", content_type=configure.XLSX,
                               as_attachment=True)


@login_required
@require_safe
def dictionary(request, pk):
    """字段字典: the type's keys, with a sample template to start from."""
    require(request.user, MANAGE)
    order_type = type_queries.get_type(pk)
    return _download(sample.dictionary_workbook(order_type), configure.XLSX,
                     _("Field dictionary %(type)s.xlsx") % {"type": order_type.name})


def _download(data, content_type, name, attachment=True):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(attachment, name)
    response["Cache-Control"] = "private, no-store"
    return response


# --- an order's report ----------------------------------------------------------------------------------------

@login_required
def order_report(request, pk):
    """服务报告 of one order: state, download, generate again, send to the customer."""
    require(request.user, "workorder.view")
    order, report = queries.report_of(request.user, pk)
    form = SendForm()
    return render(request, "reports/order.html", {
        "order": order, "report": report, "refusal": services.report_refusal(order), "send_form": form,
        "can_send": has_perm(request.user, "report.send"),
        "pending": report is not None and report.status == ServiceReport.Status.PENDING,
    })


def _flashed(request, pk, call, success):
    """Run a service for the order: its refusal flashed (a missing order stays a 404), else `success`."""
    try:
        call()
    except DomainError as exc:
        if exc.status == 404:
            raise
        details = getattr(exc, "details", None) or {}
        messages.error(request, "；".join(str(m) for msgs in details.values() for m in msgs) or str(exc.message))
    else:
        messages.success(request, success())
    return HttpResponseRedirect(reverse("reports:order", args=[pk]))


@login_required
@require_POST
def order_generate(request, pk):
    return _flashed(request, pk, lambda: services.generate(actor=request.user, order_id=pk),
                    lambda: _("The service report is being generated."))


@login_required
@require_POST
def order_send(request, pk):
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(m) for msgs in form.errors.values() for m in msgs))
        return HttpResponseRedirect(reverse("reports:order", args=[pk]))
    sent = []
    return _flashed(request, pk, lambda: sent.append(services.send(
        actor=request.user, order_id=pk, phone=form.cleaned_data["phone"], request=request)),
        lambda: _("The service report was sent to %(to)s.") % {"to": sent[0].sent_to})


@login_required
@require_POST
def order_revoke(request, pk):
    return _flashed(request, pk, lambda: services.revoke_links(actor=request.user, order_id=pk),
                    lambda: _("The links sent before no longer open the report."))


def _report_file(request, pk, attribute):
    require(request.user, "workorder.view")
    _order, report = queries.report_of(request.user, pk)
    reference = getattr(report, attribute, None) if report is not None else None
    path = files.path_of((reference or {}).get("url"))
    if report is None or report.status != ServiceReport.Status.READY or not path:
        raise Http404()
    response = files.file_response(path, name=reference.get("name") or "report", content_type=reference.get(
        "content_type", ""), as_attachment=attribute == "xlsx" or request.GET.get("download") == "1")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def order_pdf(request, pk):
    return _report_file(request, pk, "pdf")


@login_required
@require_safe
def order_xlsx(request, pk):
    return _report_file(request, pk, "xlsx")


@login_required
@require_safe
def order_print(request, pk):
    """打印工单 with the type's uploaded print template (R5): the filled template as a PDF to print."""
    try:
        order, pdf = services.print_pdf(actor=request.user, order_id=pk)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return HttpResponseRedirect(reverse("workorders:print", args=[pk]))
    return _download(pdf, services.PDF, f"{order.number}.pdf", attachment=False)


# --- the customer's link ----------------------------------------------------------------------------------------

@require_safe
def public_pdf(request, token):
    """/r/<token>: the report's PDF to whoever holds a genuine, unexpired, unrevoked link."""
    try:
        tenant, report = queries.by_token(token)
    except links.Expired:
        return render(request, "reports/link_expired.html", status=410)
    except signing.BadSignature:
        raise Http404()
    if report is None:
        raise Http404()
    with tenant_context(tenant):
        path = files.path_of(report.pdf.get("url"))
        if not path:
            raise Http404()
        response = files.file_response(path, name=report.pdf.get("name") or "report.pdf", content_type=services.PDF,
                                       as_attachment=False)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
