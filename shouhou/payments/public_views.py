"""The sandbox provider's payer page (no login): what the sandbox QR code opens. It shows the company, the
order number and the amount; 确认支付 makes the sandbox send its signed notification through the same path
a provider's takes (services.sandbox_pay → handle_notification). Only sandbox payments have such a page."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from shouhou.core.errors import DomainError
from shouhou.core.tenancy import tenant_context

from . import services
from .models import Payment


@csrf_exempt  # a stand-in for the provider's own page: nothing of the visitor's is at stake
@require_http_methods(["GET", "POST"])
def sandbox_pay(request, out_trade_no):
    payment = Payment.all_tenants.select_related("tenant", "order").filter(
        out_trade_no=str(out_trade_no)[:32], provider="sandbox").first()
    if payment is None:
        return _page({"missing": True}, status=404)
    error = ""
    if request.method == "POST" and payment.status == Payment.Status.PENDING:
        try:
            services.sandbox_pay(payment.out_trade_no)
        except DomainError as exc:
            error = str(exc.message)
        payment.refresh_from_db()
    with tenant_context(payment.tenant):
        return _page({"payment": payment, "company_name": payment.tenant.display_name, "error": error,
                      "method": payment.get_method_display(), "paid": payment.status != Payment.Status.PENDING
                      and payment.status != Payment.Status.CLOSED, "closed": payment.status == Payment.Status.CLOSED},
                     status=400 if error else 200)


def _page(context, status=200):
    response = HttpResponse(render_to_string("payments/sandbox_pay.html", context), status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
