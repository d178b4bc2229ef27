"""Helpers shared by the work-order console views: dialogs, links to other apps, uploads, selections."""

from django.contrib import messages
from django.utils.html import format_html
from django.utils.translation import gettext as _

from shouhou.core import object_actions
from shouhou.core.dialogs import int_list, permitted_url, show_error, url_or_empty
from shouhou.core.errors import DomainError, NotFound, ValidationFailed

from .. import flow, policy
from ..forms import component_form_class
from ..models import Priority, Status
from ..queries import orders as order_queries
from ..services import orders as order_services
from ..services import uploads as upload_services


def record_actions(page, actor, order, allowed=None):
    """Other apps' buttons on an order's page (core.object_actions; page "workorder" on the console,
    "workorder.phone" on the phone), as (flow buttons, other buttons). A button named after a flow action
    (结算 …) is offered only while the flow and the policy allow that action now (`allowed`: the caller's
    policy.allowed_actions when it has them); the others (服务报告, 打印 …) whenever their app gives a URL."""
    found = object_actions.actions_for(page, actor, order)
    if any(item["key"] in flow.ACTIONS for item in found) and allowed is None:
        allowed = policy.allowed_actions(actor, order)
    return ([item for item in found if item["key"] in flow.ACTIONS and item["key"] in allowed],
            [item for item in found if item["key"] not in flow.ACTIONS])


STATUS_CSS = {
    Status.PENDING: "text-bg-warning", Status.POOLED: "text-bg-warning", Status.ASSIGNED: "text-bg-info",
    Status.ACCEPTED: "text-bg-primary", Status.IN_PROGRESS: "text-bg-primary", Status.FINISHED: "text-bg-success",
    Status.SETTLED: "text-bg-success", Status.VISITED: "text-bg-success", Status.CLOSED: "text-bg-secondary",
    Status.CANCELLED: "text-bg-light border",
}
PRIORITY_CSS = {Priority.LOW: "text-muted", Priority.NORMAL: "", Priority.HIGH: "text-warning fw-semibold",
                Priority.URGENT: "text-danger fw-semibold"}


def designer_url(target):
    """The form designer of `target` ("workorder_type:<id>", "receipt:<id>", "component:<id>")."""
    return url_or_empty("core:form_designer", target)


def customer_url(customer_id, user=None):
    """The customer's page; with `user`, only when his role may open it (else "": plain text)."""
    if not customer_id:
        return ""
    return permitted_url(user, "customer.view", "customers:detail", customer_id) if user is not None \
        else url_or_empty("customers:detail", customer_id)


def product_url(product_id, user):
    """The product's page, only for a user whose role may open it (else "": plain text)."""
    return permitted_url(user, "product.view", "products:detail", product_id) if product_id else ""


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


def submit_component(request, order, component, entry=None):
    """An add-on component's form on an order (the console dialog and the phone page): (form, saved).
    A refusal is on the form; saved, the success message is flashed."""
    form = component_form_class(component, entry.fields if entry else None)(request.POST or None,
                                                                           request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            order_services.save_component_entry(actor=request.user, order=order, component=component,
                                                values=form.custom_values or {}, entry=entry)
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": component.name})
            return form, True
    return form, False
