"""Console pages for products (PRD-01…06): the list, detail, create/edit (from a template too), delete,
batch edit and the pickers. Templates, types and settings are in views_setup.py, QR codes in
views_qr.py. Every read goes through `queries`, every write through `services`.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from shouhou.core import forms_engine, object_actions, object_tabs, timeline
from shouhou.core.bounds import parse_id
from shouhou.core.dialogs import can, finished, render_modal
from shouhou.core.errors import DomainError, NotFound
from shouhou.core.forms_engine.kinds.references import References
from shouhou.core.http import back
from shouhou.core.list_fields import CustomFieldFilter
from shouhou.core.lists import (
    BatchAction,
    Column,
    Filter,
    Scope,
    StandardList,
    Tab,
    next_step_hint,
    render_list,
)
from shouhou.core.permissions import has_perm, require

from . import policy, queries, services
from .forms import BatchEditForm, initial_for, initial_from_template, product_form_class

MAX_SELECTED = 1000


# --- shared helpers ---------------------------------------------------------------------------------------

def optional_url(name, *args):
    """The URL of a page another module may not provide yet ("" until it lands)."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return ""


def customer_url(customer):
    if customer is None:
        return ""
    return optional_url("customers:detail", customer.pk) or optional_url("customers:customer_detail", customer.pk)


REMINDER_BATCH_URL = "reminders:attach_products"  # 批量提醒 (PRD-10), built with the reminder rules


def reminder_url():
    """The reminder dialog for products ("" until the reminders module provides it)."""
    return optional_url(REMINDER_BATCH_URL)




def selected_ids(request):
    values = request.POST.getlist("ids") or request.GET.getlist("ids")
    ids = {int(v) for v in values if str(v).strip().isdigit()}
    if not ids:
        raise DomainError(_("Select at least one product."))
    if len(ids) > MAX_SELECTED:
        raise DomainError(_("Select at most %(n)s products at a time.") % {"n": MAX_SELECTED})
    return ids


def selected_products(request):
    """The products named by `ids`, all within the actor's scope — else 404."""
    require(request.user, "product.view")
    ids = selected_ids(request)
    products = list(queries.list_products(request.user).filter(pk__in=ids))
    if len(products) != len(ids):
        raise NotFound()
    return products


def warranty_badge(product):
    state = product.in_warranty
    if state is None:
        return ""
    css, label = ("text-bg-success", _("In warranty")) if state else ("text-bg-secondary", _("Expired"))
    return format_html('{} <span class="badge {}">{}</span>', product.warranty_end.isoformat(), css, label)


def local_time(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# --- the list (PRD-01) --------------------------------------------------------------------------------------

class WarrantyFilter(Filter):
    def apply(self, qs, params):
        value = params.get(f"f_{self.key}", "").strip()
        return qs.filter(queries.warranty_condition(value)) if value in ("in", "expired") else qs


class DayRangeFilter(Filter):
    """A from–to range on a DateField (the standard date range compares the date part of datetimes)."""

    def __init__(self, key, label, lookup):
        super().__init__(key, label, lookup, kind="date_range")

    def apply(self, qs, params):
        start, end = _day(params.get(f"f_{self.key}_from")), _day(params.get(f"f_{self.key}_to"))
        if start:
            qs = qs.filter(**{f"{self.lookup}__gte": start})
        if end:
            qs = qs.filter(**{f"{self.lookup}__lte": end})
        return qs


def _day(value):
    try:
        return dt.date.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


class NumberFilter(Filter):
    """A select of ids: a value that is not a number (a hand-edited URL) matches nothing."""

    def apply(self, qs, params):
        value = params.get(f"f_{self.key}", "").strip()
        if value and not value.isdigit():
            return qs.none()
        return super().apply(qs, params)


def custom_field_filter(schema, definition):
    """A searchable custom field (PRD-04 搜索): a date range for dates, a select where it has options, else
    a text box; reference fields too (their stored id)."""
    options = [(o["value"], o["label"]) for o in definition.options] if definition.options else None
    kind = "date_range" if definition.kind == "date" else ("select" if options else "text")
    return CustomFieldFilter(definition, schema, kind=kind,
                             choices=(lambda request, options=options: options) if options else None)


def custom_columns(schema, refs):
    """Standard-list columns for the company's custom fields ("shown in list" ones visible by default)."""
    return [
        Column(column.key, column.label, default=column.default_visible, html=True,
               value=lambda obj, column=column: column.render(obj.fields, refs),
               export=lambda obj, column=column: forms_engine.export_cell(column.definition,
                                                                          (obj.fields or {}).get(column.field_key),
                                                                          refs))
        for column in forms_engine.list_columns(schema)
    ]


class ProductList(StandardList):
    key = "products"
    title = gettext_lazy("Products")
    template = "products/list.html"
    toolbar_template = "products/_list_toolbar.html"
    empty_text = gettext_lazy("No products yet")

    def empty_hint(self, request):
        return next_step_hint(request.user, _("New product"), "product.create", "product.import")

    search_fields = ["name"]  # replaced by queries.search_condition in filtered_queryset
    search_placeholder = gettext_lazy("Product name, number, serial number or customer")
    default_sort = "-created_at"
    export_perm = "product.export"
    tabs = [
        Tab("all", gettext_lazy("All")),
        Tab("in_warranty", gettext_lazy("In warranty"), lambda request: queries.warranty_condition("in")),
        Tab("expired", gettext_lazy("Out of warranty"), lambda request: queries.warranty_condition("expired")),
    ]
    scopes = [
        Scope("all", gettext_lazy("All"), lambda request: Q()),
        Scope("created", gettext_lazy("Created by me"), lambda request: Q(created_by=request.user)),
    ]
    base_columns = [
        Column("name", gettext_lazy("Product name"), sortable=True,
               link=lambda p: reverse("products:detail", args=[p.pk])),
        Column("customer", gettext_lazy("Customer"), value=lambda p: p.customer.name if p.customer_id else "",
               link=lambda p: customer_url(p.customer), link_perm="customer.view", sortable=True,
               sort_field="customer__name"),
        Column("number", gettext_lazy("Product number"), sortable=True, code=True),
        Column("serial_number", gettext_lazy("Serial number"), sortable=True, code=True),
        Column("product_type", gettext_lazy("Product type"),
               value=lambda p: p.product_type.name if p.product_type_id else "",
               sortable=True, sort_field="product_type__sort_order"),
        Column("warranty_end", gettext_lazy("Warranty end"), value=warranty_badge, html=True, sortable=True,
               export=lambda p: p.warranty_end),
        Column("purchase_date", gettext_lazy("Purchase date"), sortable=True, default=False),
        Column("install_date", gettext_lazy("Installation date"), sortable=True, default=False),
        Column("template", gettext_lazy("Template"), value=lambda p: p.template.name if p.template_id else "",
               default=False),
        Column("location", gettext_lazy("Location"), default=False),
        Column("created_by", gettext_lazy("Created by"), value=lambda p: p.created_by.name if p.created_by_id else "",
               default=False),
        Column("created_at", gettext_lazy("Created at"), sortable=True, value=lambda p: local_time(p.created_at),
               export=lambda p: p.created_at, default=False),
    ]
    batch_actions = [
        BatchAction(gettext_lazy("Batch edit"), "products:batch_edit", perm="product.edit", modal=True),
        BatchAction(gettext_lazy("Print QR labels"), "products:qr_labels", perm="product.qrcode"),
        BatchAction(gettext_lazy("Delete"), "products:batch_delete", perm="product.delete", style="outline-danger",
                    confirm=gettext_lazy("Delete the selected products? This cannot be undone.")),
    ]
    reminder_action = BatchAction(gettext_lazy("Batch reminder"), REMINDER_BATCH_URL, perm="product.remind",
                                  modal=True)

    def __init__(self, request):
        super().__init__(request)
        self.schema = forms_engine.get_schema(queries.FORM_TARGET)
        self.refs = References()
        self.columns = [*self.base_columns, *custom_columns(self.schema, self.refs)]
        self.filters = [*self.base_filters(), *(custom_field_filter(self.schema, definition)
                                                for definition in forms_engine.filterable_fields(self.schema))]
        if self.key == ProductList.key and reminder_url():
            self.batch_actions = [*self.batch_actions[:1], self.reminder_action, *self.batch_actions[1:]]

    @staticmethod
    def base_filters():
        return [
            NumberFilter("type", gettext_lazy("Product type"), "product_type",
                         choices=lambda request: queries.product_type_choices()),
            Filter("customer", gettext_lazy("Customer name"), "customer__name__icontains", kind="text"),
            WarrantyFilter("warranty", gettext_lazy("Warranty"), "warranty_end",
                           choices=lambda request: [("in", _("In warranty")), ("expired", _("Out of warranty"))]),
            DayRangeFilter("warranty_end", gettext_lazy("Warranty end"), "warranty_end"),
            NumberFilter("template", gettext_lazy("Template"), "template",
                         choices=lambda request: queries.template_choices(request.user)),
            Filter("created", gettext_lazy("Created at"), "created_at", kind="date_range"),
        ]

    def base_queryset(self, request):
        require(request.user, "product.view")
        return queries.list_products(request.user)

    def filtered_queryset(self, state, *, with_tab=True):
        query, state.q = state.q, ""
        try:
            qs = super().filtered_queryset(state, with_tab=with_tab)
        finally:
            state.q = query
        return qs.filter(queries.search_condition(query)) if query else qs

    def extra_context(self, request):
        return {"can": can(request.user, "product.create", "product.import", "product.settings")}




@login_required
def product_list(request):
    return render_list(request, ProductList)


# --- detail -------------------------------------------------------------------------------------------------

@login_required
def product_detail(request, pk):
    product = queries.get_product(request.user, pk)
    schema = forms_engine.get_schema(queries.FORM_TARGET)
    others = list(queries.other_products_of_customer(request.user, product))
    return render(request, "products/detail.html", {
        "product": product,
        "custom_values": forms_engine.display_values(schema, product.fields, include_empty=False),
        "others": others,
        "entries": timeline.entries_for(product, 100),
        # a role without the customer module sees the name, not a link that answers 403 (issue 15)
        "customer_url": customer_url(product.customer) if has_perm(request.user, "customer.view") else "",
        "public_url": queries.public_url(request, product),
        "can": policy.can(request.user, product, "edit", "delete", "qrcode", "create", "remind"),
        "reminder_url": reminder_url(),
        "reminders_tab": object_tabs.url("product", "reminders", request.user, product),
        "history_tab": object_tabs.url("product", "history", request.user, product),
        "record_actions": object_actions.actions_for("product", request.user, product),
        "parts_tab": object_tabs.url("product", "parts_used", request.user, product),
    })


# --- create / edit (PRD-03: from a template) -------------------------------------------------------------

def _template_from(request):
    value = request.POST.get("template") or request.GET.get("template")
    if not value:
        return None
    if not str(value).isdigit():
        raise NotFound()
    return queries.get_template(request.user, int(value))


def _customer_from(request, fallback=None):
    value = request.POST.get("customer") if request.method == "POST" else request.GET.get("customer")
    if value in (None, ""):
        return fallback if request.method != "POST" else None
    return queries.visible_customer(request.user, value)


@login_required
def product_create(request):
    require(request.user, "product.create")
    template = _template_from(request)
    customer = _customer_from(request)
    form_class = product_form_class(template.fields if template else None)
    initial = initial_from_template(template) if template else {}
    if customer is not None:
        initial["customer"] = customer.pk
    form = form_class(request.POST or None, request.FILES or None, initial=initial, customer=customer,
                      template=template)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.create_product(actor=request.user, template_id=template.pk if template else None,
                                              request=request, **form.service_values())
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, _("Product %(name)s created.") % {"name": product.name})
            return HttpResponseRedirect(reverse("products:detail", args=[product.pk]))
    return _form_page(request, form, template=template, title=_("New product"),
                      action=reverse("products:create"))


@login_required
def product_edit(request, pk):
    require(request.user, "product.edit")
    product = queries.get_product(request.user, pk)
    customer = _customer_from(request, fallback=product.customer) if request.method == "POST" else product.customer
    form = product_form_class(product.fields)(request.POST or None, request.FILES or None,
                                              initial=initial_for(product), customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_product(actor=request.user, product=product, replace_fields=True, request=request,
                                    **form.service_values())
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, _("Product %(name)s saved.") % {"name": form.cleaned_data["name"]})
            return HttpResponseRedirect(reverse("products:detail", args=[product.pk]))
    return _form_page(request, form, product=product, title=_("Edit product"),
                      action=reverse("products:edit", args=[product.pk]))


def _show_error(form, exc):
    """A service refusal on the form; a product that vanished stays a 404, a customer one is a field error."""
    if isinstance(exc, NotFound) and not isinstance(exc, services.CustomerNotFound):
        raise exc
    form.add_domain_error(exc)


def _form_page(request, form, *, title, action, template=None, product=None):
    templates = queries.template_choices(request.user) if product is None else []
    return render(request, "products/form.html", {
        "form": form, "title": title, "action": action, "template": template, "product": product,
        "template_choices": templates, "system_fields": [form[name] for name in form.SYSTEM],
    }, status=400 if form.errors else 200)


# --- delete and batch actions ---------------------------------------------------------------------------

@login_required
@require_POST
def product_delete(request, pk):
    product = queries.get_product(request.user, pk)
    services.delete_product(actor=request.user, product=product, request=request)
    messages.success(request, _("Product %(name)s deleted.") % {"name": product.name})
    return HttpResponseRedirect(reverse("products:list"))


@login_required
@require_POST
def batch_delete(request):
    count = services.delete_products(actor=request.user, products=selected_products(request), request=request)
    messages.success(request, ngettext("Deleted %(n)s product.", "Deleted %(n)s products.", count) % {"n": count})
    return back(request, reverse("products:list"))


@login_required
def batch_edit(request):
    require(request.user, "product.edit")
    products = selected_products(request)
    form = BatchEditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.batch_update_products(actor=request.user, products=products, request=request,
                                                   **form.service_values())
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, ngettext("Updated %(n)s product.", "Updated %(n)s products.", count)
                             % {"n": count})
            return finished(request)
    return render_modal(request, "products/_batch_edit.html", {
        "form": form, "products": products, "title": _("Batch edit products"),
        "action": reverse("products:batch_edit"),
    }, status=400 if form.errors else 200)


# --- the picker of fields of kind "product" (the form engine's widgets.js) -----------------------------------

@login_required
def product_options(request):
    customer = request.GET.get("customer", "")
    customer_id = parse_id(customer) if customer.isdigit() else None
    if customer.isdigit() and customer_id is None:
        return JsonResponse({"results": []})  # no customer has an id beyond 64 bits (the query overflowed)
    found = queries.pick_products(request.user, request.GET.get("q", "")[:100], customer_id=customer_id)
    return JsonResponse({"results": [{"id": p.pk, "label": p.name, "number": p.number} for p in found]})
