"""Helpers shared by the work-order console views: dialogs, links to other apps, uploads, selections."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from shouhou.core.errors import DomainError, NotFound, ValidationFailed
from shouhou.core.http import back
from shouhou.core.permissions import has_perm

from ..models import Priority, Status
from ..queries import orders as order_queries
from ..services import uploads as upload_services

STATUS_CSS = {
    Status.PENDING: "text-bg-warning", Status.POOLED: "text-bg-warning", Status.ASSIGNED: "text-bg-info",
    Status.ACCEPTED: "text-bg-primary", Status.IN_PROGRESS: "text-bg-primary", Status.FINISHED: "text-bg-success",
    Status.SETTLED: "text-bg-success", Status.VISITED: "text-bg-success", Status.CLOSED: "text-bg-secondary",
    Status.CANCELLED: "text-bg-light border",
}
PRIORITY_CSS = {Priority.LOW: "text-muted", Priority.NORMAL: "", Priority.HIGH: "text-warning fw-semibold",
                Priority.URGENT: "text-danger fw-semibold"}


def url_or_empty(name, *args, **kwargs):
    """The URL of a page another app provides, or "" while it does not exist yet."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def designer_url(target):
    """The form designer of `target` ("workorder_type:<id>", "receipt:<id>", "component:<id>")."""
    return url_or_empty("core:form_designer", target)


def customer_url(customer_id):
    return url_or_empty("customers:detail", customer_id) if customer_id else ""


def product_url(product_id):
    return url_or_empty("products:detail", product_id) if product_id else ""


def render_modal(request, template, context, status=200):
    """A dialog: the fragment for htmx (it goes into #modal), else the fragment inside a console page.

    htmx does not swap 4xx answers, so a form with errors goes back to it as a 200.
    """
    if request.htmx:
        return render(request, template, context)
    return render(request, "workorders/modal_page.html", {**context, "fragment": template, "as_page": True},
                  status=status)


def finished(request, url=None):
    """After a successful dialog or action: go to `url`, or reload the page the user is on."""
    if request.htmx:
        return HttpResponseClientRedirect(url) if url else HttpResponseClientRefresh()
    return HttpResponseRedirect(url) if url else back(request)


def show_error(form, exc):
    """A service refusal on the form; a missing object stays a 404."""
    if isinstance(exc, NotFound):
        raise exc
    form.add_domain_error(exc)


def can(user, *codes):
    return {code.replace(".", "_"): has_perm(user, code) for code in codes}


def int_list(values):
    return [int(v) for v in values if str(v).strip().isdigit()]


def selected_orders(request):
    """The orders named by `ids` (GET or POST), all within the actor's scope — else 404."""
    ids = set(int_list(request.POST.getlist("ids") or request.GET.getlist("ids")))
    if not ids:
        raise DomainError(_("Select at least one work order."))
    orders = list(order_queries.list_work_orders(request.user).filter(pk__in=ids))
    if len(orders) != len(ids):
        raise NotFound()
    return orders


def store_uploads(actor, files, *, field="attachments"):
    """Store uploaded files through the backend's file helper; references for the service."""
    refs = []
    for file in files:
        try:
            refs.append(upload_services.store_upload(actor=actor, file=file))
        except ValidationFailed as exc:
            raise ValidationFailed(details={field: exc.details.get("file") or [exc.message]})
    return refs


def kept_files(request, current, name="attachments"):
    """Stored files the user left ticked on an edit form."""
    keep = set(request.POST.getlist(f"{name}-keep"))
    return [ref for ref in current or [] if ref.get("url") in keep]


def status_badge(order):
    return format_html('<span class="badge {}">{}</span>', STATUS_CSS.get(order.status, "text-bg-light"),
                       order.get_status_display())


def type_chip(order_type):
    return format_html('<span class="type-dot" style="background: {}"></span> {}', order_type.color, order_type.name)


def flash_done(request, message):
    messages.success(request, message)
