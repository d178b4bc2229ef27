"""工单池 on the phone (WO-23, issue 10): the pooled orders the engineer may claim, with 接单 on each card —
through services.pool.claim like the console and the API. 360 px wide: one card per row."""

from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shouhou.core import company_settings, geo
from shouhou.core.permissions import has_perm, require
from shouhou.messaging import subscriptions
from shouhou.workorders.queries import dispatch_map as map_queries
from shouhou.workorders.queries import pool as pool_queries
from shouhou.workorders.views import pool as pool_views

from .common import mobile_view

POOL_LIMIT = 50


@mobile_view
def pool(request):
    require(request.user, "workorder.view")
    orders = list(pool_queries.pool_list(request.user)[:POOL_LIMIT])
    may_claim = bool(company_settings.get("workorder.pool_enabled")) and has_perm(request.user, "workorder.execute")
    return render(request, "mobile/pool.html", {
        "tab": "home", "orders": orders, "may_claim": may_claim, "counts": pool_queries.pool_counts(request.user),
        "pool_enabled": company_settings.get("workorder.pool_enabled"), "map_config": geo.map_config(),
        "subscription": subscriptions.subscription_of(request.user, pool_queries.POOL_TOPIC)})


@mobile_view
def pool_map(request):
    """The pool's map view: the claimable orders with a position (each links to its card in the list, where
    接单 is), and the engineer's own fresh position; distances are from it."""
    require(request.user, "workorder.view")
    user = request.user
    origin = None
    if user.last_latitude is not None and user.last_located_at and user.last_located_at >= map_queries.fresh_after():
        origin = (user.last_latitude, user.last_longitude)
    points = map_queries.pool_points(user, origin=origin)
    for order in points["orders"]:
        order["url"] = f"#pool-{order['id']}"
    me = geo.map_point(*origin) if origin else None
    return JsonResponse({"orders": points["orders"], "unlocated_orders": points["unlocated"], "me": me})


@mobile_view
@require_POST
def subscribe(request):
    pool_views.subscription_from_post(request)  # the console's 订阅, answered for the phone
    return HttpResponseRedirect(reverse("mobile:pool"))


@mobile_view
@require_POST
def claim(request, pk):
    order, refusal = pool_views.claim_from_post(request, pk)  # the console's 接单, answered for the phone
    if order is None:
        messages.error(request, refusal)
        return HttpResponseRedirect(reverse("mobile:pool"))
    return HttpResponseRedirect(reverse("mobile:order_detail", args=[order.pk]))
