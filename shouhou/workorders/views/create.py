"""新建工单 (WO-06) and 编辑 / 复制: pick the type, fill its form; customer and product pickers with inline create."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core import company_settings
from shouhou.core.dialogs import render_modal, show_error
from shouhou.core.errors import DomainError, NotFound
from shouhou.core.permissions import has_perm, require

from .. import policy
from ..forms import QuickCustomerForm, QuickProductForm, work_order_form_class
from ..models import Status
from ..queries import orders as order_queries
from ..queries import pickers
from ..queries import types as type_queries
from ..services import orders as order_services
from .common import kept_files, store_uploads

MODAL_DONE = "closeModal"


def _picker_context(actor, form):
    """The customer, its contacts / addresses / products and the chosen ids, for the picker partials."""
    value = form["customer"].value()
    customer = pickers.pickable_customer(actor, value)
    return {
        "customer": customer,
        **_customer_choices(actor, customer, selected={
            "contact": form["contact"].value(), "address": form["address"].value(),
            "product": form["product"].value()}),
    }


def _customer_choices(actor, customer, selected=None):
    selected = {key: str(value) for key, value in (selected or {}).items() if value not in (None, "")}
    product = pickers.pickable_product(actor, selected.get("product"))
    products = pickers.products_for_customer(actor, customer)
    if product is not None and product.pk not in {p.pk for p in products}:
        products.insert(0, product)
    contacts = pickers.customer_contacts(customer)
    addresses = pickers.customer_addresses(customer)
    # prefilled with the customer's defaults (the first is the default: they are ordered so)
    if customer is not None and "contact" not in selected and contacts:
        selected["contact"] = str(contacts[0].pk)
    if customer is not None and "address" not in selected and addresses:
        selected["address"] = str(addresses[0].pk)
    return {
        "contacts": contacts, "addresses": addresses, "products": products, "selected": selected,
        "can_create_product": has_perm(actor, "product.create") and _products_creatable(),
    }


def _products_creatable():
    try:
        from shouhou.products import services as product_services
    except ImportError:
        return False
    return hasattr(product_services, "create_product")


@login_required
def create(request):
    """Type cards first (unless one type is usable), then the type's form: 仅保存 or 保存并派单."""
    require(request.user, "workorder.create")
    type_id = request.POST.get("order_type") or request.GET.get("type")
    order_type, types = type_queries.type_to_create(request.user, type_id)
    if order_type is None:
        carry = request.GET.copy()
        return render(request, "workorders/create_types.html", {"types": types, "carry": carry.urlencode()})
    form_class = work_order_form_class(order_type)
    initial = {"customer": request.GET.get("customer"), "product": request.GET.get("product")}
    form = form_class(request.POST or None, request.FILES or None, actor=request.user,
                      initial={k: v for k, v in initial.items() if v})
    if request.method == "POST" and form.is_valid():
        dispatch = "dispatch" in request.POST
        try:
            order = order_services.create_work_order(
                actor=request.user, order_type=order_type, **form.system_values(), to_pool="to_pool" in request.POST,
                auto_assign="auto_assign" in request.POST,
                attachments=store_uploads(request.user, request.FILES.getlist("attachments")),
                fields=form.custom_values, collaborator_ids=form.cleaned_data["collaborator_ids"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Work order %(number)s created.") % {"number": order.number})
            if "auto_assign" in request.POST and order.status == Status.PENDING and not order.awaiting_approval:
                messages.warning(request, _("No auto-assignment rule found anyone; the order waits to be assigned "
                                            "(its history says why)."))
            url = reverse("workorders:detail", args=[order.pk])
            if dispatch and has_perm(request.user, "workorder.assign"):
                url += "?then=assign"  # the detail page opens the assign dialog at once
            return redirect(url)
    return render(request, "workorders/create.html", {
        "form": form, "order_type": order_type, **_picker_context(request.user, form),
        "can_assign": has_perm(request.user, "workorder.assign"),
        "can_pool": has_perm(request.user, "workorder.assign") and company_settings.get("workorder.pool_enabled"),
        "can_create_customer": has_perm(request.user, "customer.create"),
        "type_count": type_queries.usable_types(request.user).count(),
    }, status=400 if form.errors else 200)


@login_required
def edit(request, pk):
    order = order_queries.get_work_order(request.user, pk)
    policy.require(request.user, order, "edit")
    form_class = work_order_form_class(order.order_type, order.fields)
    form = form_class(request.POST or None, request.FILES or None, actor=request.user, order=order)
    if request.method == "POST" and form.is_valid():
        changes = form.changed_values()
        if form.custom_values is not None:
            changes["fields"] = _custom_changes(form, order)
        new_files = request.FILES.getlist("attachments")
        kept = kept_files(request, order.attachments)
        try:
            if new_files or len(kept) != len(order.attachments or []):
                changes["attachments"] = kept + store_uploads(request.user, new_files)
            order_services.update_work_order(actor=request.user, order=order,
                                       expected_version=request.POST.get("expected_version") or None, **changes)
        except DomainError as exc:
            show_error(form, _stale_as_form_error(exc))
        else:
            messages.success(request, _("Work order %(number)s saved.") % {"number": order.number})
            return redirect("workorders:detail", pk=order.pk)
    return render(request, "workorders/edit.html", {
        "form": form, "order": order, "order_type": order.order_type, **_picker_context(request.user, form),
        "can_create_customer": has_perm(request.user, "customer.create"),
    }, status=400 if form.errors else 200)


def _custom_changes(form, order):
    """The custom values that differ from the stored ones (None clears a field)."""
    new, old = form.custom_values or {}, order.fields or {}
    keys = {f.key for f in form.custom_schema.value_fields()}
    return {key: new.get(key) for key in keys if new.get(key) != old.get(key)}


def _stale_as_form_error(exc):
    from shouhou.core.errors import Conflict

    from ..flow import NotAllowed

    if isinstance(exc, Conflict) and not isinstance(exc, NotAllowed):
        return DomainError(_("The work order was changed by someone else; please reload it."))
    return exc


@login_required
@require_POST
def copy(request, pk):
    """复制工单: a new pending order with the same customer, product, service and custom fields."""
    require(request.user, "workorder.create")
    order = order_queries.get_work_order(request.user, pk)
    new = order_services.copy_work_order(actor=request.user, order=order)
    messages.success(request, _("Copied to work order %(number)s.") % {"number": new.number})
    return redirect("workorders:edit", pk=new.pk)


# --- pickers (htmx) -----------------------------------------------------------------------------------------

@login_required
def customer_search(request):
    """Search as you type: matching customers as a list of choices."""
    require(request.user, "workorder.create")
    text = request.GET.get("customer_q", "")
    return render(request, "workorders/_customer_options.html", {
        "customers": pickers.search_customers(request.user, text), "text": text,
        "can_create_customer": has_perm(request.user, "customer.create"),
    })


@login_required
def customer_fields(request):
    """Contact, address and product choices of the chosen customer (prefilled with its defaults)."""
    require(request.user, "workorder.create")
    customer = pickers.pickable_customer(request.user, request.GET.get("customer"))
    if request.GET.get("customer") and customer is None:
        raise NotFound()
    selected = {"product": request.GET.get("product", "")}
    return render(request, "workorders/_customer_fields.html", {
        "customer": customer, **_customer_choices(request.user, customer, selected)})


def _created(request, event, payload):
    """Close the dialog and tell the page what was created (workorders.js fills the picker)."""
    response = HttpResponse(status=204)
    response["HX-Trigger"] = json.dumps({MODAL_DONE: True, event: payload})
    return response


@login_required
def customer_create(request):
    """A small dialog creating a customer through the customers services; it is picked at once."""
    require(request.user, "workorder.create")
    require(request.user, "customer.create")
    from shouhou.customers import services as customer_services

    form = QuickCustomerForm(request.POST or None, initial={"name": request.GET.get("name", "")})
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_services.create_customer(actor=request.user, **form.service_values())
        except DomainError as exc:
            show_error(form, exc)
        else:
            return _created(request, "customerCreated", {"id": customer.pk, "name": customer.name,
                                                         "number": customer.number})
    return render_modal(request, "workorders/_quick_customer.html", {
        "form": form, "title": _("New customer"), "action": reverse("workorders:customer_create")},
        status=400 if form.errors else 200)


@login_required
def product_create(request):
    """A dialog creating a product for the chosen customer (linked at once, PRD-02)."""
    require(request.user, "workorder.create")
    require(request.user, "product.create")
    from shouhou.products import services as product_services

    customer = pickers.pickable_customer(request.user, request.GET.get("customer")
                                                 or request.POST.get("customer"))
    form = QuickProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = product_services.create_product(actor=request.user, **form.cleaned_data,
                                                      customer_id=customer.pk if customer else None)
        except DomainError as exc:
            show_error(form, exc)
        else:
            return _created(request, "productCreated", {"id": product.pk, "name": str(product)})
    return render_modal(request, "workorders/_quick_product.html", {
        "form": form, "title": _("New product"), "customer": customer,
        "action": reverse("workorders:product_create")}, status=400 if form.errors else 200)

