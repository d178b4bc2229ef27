"""The settlement page (审核结算, WO-15): KPI cards (未结算工单数量, 未结算费用, 近30天已结算工单,
近30天已结算费用) above the kit's standard list of the orders to settle and settled — tabs 全部 / 已结算 /
未结算, search, advanced filters, export, 当前合计 of the filtered rows, 订阅 — with 结算 per row and
批量结算 (one dialog: the fee lines, an adjustment with its reason, a note and the company's settlement
fields). Reads through settlement.queries; writes through settlement.services."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from shouhou.core.dialogs import finished, int_list, render_modal, show_error
from shouhou.core.errors import DomainError, NotFound
from shouhou.core.lists import BatchAction, Column, Filter, IdFilter, StandardList, Tab, render_list
from shouhou.core.permissions import has_perm, require
from shouhou.messaging import subscriptions
from shouhou.workorders import order_facts, policy
from shouhou.workorders.queries import types as type_queries
from shouhou.workorders.views.common import customer_url, type_chip
from shouhou.workorders.views.lists import OrderSearchMixin

from . import queries, services
from .forms import settle_form_class

TOPIC = "settlement.unsettled"  # 订阅: told of each order that finishes and waits to be settled
PAYMENT_LABELS = {"paid": gettext_lazy("Paid"), "unpaid": gettext_lazy("Unpaid"),
                  "refunded": gettext_lazy("Refunded")}


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _state_cell(order):
    if queries.is_settled(order):
        return format_html('<span class="badge text-bg-success">{}</span>', _("Settled"))
    if order.awaiting_approval:
        return format_html('<span class="badge text-bg-warning">{}</span>', _("Awaiting approval"))
    return format_html('<span class="badge text-bg-secondary">{}</span>', _("Unsettled"))


def _state_text(order):
    if queries.is_settled(order):
        return _("Settled")
    return _("Awaiting approval") if order.awaiting_approval else _("Unsettled")


def _settling_types(request):
    return [(t.pk, t.name) for t in type_queries.all_types().prefetch_related(None).filter(
        pk__in=queries.settling_type_ids()).order_by("sort_order", "pk")]


class SettlementList(OrderSearchMixin, StandardList):
    key = "settlement"
    title = gettext_lazy("Settlement review")
    template = "settlement/list.html"
    empty_text = gettext_lazy("No work orders to settle")
    search_fields = ["number"]  # the search itself is order_queries.filter_work_orders (customer, phone …)
    search_placeholder = gettext_lazy("Number, customer name or phone")
    default_sort = "-finished_at"
    export_perm = "settlement.export"
    tabs = [Tab(key, label, lambda request, key=key: queries.tab_condition(key)) for key, label in (
        ("all", gettext_lazy("All")), ("settled", gettext_lazy("Settled")), ("unsettled", gettext_lazy("Unsettled")))]
    filters = [
        IdFilter("type", gettext_lazy("Work-order type"), "order_type", choices=_settling_types),
        Filter("finished", gettext_lazy("Finished at"), "finished_at", kind="date_range"),
        Filter("settled", gettext_lazy("Settled at"), "settled_at", kind="date_range"),
    ]
    batch_actions = [BatchAction(gettext_lazy("Batch settle"), "settlement:settle", perm="settlement.settle",
                                 style="primary", modal=True)]

    def __init__(self, request):
        super().__init__(request)
        self.may_settle = has_perm(request.user, "settlement.settle")
        self.payment = {}
        self.columns = [
            Column("number", gettext_lazy("Work-order number"), code=True, sortable=True,
                   link=lambda o: reverse("workorders:detail", args=[o.pk])),
            Column("customer", gettext_lazy("Customer"), value=lambda o: o.customer.name,
                   link=lambda o: customer_url(o.customer_id), link_perm="customer.view"),
            Column("order_type", gettext_lazy("Work-order type"), value=lambda o: type_chip(o.order_type),
                   html=True, export=lambda o: o.order_type.name, default=False),
            Column("assignee", gettext_lazy("Assignee"), value=lambda o: o.assignee.name if o.assignee else ""),
            Column("finished_at", gettext_lazy("Finished at"), sortable=True, value=lambda o: _local(o.finished_at),
                   export=lambda o: o.finished_at),
            Column("amount_due", gettext_lazy("Total fees"), kind="amount", sortable=True),
            Column("state", gettext_lazy("Settlement status"), value=_state_cell, html=True, export=_state_text),
            Column("settled_at", gettext_lazy("Settled at"), sortable=True, value=lambda o: _local(o.settled_at),
                   export=lambda o: o.settled_at, default=False),
        ]
        if order_facts.is_provided("payment_status"):  # 已支付 / 未支付, once a payments module says so
            self.columns.append(Column("payment", gettext_lazy("Payment"), value=self.payment_cell))
        self.columns.append(Column("actions", gettext_lazy("Operation"), value=self.actions_cell, html=True,
                                   css="col-sticky-end", export=lambda o: ""))

    def base_queryset(self, request):
        require(request.user, "settlement.view")
        return queries.settlement_orders(request.user)

    def prepare_rows(self, objects):
        if order_facts.is_provided("payment_status"):
            self.payment.update(order_facts.many("payment_status", objects))

    def payment_cell(self, order):
        value = self.payment.get(order.pk)
        return str(PAYMENT_LABELS.get(value, value or ""))

    def actions_cell(self, order):
        if queries.is_settled(order) or order.awaiting_approval or not self.may_settle:
            return ""
        if policy.refusal(self.request.user, order, "settle") is not None:
            return ""
        return format_html('<button type="button" class="btn btn-sm btn-primary py-0" data-modal-url="{}" '
                           'data-settle="{}">{}</button>', f"{reverse('settlement:settle')}?ids={order.pk}",
                           order.pk, _("Settle"))

    def extra_context(self, request):
        return {"kpis": queries.kpis(request.user),
                "current_total": queries.total_of(self.filtered_queryset(self.state())),
                "subscription": subscriptions.subscription_of(request.user, TOPIC),
                "form_url": (reverse("core:form_designer", args=["settlement"])
                             if has_perm(request.user, "workorder_settings.manage") else "")}


@login_required
def settlement_list(request):
    return render_list(request, SettlementList)


def _selected(request):
    ids = set(int_list(request.POST.getlist("ids") or request.GET.getlist("ids")))
    if not ids:
        raise DomainError(_("Select at least one work order."))
    if len(ids) > services.MAX_BATCH:
        raise DomainError(_("Select at most %(n)s work orders at a time.") % {"n": services.MAX_BATCH})
    orders = list(queries.settlement_orders(request.user).filter(pk__in=ids).order_by("pk"))
    if len(orders) != len(ids):
        raise NotFound()
    return orders


@login_required
def settle(request):
    """结算 / 批量结算: the dialog (GET) and the settlement (POST), all or none."""
    require(request.user, "settlement.settle")
    orders = _selected(request)
    form = settle_form_class()(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.batch_settle(actor=request.user, orders=orders, **form.service_values())
        except DomainError as exc:
            show_error(form, exc)
        else:
            waiting = sum(1 for order in done if order.awaiting_approval)
            if waiting:
                messages.success(request, ngettext(
                    "Settlement of %(n)s work order sent for approval.",
                    "Settlement of %(n)s work orders sent for approval.", waiting) % {"n": waiting})
            if len(done) - waiting:
                messages.success(request, ngettext("Settled %(n)s work order.", "Settled %(n)s work orders.",
                                                   len(done) - waiting) % {"n": len(done) - waiting})
            return finished(request)
    single = orders[0] if len(orders) == 1 else None
    lines = services.fees_of(single)[0] if single is not None else []
    return render_modal(request, "settlement/_settle_dialog.html", {
        "form": form, "orders": orders, "single": single, "fee_lines": lines,
        "fee_total": sum((order.total_amount for order in orders), 0),
        "title": _("Settle") if single else _("Batch settle"), "action": reverse("settlement:settle"),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def subscribe(request):
    """订阅 / 取消订阅 the settlement list: told of each order that finishes waiting to be settled."""
    require(request.user, "settlement.view")
    if request.POST.get("subscribe", "1") == "0":
        subscriptions.unsubscribe(actor=request.user, topic=TOPIC)
        messages.success(request, _("You no longer follow the settlement list."))
    else:
        subscriptions.subscribe(actor=request.user, topic=TOPIC, each_new=True)
        messages.success(request, _("You follow the settlement list: you are told of each work order that "
                                    "waits to be settled."))
    return redirect("settlement:list")
