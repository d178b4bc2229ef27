"""地图派单 (WO-25, issue 10): the dispatch map page, its data (JSON the page's script draws) and assigning
from it through the flow's assign action (`services.actions.assign`, like the assign dialog and the API).

- GET  map/                    the page (static/workorders/dispatch_map.js draws it with static/core/maps.js)
- GET  map/data/?show=         {"orders", "engineers", "unlocated_orders", "unlocated_engineers"}
- GET  map/<pk>/distances/     {"order", "candidates"}: the order's candidates with a position, nearest first
- POST map/<pk>/assign/        assignee, expected_version, note → back to the map with the outcome flashed

People on the WOSET-D4 list are in none of these answers (queries.dispatch_map)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core import geo
from shouhou.core.bounds import MAX_ID, parse_id
from shouhou.core.errors import Conflict, DomainError, NotFound
from shouhou.core.permissions import require

from ..queries import dispatch_map as map_queries
from ..queries import orders as order_queries
from ..services import actions as order_actions

PERM = "workorder.assign"


def _show(request):
    """"dispatch" (待指派, 工单池) or "open" (every open order); None for anything else."""
    show = request.GET.get("show", "dispatch")
    return show if show in map_queries.SHOW_CHOICES else None


@login_required
def dispatch_map(request):
    require(request.user, PERM)
    return render(request, "workorders/dispatch_map.html", {
        "map_config": geo.map_config(), "show": _show(request) or "dispatch",
        "data_url": reverse("workorders:map_data"),
    })


@login_required
def map_data(request):
    require(request.user, PERM)
    show = _show(request)
    if show is None:
        return JsonResponse({"code": "validation_error", "message": _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(map_queries.SHOW_CHOICES)}, "details": {}}, status=400)
    orders = map_queries.map_orders(request.user, show)
    engineers = map_queries.map_engineers(request.user)
    return JsonResponse({
        "orders": orders["orders"], "unlocated_orders": orders["unlocated"],
        "engineers": engineers["engineers"], "unlocated_engineers": engineers["unlocated"],
    })


def _order(request, pk):
    require(request.user, PERM)
    if pk > MAX_ID:
        raise NotFound()
    return order_queries.get_work_order(request.user, pk)


@login_required
def order_distances(request, pk):
    order = _order(request, pk)
    return JsonResponse({"order": map_queries.order_point(order, actor=request.user, with_actions=True),
                         "candidates": map_queries.order_distances(request.user, order)})


@login_required
@require_POST
def map_assign(request, pk):
    """指派 from the map: the flow's assign action; a stale page or a refusal is flashed, nothing changes."""
    order = _order(request, pk)
    version = request.POST.get("expected_version", "")
    assignee = parse_id(request.POST.get("assignee", ""))
    back = reverse("workorders:map") + (f"?show={request.POST['show']}" if request.POST.get("show") == "open" else "")
    if assignee is None:
        messages.error(request, _("Choose the person to assign."))
        return redirect(back)
    try:
        order = order_actions.assign(
            actor=request.user, order=order, assignee=assignee, note=request.POST.get("note", ""),
            expected_version=int(version) if version.isdigit() and len(version) < 10 else None)
    except NotFound:
        raise
    except Conflict:
        messages.error(request, _("Work order %(number)s was changed by someone else meanwhile; look again.") % {
            "number": order.number})
    except DomainError as exc:
        messages.error(request, exc.first_message())
    else:
        messages.success(request, _("Work order %(number)s assigned to %(name)s.") % {
            "number": order.number, "name": order.assignee.name})
    return redirect(back)
