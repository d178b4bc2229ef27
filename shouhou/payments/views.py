"""Console pages of payments: 财务管理 › 在线支付记录 (the standard list with export; 退款 for administrators),
the payment settings (支付账号信息维护), and the 收款 section of a work order's page (amount, QR code,
发起收款, 线下收款). Reads through payments.queries, writes through payments.services."""

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core import permissions
from shouhou.core.dialogs import finished
from shouhou.core.generic_views import ObjectActionView, ObjectEditView, ObjectListView, ObjectView
from shouhou.core.lists import Column, Filter, StandardList, Tab
from shouhou.core.numbers import format_amount
from shouhou.workorders.queries.orders import visible_work_orders

from . import queries, services
from .forms import OfflinePaymentForm, PaymentSettingsForm, RefundForm
from .models import Method, Payment


def qr_data_uri(content):
    return segno.make(content, error="m").svg_data_uri(scale=5, border=2)


def _time(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _refunds_text(payment):
    return "；".join(f"{format_amount(r.amount)} {r.reason}" for r in payment.refunds.all()) or "—"


class PaymentList(StandardList):
    key = "payments"
    title = gettext_lazy("Online payment records")
    template = "payments/list.html"
    search_fields = ["out_trade_no", "transaction_id", "reference", "order__number", "order__customer__name"]
    search_placeholder = gettext_lazy("Order number, customer or reference")
    default_sort = "-created_at"
    export_perm = "payment.export"
    empty_text = gettext_lazy("No payments yet")
    tabs = [
        Tab("all", gettext_lazy("All")),
        Tab("paid", gettext_lazy("Paid"), condition=lambda r: _q(status__in=queries.SETTLED_STATES)),
        Tab("pending", gettext_lazy("Awaiting payment"), condition=lambda r: _q(status=Payment.Status.PENDING)),
        Tab("refunded", gettext_lazy("Refunded"),
            condition=lambda r: _q(status__in=(Payment.Status.REFUNDED, Payment.Status.PARTLY_REFUNDED))),
    ]
    filters = [
        Filter("method", gettext_lazy("Payment method"), "method", choices=lambda r: Method.choices),
        Filter("status", gettext_lazy("Status"), "status", choices=lambda r: Payment.Status.choices),
        Filter("paid", gettext_lazy("Paid at"), "paid_at", kind="date_range"),
    ]

    def __init__(self, request):
        super().__init__(request)
        self.columns = [
            Column("order", gettext_lazy("Work-order number"), code=True, value=lambda p: p.order.number,
                   link=lambda p: reverse("workorders:detail", args=[p.order_id]), link_perm="workorder.view"),
            Column("customer", gettext_lazy("Customer"), value=lambda p: p.order.customer.name),
            Column("method", gettext_lazy("Payment method"), value=lambda p: p.get_method_display()),
            Column("amount", gettext_lazy("Amount"), kind="amount", sortable=True),
            Column("status", gettext_lazy("Status"), value=lambda p: p.get_status_display()),
            Column("reference", gettext_lazy("Reference"), code=True,
                   value=lambda p: p.transaction_id or p.reference or "—"),
            Column("out_trade_no", gettext_lazy("Merchant order number"), code=True, default=False),
            Column("refunded_amount", gettext_lazy("Refunded"), kind="amount"),
            Column("refunds", gettext_lazy("Refunds"), value=_refunds_text, default=False),
            Column("paid_at", gettext_lazy("Paid at"), sortable=True, value=lambda p: _time(p.paid_at)),
            Column("created_by", gettext_lazy("Created by"), default=False,
                   value=lambda p: p.created_by.name if p.created_by else "—"),
            Column("actions", gettext_lazy("Actions"), value=self.actions_cell, html=True, css="col-actions",
                   export=lambda p: ""),
        ]
        self.can_refund = permissions.has_perm(request.user, "payment.refund")

    def base_queryset(self, request):
        return queries.list_payments(request.user)

    def actions_cell(self, payment):
        if not (self.can_refund and payment.status in queries.SETTLED_STATES):
            return ""
        return render_to_string("payments/_actions.html", {"payment": payment}, request=self.request)


def _q(**lookups):
    from django.db.models import Q

    return Q(**lookups)


class PaymentListView(ObjectListView):
    permission = "payment.view"
    list_class = PaymentList


class RefundView(ObjectEditView):
    """退款: the amount (all that is left by default) and a reason; through the provider's adapter."""

    permission = "payment.refund"
    template = "payments/_refund.html"
    form_class = RefundForm
    modal = True

    def get_object(self, request, pk):
        return queries.get_payment(request.user, pk)

    def form_kwargs(self, request, payment):
        return {"initial": {"amount": payment.refundable, "expected_version": payment.version}}

    def save(self, request, form, payment):
        return services.refund(actor=request.user, payment=payment, amount=form.cleaned_data["amount"],
                               reason=form.cleaned_data["reason"],
                               expected_version=form.cleaned_data["expected_version"])

    def success_message(self, request, form, saved, created):
        return _("Refunded %(amount)s.") % {"amount": format_amount(saved.amount)}

    def get_context(self, request, form, payment):
        return {"form": form, "payment": payment, "title": _("Refund"),
                "action": reverse("payments:refund", args=[payment.pk])}


class SettingsView(ObjectEditView):
    permission = "payment.settings"
    template = "payments/settings.html"
    form_class = PaymentSettingsForm

    def save(self, request, form, obj):
        from shouhou.core import company_settings

        company_settings.update_settings(actor=request.user, values=form.setting_values(), request=request,
                                         permission="payment.settings")

    def success_message(self, request, form, saved, created):
        return _("Payment settings saved.")

    def success_url(self, request, saved, created):
        return reverse("payments:settings")


def _order(request, pk):
    from shouhou.core.errors import NotFound

    order = visible_work_orders(request.user).select_related("customer").filter(pk=pk).first()
    if order is None:
        raise NotFound()
    return order


class OrderSectionView(ObjectView):
    """The 收款 section of the work order's page (loaded into it by htmx, core.object_tabs)."""

    permission = "payment.view"
    template = "payments/_order_section.html"

    def get_object(self, request, pk):
        return _order(request, pk)

    def get_context(self, request, order):
        context = queries.collection(request.user, order)
        context["qr"] = qr_data_uri(context["pending"].code_url) if context["pending"] else ""
        context["can_collect"] = permissions.has_perm(request.user, "payment.collect")
        context["can_refund"] = permissions.has_perm(request.user, "payment.refund")
        return context


class RequestPaymentView(ObjectActionView):
    """发起收款: an online payment request (WeChat Pay or Alipay); the section then shows its QR code."""

    permission = "payment.collect"

    def get_object(self, request, pk):
        return _order(request, pk)

    def act(self, request, order):
        services.request_payment(actor=request.user, order=order, method=request.POST.get("method", ""))

    def success_url(self, request, order):
        return reverse("workorders:detail", args=[order.pk])


class OfflinePaymentView(ObjectEditView):
    """线下收款: cash or a transfer received, with a photo."""

    permission = "payment.collect"
    template = "payments/_offline.html"
    form_class = OfflinePaymentForm
    modal = True

    def get_object(self, request, pk):
        return _order(request, pk)

    def get_form(self, request, order):
        return OfflinePaymentForm(request.POST or None, request.FILES or None,
                                  methods=queries.enabled_methods(order.tenant))

    def save(self, request, form, order):
        data = form.cleaned_data
        return services.record_offline_with_photo(actor=request.user, order=order, method=data["method"],
                                                  file=data["photo"], reference=data.get("reference") or "",
                                                  note=data.get("note") or "")

    def success_message(self, request, form, saved, created):
        return _("Payment of %(amount)s recorded.") % {"amount": format_amount(saved.amount)}

    def saved(self, request, form, saved, *, created):
        super().saved(request, form, saved, created=created)
        return finished(request, reverse("workorders:detail", args=[saved.order_id]))

    def get_context(self, request, form, order):
        return {"form": form, "order": order, "title": _("Record a payment"), "multipart": True,
                "amount": queries.amount_due(order), "action": reverse("payments:offline", args=[order.pk])}
