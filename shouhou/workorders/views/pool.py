"""工单池 (WO-23): the pool page — KPI cards (待接受工单, 超时工单, today's claims) above a standard list of
the pooled orders the user may claim, with 接单 per row — and the claim itself (a POST, through
services.pool.claim like the API and the phone), plus 批量发布到工单池 from the 待指派 list."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_POST

from shouhou.core import company_settings, geo
from shouhou.core.errors import DomainError, NotFound
from shouhou.core.lists import Column, StandardList, render_list
from shouhou.core.permissions import has_perm, require
from shouhou.messaging import subscriptions

from ..forms import BatchPublishForm
from ..queries import dispatch_map as map_queries
from ..queries import pool as pool_queries
from ..services import pool as pool_services
from .lists import _batch_dialog, system_columns

POOL_COLUMNS = ("number", "customer", "product", "planned_at", "service_type", "service_content", "created_at",
                "updated_at")


class PoolList(StandardList):
    key = "workorders_pool"
    title = gettext_lazy("Work-order pool")
    template = "workorders/pool.html"
    empty_text = gettext_lazy("The pool is empty")
    search_fields = ["number", "customer__name"]
    search_placeholder = gettext_lazy("Number or customer name")
    default_sort = "-created_at"

    def __init__(self, request):
        super().__init__(request)
        by_key = {column.key: column for column in system_columns()}
        self.columns = [replace(by_key[key], default=True) for key in POOL_COLUMNS if key in by_key] + [
            Column("claim_action", gettext_lazy("Operation"), value=self.claim_cell, html=True,
                   css="col-sticky-end", export=lambda order: "")]
        self.may_claim = (bool(company_settings.get("workorder.pool_enabled"))
                          and has_perm(request.user, "workorder.execute"))

    def base_queryset(self, request):
        require(request.user, "workorder.view")
        return pool_queries.pool_list(request.user)

    def claim_cell(self, order):
        if not self.may_claim:
            return ""
        return format_html(
            '<form method="post" action="{}" class="d-inline" data-claim="{}">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="expected_version" value="{}">'
            '<button class="btn btn-sm btn-primary py-0">{}</button></form>',
            reverse("workorders:pool_claim", args=[order.pk]), order.pk, get_token(self.request), order.version,
            pgettext("work-order pool", "Claim"))

    def extra_context(self, request):
        return {"pool_counts": pool_queries.pool_counts(request.user),
                "pool_enabled": company_settings.get("workorder.pool_enabled"),
                "map_config": geo.map_config(), "map_url": reverse("workorders:pool_map_data"),
                "subscription": subscriptions.subscription_of(request.user, pool_queries.POOL_TOPIC)}


@login_required
def pool(request):
    return render_list(request, PoolList)


@login_required
def pool_map_data(request):
    """The pool's map view (console and phone): {"orders", "unlocated_orders"} of the claimable orders."""
    require(request.user, "workorder.view")
    points = map_queries.pool_points(request.user)
    return JsonResponse({"orders": points["orders"], "unlocated_orders": points["unlocated"]})


def claim_from_post(request, pk):
    """接单 from a posted form (console and phone): (order, None) when it is his, else (None, the refusal in
    words). Another company's order, or one outside his part of the pool, is a 404 like any other."""
    require(request.user, "workorder.view")
    version = request.POST.get("expected_version", "")
    try:
        order = pool_services.claim(actor=request.user, order=pk,
                                    expected_version=int(version) if version.isdigit() and len(version) < 10 else None)
    except NotFound:
        raise
    except DomainError as exc:
        return None, exc.first_message()
    messages.success(request, _("Claimed work order %(number)s.") % {"number": order.number})
    return order, None


def subscription_from_post(request):
    """订阅 / 取消订阅 the pool from a posted form (console and phone): `subscribe` 1 or 0, `each_new` on
    to hear of each new order too. Only one's own subscription."""
    require(request.user, "workorder.view")
    if request.POST.get("subscribe", "1") == "0":
        subscriptions.unsubscribe(actor=request.user, topic=pool_queries.POOL_TOPIC)
        messages.success(request, _("You no longer follow the work-order pool."))
        return
    each_new = request.POST.get("each_new") in ("1", "on")
    subscriptions.subscribe(actor=request.user, topic=pool_queries.POOL_TOPIC, each_new=each_new)
    messages.success(request, _("You follow the work-order pool: you are told of each new order and of orders "
                                "nobody claims in time.") if each_new else
                     _("You follow the work-order pool: you are told of orders nobody claims in time."))


@login_required
@require_POST
def subscribe(request):
    subscription_from_post(request)
    return redirect("workorders:pool")


@login_required
@require_POST
def claim(request, pk):
    order, refusal = claim_from_post(request, pk)
    if order is None:
        messages.error(request, refusal)
        return redirect("workorders:pool")
    return redirect("workorders:detail", order.pk)


@login_required
def batch_publish(request):
    require(request.user, "workorder.assign")
    return _batch_dialog(
        request, form_class=BatchPublishForm, title=_("Publish to the pool"), url_name="workorders:batch_publish", note_only=True,
        perform=lambda orders, data: pool_services.batch_publish(actor=request.user, orders=orders,
                                                                 note=data["note"]),
        done_message=lambda n: ngettext("Published %(n)s work order to the pool.",
                                        "Published %(n)s work orders to the pool.", n) % {"n": n})
