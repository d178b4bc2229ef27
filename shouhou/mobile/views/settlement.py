"""工单结算 on the phone (MOB-07): tabs 未结算 / 已结算, search, cards (type, customer, 完成时间, 合计费用,
结算), and the settle page — the fee lines, the adjustment with its reason, a note and the company's
settlement fields (the same form as the console's, from 工单结算设置) — through settlement.services."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.errors import DomainError
from shouhou.core.permissions import has_perm, require
from shouhou.settlement import queries as settlement_queries
from shouhou.settlement import services as settlement_services
from shouhou.settlement.forms import settle_form_class
from shouhou.workorders import policy
from shouhou.workorders.queries import orders as order_queries

from .common import mobile_view

PAGE_SIZE = 30
TABS = (("unsettled", gettext_lazy("Unsettled")), ("settled", gettext_lazy("Settled")))


@mobile_view
def settlement_list(request):
    require(request.user, "settlement.view")
    tab = request.GET.get("tab") if request.GET.get("tab") in dict(TABS) else "unsettled"
    text = request.GET.get("q", "").strip()[:50]
    base = settlement_queries.settlement_orders(request.user)
    if text:
        base = order_queries.filter_work_orders(request.user, q=text, base_qs=base)
    tabs = [{"key": key, "label": label, "active": key == tab,
             "count": settlement_queries.filter_tab(base, key).count(),
             "url": reverse("mobile:settlement") + "?" + urlencode({"tab": key, "q": text})} for key, label in TABS]
    orders = list(settlement_queries.filter_tab(base, tab).order_by("-finished_at", "-pk")[:PAGE_SIZE])
    may_settle = has_perm(request.user, "settlement.settle")
    return render(request, "mobile/settlement.html", {
        "tab": "home", "tabs": tabs, "current_tab": tab, "text": text, "may_settle": may_settle,
        "cards": [{"order": order, "settled": settlement_queries.is_settled(order),
                   "can_settle": may_settle and not order.awaiting_approval
                   and policy.refusal(request.user, order, "settle") is None} for order in orders],
        "more": len(orders) == PAGE_SIZE})


@mobile_view
def settle(request, pk):
    require(request.user, "settlement.settle")
    order = settlement_queries.get_settlement_order(request.user, pk)
    form = settle_form_class()(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = settlement_services.settle(actor=request.user, order=order, **form.service_values())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Settlement sent for approval.") if order.awaiting_approval
                             else _("Settled work order %(number)s.") % {"number": order.number})
            return HttpResponseRedirect(reverse("mobile:settlement"))
    lines, total = settlement_services.fees_of(order)
    return render(request, "mobile/settle.html", {
        "tab": "home", "order": order, "form": form, "fee_lines": lines, "fee_total": total,
    }, status=400 if form.errors else 200)
