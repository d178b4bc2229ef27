"""The work-order list (WO-01…04), the assign page (WO-07), batch actions and other apps' order tabs."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from shouhou.accounts.forms import user_choices
from shouhou.accounts.queries import pickable_users
from shouhou.core import forms_engine, list_fields
from shouhou.core.dialogs import can, finished, render_modal, show_error
from shouhou.core.errors import DomainError
from shouhou.core.lists import (
    BatchAction,
    Column,
    Filter,
    IdFilter,
    Scope,
    StandardList,
    Tab,
    next_step_hint,
    render_list,
)
from shouhou.core.permissions import has_perm, require

from .. import fees, flow
from ..forms import BatchAssignForm, BatchEditForm, BatchTransferForm
from ..models import Priority, ServiceOption, WorkOrderType
from ..queries import candidates as candidate_queries
from ..queries import home as home_queries
from ..queries import orders as order_queries
from ..queries import pickers
from ..queries import types as type_queries
from ..services import batch as batch_services
from .common import PRIORITY_CSS, customer_url, selected_orders, status_badge, type_chip

OTHER_TABS = {tab.key for tab in order_queries.TABS if tab.other}
FLAG_FILTERS = {"paused": "is_paused", "overdue": "is_overdue", "rejected": "is_rejected",
                "approval": "awaiting_approval", "location": "location_anomaly"}


def detail_url(order):
    return reverse("workorders:detail", args=[order.pk])


def _local(moment, pattern="%Y-%m-%d %H:%M"):
    return timezone.localtime(moment).strftime(pattern) if moment else ""


def _flags(order):
    labels = [label for key, label in order_queries.FLAG_LABELS.items() if getattr(order, key)]
    return format_html_join("", ' <span class="badge flag-badge">{}</span>', ((label,) for label in labels))


def status_cell(order):
    return format_html("{}{}", status_badge(order), _flags(order))


def _priority_cell(order):
    return format_html('<span class="{}">{}</span>', PRIORITY_CSS.get(order.priority, ""), order.get_priority_display())


def _name(obj):
    return obj.name if obj is not None else ""


SYSTEM_COLUMNS = [
    Column("number", gettext_lazy("Work-order number"), link=detail_url, sortable=True, code=True),
    Column("order_type", gettext_lazy("Work-order type"), value=lambda o: type_chip(o.order_type), html=True,
           export=lambda o: o.order_type.name, sortable=True, sort_field="order_type__sort_order"),
    Column("customer", gettext_lazy("Customer"), value=lambda o: o.customer.name,
           link=lambda o: customer_url(o.customer_id), link_perm="customer.view"),
    Column("status", gettext_lazy("Work-order status"), value=status_cell, html=True, sortable=True,
           export=lambda o: str(o.get_status_display())),
    Column("assignee", gettext_lazy("Assignee"), value=lambda o: _name(o.assignee)),
    Column("priority", gettext_lazy("Priority"), value=_priority_cell, html=True, sortable=True,
           export=lambda o: str(o.get_priority_display())),
    Column("service_type", gettext_lazy("Service type"), value=lambda o: _name(o.service_type), default=False),
    Column("service_content", gettext_lazy("Service content"), value=lambda o: _name(o.service_content),
           informative=lambda o: o.service_content is not None and o.service_content.name != o.order_type.name),
    Column("product", gettext_lazy("Product"), value=lambda o: _name(o.product), default=False),
    Column("contact_name", gettext_lazy("Contact"), default=False),
    Column("contact_phone", gettext_lazy("Phone"), default=False),
    Column("address_text", gettext_lazy("Address"), default=False, css="col-wide"),
    Column("collaborators", gettext_lazy("Collaborators"), default=False, prefetch="collaborators",
           value=lambda o: "、".join(u.name for u in o.collaborators.all())),
    Column("created_by", gettext_lazy("Created by"), default=False, prefetch="created_by",
           value=lambda o: _name(o.created_by)),
    Column("planned_at", gettext_lazy("Planned time"), sortable=True, value=lambda o: _local(o.planned_at),
           export=lambda o: o.planned_at),
    Column("created_at", gettext_lazy("Created at"), sortable=True, value=lambda o: _local(o.created_at),
           export=lambda o: o.created_at),
    Column("updated_at", gettext_lazy("Last updated"), sortable=True, default=False,
           value=lambda o: _local(o.updated_at), export=lambda o: o.updated_at),
    Column("finished_at", gettext_lazy("Finished at"), sortable=True, default=False,
           value=lambda o: _local(o.finished_at), export=lambda o: o.finished_at),
]
# 合计费用: offered only once a module records fees (fees.register_fees_provider)
FEES_COLUMN = Column("total_amount", gettext_lazy("Total fees"), default=False, sortable=True, kind="amount")


def system_columns():
    return [*SYSTEM_COLUMNS, FEES_COLUMN] if fees.fees_provider() is not None else list(SYSTEM_COLUMNS)


class FlagFilter(Filter):
    def apply(self, qs, params):
        column = FLAG_FILTERS.get(params.get(f"f_{self.key}", "").strip())
        return qs.filter(**{column: True}) if column else qs


class OpenFilter(Filter):
    """未完成: the open statuses (待指派 … 进行中), what the home page's figures count."""

    def apply(self, qs, params):
        return qs.filter(status__in=flow.OPEN_STATUSES) if params.get(f"f_{self.key}", "").strip() == "1" else qs


class DeadlineFilter(Filter):
    """即将超时: the current node's deadline within the next 24 hours, not yet overdue (the home page's tile)."""

    def apply(self, qs, params):
        if params.get(f"f_{self.key}", "").strip() == "due_soon":
            return qs.filter(home_queries.due_soon_condition())
        return qs


def _options(kind):
    """The service type and content filters' choices, from one query of all options per request for both."""
    def choices(request):
        if not hasattr(request, "_service_options"):
            request._service_options = list(type_queries.service_options(active_only=False))
        return [(o.pk, o.name) for o in request._service_options if o.kind == kind]
    return choices


def _people(request):
    """The colleagues of the 处理人 and 创建人 filters, built once per request for both."""
    if not hasattr(request, "_people_choices"):
        people = pickable_users(request.user).select_related(None).only("name", "phone", "email", "account")
        request._people_choices = user_choices(people.order_by("name"))  # labels only: no work status, no hash
    return request._people_choices


SYSTEM_FILTERS = [
    Filter("priority", gettext_lazy("Priority"), "priority", choices=lambda r: Priority.choices),
    IdFilter("assignee", gettext_lazy("Assignee"), "assignee", choices=_people),
    IdFilter("created_by", gettext_lazy("Created by"), "created_by", choices=_people),
    IdFilter("service_type", gettext_lazy("Service type"), "service_type",
             choices=_options(ServiceOption.Kind.SERVICE_TYPE)),
    IdFilter("service_content", gettext_lazy("Service content"), "service_content",
             choices=_options(ServiceOption.Kind.SERVICE_CONTENT)),
    FlagFilter("flag", gettext_lazy("Exception"), "flag", choices=lambda r: [
        (key, order_queries.FLAG_LABELS[column]) for key, column in FLAG_FILTERS.items()]),
    OpenFilter("open", gettext_lazy("Unfinished"), "status", choices=lambda r: [("1", gettext_lazy("Unfinished"))]),
    DeadlineFilter("deadline", gettext_lazy("Deadline"), "deadline_at", choices=lambda r: [
        ("due_soon", gettext_lazy("Due within 24 hours"))]),
    Filter("planned", gettext_lazy("Planned time"), "planned_at", kind="date_range"),
    Filter("created", gettext_lazy("Created at"), "created_at", kind="date_range"),
    Filter("finished", gettext_lazy("Finished at"), "finished_at", kind="date_range"),
]


def _id_param(params, name):
    value = (params.get(name) or "").strip()
    return int(value) if value.isdigit() else None


class OrderSearchMixin:
    """A standard list of work orders whose search box is the work-order list's (number, customer name, phone:
    order_queries.filter_work_orders); the 关闭工单 and 审核结算 lists use it."""

    def filtered_queryset(self, state, *, with_tab=True):
        qs = super().filtered_queryset(replace(state, q=""), with_tab=with_tab)
        if state.q:
            qs = order_queries.filter_work_orders(self.request.user, q=state.q, base_qs=qs)
        return qs


class WorkOrderList(list_fields.CustomFieldsList, StandardList):
    key = "workorders"
    title = gettext_lazy("Work orders")
    template = "workorders/list.html"
    toolbar_template = "workorders/_list_toolbar.html"
    empty_text = gettext_lazy("No work orders here")

    def empty_hint(self, request):
        return next_step_hint(request.user, _("New work order"), "workorder.create", "workorder.import")

    more_actions_template = "workorders/_list_more_actions.html"
    search_fields = ["number"]  # the search itself is order_queries.filter_work_orders (customer name, phone …)
    search_placeholder = gettext_lazy("Number, customer name or phone")
    default_sort = "-created_at"
    export_perm = "workorder.export"
    tabs = [Tab(tab.key, tab.label, tab.condition) for tab in order_queries.TABS]
    scopes = [Scope(key, label, lambda request, key=key: order_queries.scope_condition(request.user, key))
              for key, label in order_queries.SCOPES.items()]
    batch_actions = [
        BatchAction(gettext_lazy("Batch assign"), "workorders:batch_assign", perm="workorder.assign", modal=True),
        BatchAction(gettext_lazy("Batch transfer"), "workorders:batch_transfer", perm="workorder.transfer",
                    modal=True),
        BatchAction(gettext_lazy("Batch edit"), "workorders:batch_edit", perm="workorder.edit", modal=True),
    ]

    def __init__(self, request):
        super().__init__(request)
        type_id = _id_param(self.params, "type")
        # every type once, for the type filter's choices and the chosen one
        self.types = list(WorkOrderType.objects.order_by("sort_order", "pk"))
        self.order_type = next((t for t in self.types if t.pk == type_id), None) if type_id else None
        self.customer_id = _id_param(self.params, "customer")
        self.product_id = _id_param(self.params, "product")
        self.columns, self.filters = system_columns(), list(SYSTEM_FILTERS)
        self.schema, self.custom, self.refs = None, {}, forms_engine.References()
        if self.order_type is not None:
            self.schema = forms_engine.get_schema(self.order_type.form_target)
            self.custom = {column.key: column for column in forms_engine.list_columns(self.schema)}
            self.columns += [list_fields.custom_column(column, self.refs) for column in self.custom.values()]
            self.filters += list_fields.custom_filters(self.schema)

    def state(self):
        state = super().state()
        if not self.params.get("tab"):
            state = replace(state, tab="all")  # 全部 first; 待指派 etc. are one click away
        return state

    def base_queryset(self, request):
        require(request.user, "workorder.view")
        return order_queries.list_work_orders(request.user)  # creator, collaborators: only when shown (Column.prefetch)

    def filtered_queryset(self, state, *, with_tab=True):
        qs = super().filtered_queryset(replace(state, q=""), with_tab=with_tab)
        if self.order_type is not None:
            qs = qs.filter(order_type=self.order_type)
        elif self.params.get("type"):
            qs = qs.none()  # a type that does not exist (or another company's) matches nothing
        if self.customer_id is not None:
            qs = qs.filter(customer_id=self.customer_id)
        if self.product_id is not None:
            qs = qs.filter(product_id=self.product_id)
        if state.q:
            qs = order_queries.filter_work_orders(self.request.user, q=state.q, base_qs=qs)
        return qs

    def tab_counts(self, state):
        """Every tab's count in ONE aggregate query over the filtered rows."""
        return order_queries.tab_counts(self.request.user, self.filtered_queryset(state, with_tab=False))

    def context(self):
        context = super().context()  # CustomFieldsList has loaded the page's references
        main = [tab for tab in context["tabs"] if tab["key"] not in OTHER_TABS]
        other = [tab for tab in context["tabs"] if tab["key"] in OTHER_TABS]
        context.update(main_tabs=main, other_tabs=other, other_active=next((t for t in other if t["active"]), None))
        return context

    def extra_context(self, request):
        user = request.user
        return {
            "type_choices": [(t.pk, t.name) for t in self.types],  # the types read once for the list
            "chosen_type": self.order_type,
            "filter_customer": pickers.pickable_customer(user, self.customer_id) if self.customer_id else None,
            "filter_product": pickers.pickable_product(user, self.product_id) if self.product_id else None,
            "can": can(user, "workorder.create", "workorder.import", "workorder.assign"),
        }


@login_required
def index(request):
    return redirect("workorders:list")


@login_required
def order_list(request):
    return render_list(request, WorkOrderList)


# --- 指派工单 (WO-07) ----------------------------------------------------------------------------------

def _assign_cell(order):
    url = reverse("workorders:action_assign", args=[order.pk])
    return format_html('<a class="btn btn-sm btn-primary py-0" href="{}" data-modal-url="{}">{}</a>', url, url,
                       _("Assign"))


class AssignList(WorkOrderList):
    key = "workorders_assign"
    title = gettext_lazy("Assign work orders")
    toolbar_template = ""
    more_actions_template = ""
    tabs = []
    export_perm = None
    batch_actions = [BatchAction(gettext_lazy("Batch assign"), "workorders:batch_assign", perm="workorder.assign",
                                 modal=True),
                     BatchAction(gettext_lazy("Publish to the pool"), "workorders:batch_publish",
                                 perm="workorder.assign", modal=True),
                     BatchAction(gettext_lazy("Auto-assign"), "workorders:batch_auto_assign", perm="workorder.assign",
                                 confirm=gettext_lazy("Run the auto-assignment rules on the selected work orders?"))]
    default_sort = "created_at"
    ASSIGN_COLUMNS = ("number", "order_type", "customer", "product", "service_type", "service_content",
                      "created_at", "status", "planned_at", "updated_at")
    HIDDEN_BY_DEFAULT = {"order_type", "created_at", "updated_at"}  # the 指派 button must stay in sight

    def __init__(self, request):
        super().__init__(request)
        by_key = {column.key: column for column in self.columns}
        self.columns = [replace(by_key[key], default=key not in self.HIDDEN_BY_DEFAULT)
                        for key in self.ASSIGN_COLUMNS] + [
            Column("assign_action", gettext_lazy("Operation"), value=_assign_cell, html=True, css="col-sticky-end")]

    def state(self):
        return StandardList.state(self)

    def base_queryset(self, request):
        require(request.user, "workorder.assign")
        return order_queries.assignable_orders(request.user)


@login_required
def assign_list(request):
    return render_list(request, AssignList)


# --- batch actions ------------------------------------------------------------------------------------

def _batch_dialog(request, *, form_class, title, url_name, perform, done_message, note_only=False, ranked=False):
    orders = selected_orders(request)
    form = form_class(request.POST or None)
    ranked_for = None
    if ranked:  # 派单推荐 for a batch: who may take every order, ranked against the first (issue 10)
        ranked_for = candidate_queries.first_of(orders)
        form.set_candidates(candidate_queries.ranked_candidates(request.user, ranked_for, orders=orders,
                                                                search=request.GET.get("q", "")[:50]))
    if request.method == "POST" and form.is_valid():
        try:
            count = len(perform(orders, form.cleaned_data))
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, done_message(count))
            return finished(request)
    return render_modal(request, "workorders/_batch_dialog.html", {
        "form": form, "orders": orders, "title": title, "action": reverse(url_name),
        "candidates": getattr(form, "candidates", None), "note_only": note_only, "ranked": ranked,
        "ranked_for": ranked_for if len(orders) > 1 else None,
    }, status=400 if form.errors else 200)


@login_required
def batch_assign(request):
    require(request.user, "workorder.assign")
    return _batch_dialog(
        request, form_class=BatchAssignForm, title=_("Batch assign"), url_name="workorders:batch_assign",
        ranked=True,
        perform=lambda orders, data: batch_services.batch_assign(
            actor=request.user, orders=orders, assignee=data["assignee"], note=data["note"]),
        done_message=lambda n: ngettext("Assigned %(n)s work order.", "Assigned %(n)s work orders.", n) % {"n": n})


@login_required
def batch_transfer(request):
    require(request.user, "workorder.transfer")
    from ..services import batch as batch_services

    return _batch_dialog(
        request, form_class=BatchTransferForm, title=_("Batch transfer"), url_name="workorders:batch_transfer",
        ranked=True,  # the same ranking as the assign dialog: who may take every selected order
        perform=lambda orders, data: batch_services.batch_transfer(
            actor=request.user, orders=orders, assignee=data["assignee"], note=data["note"]),
        done_message=lambda n: ngettext("Transferred %(n)s work order.", "Transferred %(n)s work orders.", n)
        % {"n": n})


@login_required
def batch_edit(request):
    require(request.user, "workorder.edit")
    return _batch_dialog(
        request, form_class=BatchEditForm, title=_("Batch edit"), url_name="workorders:batch_edit",
        perform=lambda orders, data: batch_services.batch_update(actor=request.user, orders=orders,
                                                                   **BatchEditForm.changes_of(data)),
        done_message=lambda n: ngettext("Updated %(n)s work order.", "Updated %(n)s work orders.", n) % {"n": n})


# --- work-order tabs of customers and products -------------------------------------------------------------

def _orders_for(request, *, customer=None, product=None):
    orders, total, open_count = order_queries.orders_for(request.user, customer=customer, product=product)
    params = f"customer={customer.pk}" if customer is not None else f"product={product.pk}"
    create_params = params + (f"&customer={product.customer_id}" if product is not None and product.customer_id
                              else "")
    return render(request, "workorders/_orders_for.html", {
        "orders": orders, "total": total, "open_count": open_count,
        "list_url": f"{reverse('workorders:list')}?{params}",
        "create_url": f"{reverse('workorders:create')}?{create_params}" if has_perm(
            request.user, "workorder.create") else "",
    })


@login_required
def orders_for_customer(request, customer_id):
    require(request.user, "workorder.view")
    return _orders_for(request, customer=order_queries.customer_for_tab(request.user, customer_id))


@login_required
def orders_for_product(request, product_id):
    require(request.user, "workorder.view")
    return _orders_for(request, product=order_queries.product_for_tab(request.user, product_id))

