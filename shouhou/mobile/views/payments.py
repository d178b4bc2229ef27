"""收款 on the phone (PAY-02): after 回执并完成 the engineer shows the customer the amount and a QR code to pay
(WeChat Pay or Alipay, through shouhou.payments), or records cash or a transfer with a photo. The page
refreshes its status every few seconds while a QR code is open, so the engineer sees 已支付 when the
provider's notification arrives."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from shouhou.core.errors import DomainError, ValidationFailed
from shouhou.core.numbers import format_amount
from shouhou.core.permissions import has_perm, require
from shouhou.payments import queries as payment_queries
from shouhou.payments import services as payment_services
from shouhou.payments.forms import OfflinePaymentForm
from shouhou.payments.views import qr_data_uri

from .common import get_order, mobile_view


def wants_payment(user, order):
    """Whether 回执并完成 leads on to 收款: the company collects at completion and the order has fees."""
    return (has_perm(user, "payment.collect") and payment_queries.collecting(order.tenant)
            and payment_queries.amount_due(order) > 0)


def shows_payment(user, order):
    """Whether the finished order's page offers 收款: it has fees and the user may see payments."""
    return has_perm(user, "payment.view") and payment_queries.amount_due(order) > 0


def _post(request, order, form):
    if request.POST.get("kind") == "online":
        payment_services.request_payment(actor=request.user, order=order, method=request.POST.get("method", ""))
        return None
    if not form.is_valid():
        return form
    data = form.cleaned_data
    payment = payment_services.record_offline_with_photo(
        actor=request.user, order=order, method=data["method"], file=data["photo"],
        reference=data.get("reference") or "", note=data.get("note") or "")
    messages.success(request, _("Payment of %(amount)s recorded.") % {"amount": format_amount(payment.amount)})
    return None


@mobile_view
def pay(request, pk):
    order = get_order(request, pk)
    require(request.user, "payment.view")
    context = payment_queries.collection(request.user, order)
    form = OfflinePaymentForm(request.POST or None, request.FILES or None, methods=context["methods"])
    status = 200
    if request.method == "POST":
        require(request.user, "payment.collect")
        try:
            failed = _post(request, order, form)
        except ValidationFailed as exc:
            form.add_domain_error(exc)
            failed = form
            if "method" in exc.details and request.POST.get("kind") == "online":
                messages.error(request, exc.first_message())
                return HttpResponseRedirect(request.path)
        except DomainError as exc:
            messages.error(request, exc.first_message())
            return HttpResponseRedirect(request.path)
        if failed is None:
            return HttpResponseRedirect(request.path)
        status = 400
        context = payment_queries.collection(request.user, order)
    context.update({
        "tab": "orders", "form": form, "qr": qr_data_uri(context["pending"].code_url) if context["pending"] else "",
        "offline": [m for m in context["methods"] if m in ("cash", "transfer")],
        "online": [m for m in context["methods"] if m in ("wechat", "alipay")] if context["collecting"] else [],
        "section_url": reverse("mobile:pay", args=[order.pk]) + "?part=status",
    })
    if request.GET.get("part") == "status":
        response = render(request, "mobile/_pay_status.html", context)
        if context["paid"] and request.htmx:
            response["HX-Refresh"] = "true"  # paid while the QR code was shown: the whole page changes
        return response
    return render(request, "mobile/pay.html", context, status=status)
