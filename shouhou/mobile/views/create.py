"""新建工单 on the phone (MOB-12): "+" → type picker → the type's form, with the customer picker (search,
inline create), contact / address prefilled from the customer, products (inline create, linked to the
customer), the 派单 choices, and 仅保存 / 保存并派单 (创建工单 alone for those who may not assign).

派单 (issue 10) is a radio group of DISPATCH_CHOICES — 工单负责人 (the ranked candidates: distance, load,
skills, clash, re-ranked by htmx when the customer, address or planned time changes) and 工单池 (publish
at once, when the pool is on); a module adds a choice with one entry (its panel template and the
create_work_order keywords of 保存并派单). The customer block is one partial that htmx swaps: search
state or chosen state.

With the customer setting 移动端查询 (customer.mobile_search) off, the search state has no search box:
it lists the customers the engineer already serves (their work orders' customers), and the search
endpoint refuses typed text. Picking by id, the inline 新建客户 and the products stay as they are.
(The phone has no product search: products are picked from the chosen customer's list, so
product.mobile_search has nothing to switch off here.)
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shouhou.core import company_settings
from shouhou.core.errors import DomainError, NotFound
from shouhou.core.permissions import has_perm, require
from shouhou.workorders.forms import QuickCustomerForm, QuickProductForm, datetime_field
from shouhou.workorders.queries import candidates as candidate_queries
from shouhou.workorders.queries import pickers
from shouhou.workorders.queries import types as type_queries
from shouhou.workorders.services import orders as order_services

from .. import queries as mobile_queries
from ..forms import order_form_class
from .common import mobile_view, store_files

CUSTOMER_PREFIX, PRODUCT_PREFIX = "qc", "qp"
SEARCH_LIMIT = 15
CANDIDATE_LIMIT = 30
SEARCH_OFF_MESSAGE = gettext_lazy(
    "Searching customers on the phone is turned off for your company. Choose one of your customers.")


# --- the customer block ---------------------------------------------------------------------------------

def customer_block(actor, customer, selected=None, *, customer_form=None, product_form=None):
    """Context of `_customer_block.html`: the chosen customer with its contacts, addresses and products
    (its defaults preselected), or the search box with the inline "new customer" form."""
    selected = {key: str(value) for key, value in (selected or {}).items() if value not in (None, "")}
    context = {
        "customer": customer, "selected": selected,
        "can_create_customer": has_perm(actor, "customer.create"),
        "can_create_product": has_perm(actor, "product.create"),
        # inside the order's form: no `required` attributes, or the browser would stop 仅保存 for them
        "customer_form": customer_form or QuickCustomerForm(prefix=CUSTOMER_PREFIX, use_required_attribute=False),
        "product_form": product_form or QuickProductForm(prefix=PRODUCT_PREFIX, use_required_attribute=False),
    }
    if customer is None:
        search = mobile_queries.customer_search_allowed()
        context["customer_search"] = search
        if not search:
            context["served_customers"] = mobile_queries.served_customers(actor)
        return context
    contacts = pickers.customer_contacts(customer)
    addresses = pickers.customer_addresses(customer)
    products = pickers.products_for_customer(actor, customer)
    chosen_product = pickers.pickable_product(actor, selected.get("product"))
    if chosen_product is not None and chosen_product.pk not in {p.pk for p in products}:
        products.insert(0, chosen_product)
    if contacts and "contact" not in selected:
        selected["contact"] = str(contacts[0].pk)  # the default contact is listed first
    if addresses and "address" not in selected:
        selected["address"] = str(addresses[0].pk)
    return {**context, "contacts": contacts, "addresses": addresses, "products": products}


def _render_block(request, context):
    return render(request, "mobile/_customer_block.html", context)


@mobile_view
def customer_search(request):
    """Customers matching what is typed (name, number, phone), as tappable rows. With customer search on
    the phone turned off, typed text is refused (403) and no text lists the customers the actor serves."""
    require(request.user, "workorder.create")
    text = request.GET.get("customer_q", "").strip()[:50]
    if not mobile_queries.customer_search_allowed():
        if text:
            return render(request, "mobile/_customer_results.html", {"refused": SEARCH_OFF_MESSAGE}, status=403)
        return render(request, "mobile/_customer_results.html", {
            "customers": mobile_queries.served_customers(request.user), "served": True})
    return render(request, "mobile/_customer_results.html", {
        "customers": pickers.search_customers(request.user, text, limit=SEARCH_LIMIT), "text": text})


@mobile_view
def customer_pick(request):
    """The block for the tapped customer (or, without one, the search state again)."""
    require(request.user, "workorder.create")
    value = request.GET.get("customer", "")
    customer = pickers.pickable_customer(request.user, value)
    if value and customer is None:
        raise NotFound()
    return _render_block(request, customer_block(request.user, customer))


@mobile_view
@require_POST
def customer_create(request):
    """新建客户 inline: created through the customers services and chosen at once."""
    require(request.user, "workorder.create")
    require(request.user, "customer.create")
    from shouhou.customers import services as customer_services

    form = QuickCustomerForm(request.POST, prefix=CUSTOMER_PREFIX, use_required_attribute=False)
    if form.is_valid():
        try:
            customer = customer_services.create_customer(actor=request.user, **form.service_values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            return _render_block(request, customer_block(request.user, customer))
    return _render_block(request, {**customer_block(request.user, None, customer_form=form), "creating": True})


@mobile_view
@require_POST
def product_create(request):
    """新建产品 inline for the chosen customer: linked to it at once (PRD-02) and selected."""
    require(request.user, "workorder.create")
    require(request.user, "product.create")
    from shouhou.products import services as product_services

    customer = pickers.pickable_customer(request.user, request.POST.get("customer"))
    if customer is None:
        raise NotFound()
    form = QuickProductForm(request.POST, prefix=PRODUCT_PREFIX, use_required_attribute=False)
    selected = {"contact": request.POST.get("contact"), "address": request.POST.get("address")}
    if form.is_valid():
        try:
            product = product_services.create_product(actor=request.user, **form.cleaned_data,
                                                      customer_id=customer.pk)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            return _render_block(request, customer_block(request.user, customer, {**selected, "product": product.pk}))
    return _render_block(request, {**customer_block(request.user, customer, selected, product_form=form),
                                   "adding_product": True})


# --- 派单: how 保存并派单 dispatches ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DispatchChoice:
    """One choice of the 派单 radio group: shown when `available(actor)`; its `template` is the panel under
    the group; `create_kwargs(form)` gives create_work_order's keywords for 保存并派单, or None after adding
    the form error that says what is missing."""

    key: str
    label: str
    template: str
    available: Callable
    create_kwargs: Callable


def _assignee_kwargs(form):
    assignee = form.cleaned_data.get("assignee")
    if assignee is None:
        form.add_error("assignee", _("Choose the assignee to dispatch to."))
        return None
    return {"assignee": assignee, "dispatch": True}


def _may_publish(actor):
    return bool(company_settings.get("workorder.pool_enabled")) and has_perm(actor, "workorder.assign")


DISPATCH_CHOICES = [
    DispatchChoice("assignee", gettext_lazy("Work-order assignee"), "mobile/_dispatch_assignee.html",
                   lambda actor: has_perm(actor, "workorder.assign"), _assignee_kwargs),
    DispatchChoice("pool", gettext_lazy("Work-order pool"), "mobile/_dispatch_pool.html", _may_publish,
                   lambda form: {"to_pool": True}),
    DispatchChoice("auto", gettext_lazy("Auto-assign"), "mobile/_auto_assign_choice.html",
                   lambda actor: has_perm(actor, "workorder.assign"), lambda form: {"auto_assign": True}),
]


def dispatch_choices(actor):
    return [choice for choice in DISPATCH_CHOICES if choice.available(actor)]


def _chosen_mode(request, choices):
    posted = request.POST.get("dispatch_mode", "")
    keys = [choice.key for choice in choices]
    return posted if posted in keys else (keys[0] if keys else "")


def _ranked(request, order_type, customer):
    """The 负责人 picker's people, best first, for the order as posted so far (customer, address, time)."""
    data = request.POST or request.GET
    latitude = longitude = None
    if customer is not None:
        address = next((a for a in pickers.customer_addresses(customer) if str(a.pk) == data.get("address")), None)
        point = address if address is not None and address.latitude is not None else customer
        latitude, longitude = point.latitude, point.longitude
    planned_at = None
    try:  # read as the form reads it (the request's time zone)
        planned_at = datetime_field("").clean(data.get("planned_at", "")[:30]) or None
    except ValidationError:
        pass
    return candidate_queries.ranked_for_new_order(request.user, order_type, customer=customer, latitude=latitude,
                                                  longitude=longitude, planned_at=planned_at,
                                                  limit=CANDIDATE_LIMIT)


@mobile_view
def dispatch_candidates(request):
    """The 负责人 panel again, ranked for the customer / address / planned time chosen so far (htmx)."""
    require(request.user, "workorder.create")
    require(request.user, "workorder.assign")
    order_type, _types = type_queries.type_to_create(request.user, request.GET.get("order_type"))
    if order_type is None:
        raise NotFound()
    customer = pickers.pickable_customer(request.user, request.GET.get("customer"))
    return render(request, "mobile/_dispatch_people.html", {
        "candidates": _ranked(request, order_type, customer), "chosen_assignee": request.GET.get("assignee", "")})


# --- the page ---------------------------------------------------------------------------------------------

def _save(request, order_type, form, choices):
    kwargs = {}
    if "dispatch" in request.POST:
        choice = next((c for c in choices if c.key == _chosen_mode(request, choices)), None)
        if choice is None:
            form.add_error(None, _("Choose how to dispatch the work order."))
            return None
        kwargs = choice.create_kwargs(form)
        if kwargs is None:
            return None
    return order_services.create_work_order(
        actor=request.user, order_type=order_type, **form.system_values(),
        attachments=store_files(request.user, request.FILES.getlist("attachments"), field="attachments"),
        fields=form.custom_values, collaborator_ids=form.cleaned_data["collaborator_ids"], **kwargs)


@mobile_view
def create(request):
    """The type picker first (unless only one type is usable), then the type's form."""
    require(request.user, "workorder.create")
    type_id = request.POST.get("order_type") or request.GET.get("type")
    order_type, types = type_queries.type_to_create(request.user, type_id)
    if order_type is None:
        return render(request, "mobile/create_types.html", {"tab": "orders", "types": types})
    choices = dispatch_choices(request.user)
    can_assign = bool(choices)
    # the customer as posted: with 启用按服务团队派单 on, only its service team may take the order
    posted_customer = pickers.pickable_customer(request.user, request.POST.get("customer"))
    candidates = (_ranked(request, order_type, posted_customer)
                  if any(choice.key == "assignee" for choice in choices) else [])
    form = order_form_class(order_type)(request.POST or None, request.FILES or None, actor=request.user,
                                        candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            order = _save(request, order_type, form, choices)
        except NotFound:
            raise
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            if order is not None:
                messages.success(request, _("Work order %(number)s created.") % {"number": order.number})
                if (_chosen_mode(request, choices) == "auto" and "dispatch" in request.POST
                        and order.assignee_id is None and not order.awaiting_approval):
                    messages.warning(request, _("No auto-assignment rule found anyone; the order waits to be "
                                                "assigned (its history says why)."))
                return HttpResponseRedirect(reverse("mobile:order_detail", args=[order.pk]))
    customer = pickers.pickable_customer(request.user, form["customer"].value())
    selected = {name: form[name].value() for name in ("contact", "address", "product")} if form.is_bound else {}
    return render(request, "mobile/create.html", {
        "tab": "orders", "form": form, "order_type": order_type, "can_assign": can_assign,
        "candidates": candidates, "dispatch_choices": choices, "dispatch_mode": _chosen_mode(request, choices), "chosen_assignee": str(form["assignee"].value() or ""),
        "chosen_collaborators": {str(v) for v in (form["collaborator_ids"].value() or [])},
        "customer_errors": form["customer"].errors,
        **customer_block(request.user, customer, selected),
    }, status=400 if form.errors else 200)
