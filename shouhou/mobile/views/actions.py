"""The engineer's actions on one order (MOB-14…16): 接受 / 拒绝, 开始, 暂停 / 继续, 转派, notes, add-on components.

Each action posts the `expected_version` the page showed. A stale page gets "工单已被他人修改" and the
detail is loaded afresh; an action the flow no longer allows gets the flow's reason. Either way the
service refused before writing anything.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core import company_settings
from shouhou.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from shouhou.workorders import flow, policy
from shouhou.workorders.queries import candidates as candidate_queries
from shouhou.workorders.queries import orders as order_queries
from shouhou.workorders.queries import types as type_queries
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import pool as pool_services
from shouhou.workorders.views.common import submit_component

from .common import STALE_MESSAGE, expected_version, first_message, get_order, mobile_view, store_files

SIMPLE_ACTIONS = ("accept", "reject", "start", "pause", "resume", "publish")


def detail_url(order, anchor=""):
    return reverse("mobile:order_detail", args=[order.pk]) + (f"#{anchor}" if anchor else "")


def refusal_message(exc):
    """What the phone says when a service refuses: stale page, the flow's reason, or the field error."""
    if isinstance(exc, Conflict) and not isinstance(exc, flow.NotAllowed):
        return str(STALE_MESSAGE)
    return first_message(exc)


def _run(request, order, action):
    data, version = request.POST, expected_version(request)
    if action == "start":
        return order_actions.start(actor=request.user, order=order, latitude=data.get("latitude") or None,
                              longitude=data.get("longitude") or None, expected_version=version)
    if action in ("reject", "pause"):
        return getattr(order_actions, action)(actor=request.user, order=order, reason=data.get("reason", ""),
                                         expected_version=version)
    if action == "publish":  # handing an assigned order back to the pool (WOSET-P6)
        return pool_services.publish(actor=request.user, order=order, note=data.get("note", ""),
                                     expected_version=version)
    return getattr(order_actions, action)(actor=request.user, order=order, expected_version=version)


@mobile_view
@require_POST
def order_action(request, pk, action):
    """接受 / 拒绝 (reason) / 开始 (with the position) / 暂停 (reason) / 继续 / 退回工单池 (note), then back to
    the detail — or, for the order handed back to the pool, which is nobody's now, to the pool."""
    order = get_order(request, pk)
    label = flow.action_label(action, order)
    try:
        order = _run(request, order, action)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, refusal_message(exc))
    else:
        if order.awaiting_approval:
            messages.info(request, _("%(action)s is waiting for approval.") % {"action": label})
        else:
            messages.success(request, _("%(action)s: done.") % {"action": label})
        if order.location_anomaly and action == "start":
            messages.warning(request, _("Your position is far from the order address; it was flagged."))
        if action == "publish":
            return HttpResponseRedirect(reverse("mobile:pool"))
    return HttpResponseRedirect(detail_url(order))


@mobile_view
def transfer(request, pk):
    """转派 (MOB-15): pick a colleague from the ranked candidates (派单推荐: distance, load, clash), with the note."""
    order = get_order(request, pk)
    search = request.GET.get("q", "").strip()[:30]
    if request.method == "POST":
        try:
            assignee = int(request.POST.get("assignee") or 0)
            if not assignee:
                raise ValidationFailed(details={"assignee": [_("Choose the colleague to transfer to.")]})
            order = order_actions.transfer(actor=request.user, order=order, assignee=assignee,
                                      note=request.POST.get("note", ""), expected_version=expected_version(request))
        except ValueError:
            messages.error(request, _("Choose the colleague to transfer to."))
        except NotFound:
            raise
        except Conflict as exc:
            messages.error(request, refusal_message(exc))
            return HttpResponseRedirect(detail_url(order))
        except DomainError as exc:
            messages.error(request, first_message(exc))
        else:
            messages.success(request, _("%(action)s: done.") % {"action": flow.ACTION_LABELS["transfer"]})
            return HttpResponseRedirect(detail_url(order))
    return render(request, "mobile/transfer.html", {
        "tab": "orders", "order": order, "search": search,
        "available": "transfer" in policy.allowed_actions(request.user, order),
        "candidates": candidate_queries.ranked_candidates(request.user, order, search=search, limit=100),
        "note_required": company_settings.get("workorder.transfer_note_required"),
        "chosen": request.POST.get("assignee", ""), "note": request.POST.get("note", ""),
    }, status=400 if request.method == "POST" else 200)


@mobile_view
@require_POST
def note_add(request, pk):
    """备注 with photos from the phone (WO-31)."""
    order = get_order(request, pk)
    try:
        photos = store_files(request.user, request.FILES.getlist("photos"), field="photos", images_only=True)
        order_services.add_note(actor=request.user, order=order, content=request.POST.get("content", ""),
                          attachments=photos)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, first_message(exc))
    else:
        messages.success(request, _("Note added."))
    return HttpResponseRedirect(detail_url(order, "notes"))


def _component_page(request, order, component, entry=None):
    form, saved = submit_component(request, order, component, entry)
    if saved:
        return HttpResponseRedirect(detail_url(order, f"component-{component.pk}"))
    return render(request, "mobile/component.html", {
        "tab": "orders", "order": order, "component": component, "form": form, "entry": entry,
    }, status=400 if form.errors else 200)


@mobile_view
def component_add(request, pk, component_id):
    """Fill in an add-on component of the order (WO-28)."""
    order = get_order(request, pk)
    return _component_page(request, order, type_queries.type_of_order_component(order, component_id))


@mobile_view
def component_edit(request, pk, component_id, entry_id):
    order = get_order(request, pk)
    component, entry = order_queries.component_and_entry(order, component_id, entry_id)
    return _component_page(request, order, component, entry)
