"""工单详情 (WO-05): header actions by the flow, progress, info, related data, timeline, exceptions,
approvals, add-on components, notes (WO-31), time tracking (WO-32), the action dialogs and the print view.

Each action dialog posts the `expected_version` the page showed: a stale page gets "changed by someone
else" and nothing happens; an action the flow no longer allows gets the flow's reason.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shouhou.core import company_settings, forms_engine, geo, object_tabs
from shouhou.core.dialogs import finished, render_modal, show_error
from shouhou.core.errors import Conflict, DomainError, ValidationFailed
from shouhou.core.permissions import has_perm, require

from .. import flow, policy
from ..forms import (
    AssignForm,
    ConfirmForm,
    NoteForm,
    OrderNoteForm,
    ReasonForm,
    TransferForm,
    receipt_form_class,
)
from ..models import Receipt, Status
from ..queries import candidates as candidate_queries
from ..queries import dispatch_map as map_queries
from ..queries import orders as order_queries
from ..queries import types as type_queries
from ..services import actions as order_actions
from ..services import orders as order_services
from ..services import pool as pool_services
from ..services import receipts as receipt_services
from . import receipt_lines as receipt_line_views
from .common import STATUS_CSS, customer_url, product_url, record_actions, store_uploads, submit_component

STALE_MESSAGE = gettext_lazy("The work order was changed by someone else; please reload it.")


@dataclass(frozen=True)
class ActionSpec:
    form: type
    icon: str
    style: str = "outline-secondary"
    candidates: bool = False
    confirm_text: str = ""


ACTIONS = {
    "assign": ActionSpec(AssignForm, "bi-person-plus", "primary", candidates=True),
    "accept": ActionSpec(ConfirmForm, "bi-check2-circle", "primary",
                         confirm_text=gettext_lazy("Accept this work order?")),
    "reject": ActionSpec(ReasonForm, "bi-x-circle", "outline-danger"),
    "transfer": ActionSpec(TransferForm, "bi-arrow-left-right", candidates=True),
    "start": ActionSpec(ConfirmForm, "bi-play-circle", "primary",
                        confirm_text=gettext_lazy("Start the work now?")),
    "pause": ActionSpec(ReasonForm, "bi-pause-circle"),
    "resume": ActionSpec(ConfirmForm, "bi-play-circle", "primary",
                         confirm_text=gettext_lazy("Resume the work order?")),
    "complete": ActionSpec(None, "bi-check2-square", "success"),
    "close": ActionSpec(NoteForm, "bi-lock", "primary"),
    "cancel": ActionSpec(ReasonForm, "bi-slash-circle", "outline-danger"),
    "reopen": ActionSpec(ReasonForm, "bi-arrow-counterclockwise"),
    "publish": ActionSpec(NoteForm, "bi-inbox"),  # 发布到工单池 / hand back (WOSET-P1, P6)
}
STEP_TIMES = {"create": "created_at", "assign": "assigned_at", "accept": "accepted_at", "start": "started_at",
              "finish": "finished_at", "close": "closed_at"}


def _order(request, pk):
    require(request.user, "workorder.view")
    return order_queries.get_work_order(request.user, pk)


# --- the page -----------------------------------------------------------------------------------------------

def progress_steps(order, flow_config):
    """The progress bar: the enabled nodes that set a status, with done / current and their times."""
    steps = flow.enabled_steps(flow_config)
    statuses = [status for _node, status in steps]
    current = statuses.index(order.status) if order.status in statuses else (
        0 if order.status in (Status.PENDING, Status.POOLED) else -1)
    result = []
    for index, (node, status) in enumerate(steps):
        moment = getattr(order, STEP_TIMES[node]) if node in STEP_TIMES else None
        result.append({"node": node, "label": flow.NODE_LABELS[node], "status": Status(status).label,
                       "done": 0 <= index <= current and order.status != Status.CANCELLED,
                       "current": index == current and order.status != Status.CANCELLED, "at": moment})
    return result


def header_actions(request, order):
    """The header buttons: the flow's actions the actor may take now, in a sensible order, then a module's
    node (结算 …), whose own dialog is registered on the "workorder" page (core.object_actions), when the
    flow and the policy allow it now; the page's other buttons (服务报告 …) are under 更多 (record_actions)."""
    allowed = policy.allowed_actions(request.user, order)
    items = [{"key": key, "label": flow.action_label(key, order), "icon": ACTIONS[key].icon,
              "style": ACTIONS[key].style, "url": reverse(f"workorders:action_{key}", args=[order.pk])}
             for key in ACTIONS if key in allowed]
    module_nodes, _others = record_actions("workorder", request.user, order, allowed)
    return items + [{**item, "style": "primary"} for item in module_nodes]


def _components(request, order, editable):
    tabs = []
    for component in order.order_type.components.filter(is_enabled=True):
        schema = forms_engine.get_schema(component.form_target)
        entries = order_queries.component_entries(order, component)
        refs = forms_engine.display_context(schema, [entry.fields for entry in entries])
        rows = [{"entry": entry, "values": forms_engine.display_values(schema, entry.fields, refs=refs),
                 "edit_url": reverse("workorders:component_edit", args=[order.pk, component.pk, entry.pk])}
                for entry in entries]
        can_add = editable and (component.repeatable or not entries)
        tabs.append({"component": component, "rows": rows, "editable": editable,
                     "add_url": reverse("workorders:component_add", args=[order.pk, component.pk]) if can_add else ""})
    return tabs


def _receipt(order):
    receipt = Receipt.objects.filter(order=order).select_related("submitted_by").first()
    if receipt is None:
        return None
    schema = forms_engine.get_schema(order.order_type.receipt_target)
    return {"receipt": receipt, "values": forms_engine.display_values(schema, receipt.fields, include_empty=False),
            **receipt_line_views.fees_context(order, receipt)}


def _detail_context(request, order, read_only=False):
    """The page's context; `read_only` (an approver outside the order's scope) offers only the decision."""
    user = request.user
    flow_config = flow.normalize(order.order_type.flow)
    schema = forms_engine.get_schema(order.order_type.form_target)
    approvals = list(order_queries.order_approvals(order))
    time_rows, time_report = order_queries.time_rows(order)
    may_fill = not read_only and policy.may(user, order, "fill")
    then = request.GET.get("then", "")
    actions = [] if read_only else header_actions(request, order)
    return {
        "order": order,
        "read_only": read_only,
        "status_css": STATUS_CSS.get(order.status, ""),
        "actions": actions,
        "auto_action": next((a["url"] for a in actions if a["key"] == then), ""),
        "can_edit": not read_only and policy.may(user, order, "edit"),
        "can_copy": not read_only and has_perm(user, "workorder.create"),
        "steps": progress_steps(order, flow_config),
        "cancelled": order.status == Status.CANCELLED,
        "custom_values": forms_engine.display_values(schema, order.fields),
        "collaborators": list(order.collaborators.all()),
        "customer_url": customer_url(order.customer_id, user),
        "product_url": product_url(order.product_id, user),
        "other_orders": order_queries.other_orders_of_product(user, order),
        "entries": order_queries.timeline_of(order),
        "flags": order_queries.open_flags(order),
        "approvals": [{"approval": a, "actions": policy.approval_actions(user, a),
                       "action_label": flow.ACTION_LABELS.get(a.action, a.action),
                       "approvers": list(a.approvers.all())} for a in approvals],
        "notes": list(order_queries.notes_of(order)),
        "note_form": OrderNoteForm(),
        "receipt": _receipt(order),
        "time_rows": time_rows,
        "time_report": time_report,
        "components": _components(request, order, may_fill),
        "deadline_label": flow.NODE_LABELS.get(order.deadline_node, "") if order.deadline_node else "",
        # buttons of later modules (service report, printing with a template): core.object_actions
        "record_actions": [] if read_only else record_actions("workorder", user, order)[1],
        # 收款 (the payments module's section, loaded by htmx) once the order is finished
        "payment_section_url": "" if read_only or order.status not in flow.DONE_STATUSES
        else object_tabs.url("workorder", "payment", user, order),
        # 回访 (the visits module's tab, core.object_tabs): shown once the order is finished
        "visits_tab": "" if read_only or not flow.is_finished_status(order.status)
        else object_tabs.url("workorder", "visits", user, order),
    }


@login_required
def detail(request, pk):
    """The order within the actor's scope, or read-only for an approver who must decide on it; a link
    gone stale (transferred away, deleted) gets the kit's dead-end page (core.gone) saying so."""
    order, read_only = order_queries.open_work_order(request.user, pk)
    return render(request, "workorders/detail.html", _detail_context(request, order, read_only))


@login_required
def print_view(request, pk):
    """A clean printable page; the browser prints it (WO-33)."""
    order = _order(request, pk)
    schema = forms_engine.get_schema(order.order_type.form_target)
    return render(request, "workorders/print.html", {
        "order": order, "custom_values": forms_engine.display_values(schema, order.fields, include_empty=False),
        "receipt": _receipt(order), "collaborators": list(order.collaborators.all()),
        "steps": progress_steps(order, flow.normalize(order.order_type.flow)),
    })


# --- action dialogs -----------------------------------------------------------------------------------------

def _conflict(form, exc):
    """A stale page or an action the flow no longer allows: say so, change nothing."""
    if isinstance(exc, flow.NotAllowed):
        form.add_error(None, str(exc.message))
    else:
        form.add_error(None, str(STALE_MESSAGE))
    form.stale = True


def _perform(actor, order, action, data, version):
    if action == "assign":
        return order_actions.assign(actor=actor, order=order, assignee=data["assignee"], note=data["note"],
                               expected_version=version)
    if action == "transfer":
        return order_actions.transfer(actor=actor, order=order, assignee=data["assignee"], note=data["note"],
                                 expected_version=version)
    if action in ("reject", "pause", "cancel", "reopen"):
        return getattr(order_actions, action)(actor=actor, order=order, reason=data["reason"], expected_version=version)
    if action == "publish":
        return pool_services.publish(actor=actor, order=order, note=data["note"], expected_version=version)
    if action == "close":
        return order_actions.close(actor=actor, order=order, note=data["note"], expected_version=version)
    return getattr(order_actions, action)(actor=actor, order=order, expected_version=version)


@login_required
def action(request, pk, action):
    order = _order(request, pk)
    if action == "complete":
        return _complete(request, order)
    spec = ACTIONS[action]
    form = spec.form(request.POST or None, initial={"expected_version": order.version})
    if spec.candidates:
        form.set_candidates(candidate_queries.ranked_candidates(request.user, order,
                                                                search=request.GET.get("q", "")[:50]))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            _perform(request.user, order, action, form.cleaned_data, form.cleaned_data["expected_version"])
        except Conflict as exc:
            _conflict(form, exc)
            status = 409
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("%(action)s: done.") % {"action": flow.action_label(action, order)})
            return finished(request, reverse("workorders:detail", args=[order.pk]))
    if form.errors and status == 200:
        status = 400
    return render_modal(request, "workorders/_action.html", {
        "form": form, "order": order, "action_key": action, "spec": spec, **_dialog_map(request, order, form),
        "title": flow.action_label(action, order), "action": reverse(f"workorders:action_{action}", args=[order.pk]),
        "available": action in policy.allowed_actions(request.user, order),
        "candidates": getattr(form, "candidates", None), "search": request.GET.get("q", ""),
        "ranked": spec.candidates,
    }, status=status)


def _dialog_map(request, order, form):
    """WOSET-D2: the assign / transfer dialog's map — the order and its candidates with a position (never the
    hidden ones), a click on a person choosing him — when the setting is on and the order has a position."""
    candidates = getattr(form, "candidates", None)
    if not candidates or order.latitude is None or not company_settings.get("workorder.assign_map"):
        return {"map_payload": None}
    rows = map_queries.order_distances(request.user, order, ranked=candidates)
    if not rows:
        return {"map_payload": None}
    return {"map_config": geo.map_config(),
            "map_payload": {"order": map_queries.order_point(order), "candidates": rows}}


def _complete(request, order):
    """完成: the receipt (content, photos and files, signature, custom fields); 暂存 keeps a draft."""
    draft = Receipt.objects.filter(order=order).first()
    form_class = receipt_form_class(order.order_type, draft.fields if draft else None,
                                    draft=request.method == "POST" and "draft" in request.POST)
    initial = {"expected_version": order.version, "content": draft.content if draft else ""}
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    status, line_errors = 200, None
    if request.method == "POST" and form.is_valid():
        saving_draft = "draft" in request.POST
        try:
            values = {**_receipt_values(request, form, draft), **receipt_line_views.lines_from_post(request.POST)}
            if saving_draft:
                receipt_services.save_receipt_draft(actor=request.user, order=order, **values)
            else:
                order_actions.complete(actor=request.user, order=order, expected_version=form.cleaned_data[
                    "expected_version"], **values)
        except Conflict as exc:
            _conflict(form, exc)
            status = 409
        except DomainError as exc:
            line_errors, rest = receipt_line_views.split_errors(exc)
            if rest or not any(line_errors.values()):
                if isinstance(exc, ValidationFailed):
                    exc.details = rest
                show_error(form, exc)
            else:
                form.add_error(None, _("Correct the parts and service items below."))
        else:
            messages.success(request, _("Receipt draft saved.") if saving_draft else _("The work order is complete."))
            return finished(request, reverse("workorders:detail", args=[order.pk]))
    if form.errors and status == 200:
        status = 400
    return render_modal(request, "workorders/_complete.html", {
        **receipt_line_views.lines_context(request.user, order, draft, request.POST if request.method == "POST" else None,
                                           line_errors, reverse("workorders:receipt_quote", args=[order.pk])),
        "form": form, "order": order, "draft": draft, "title": _("Receipt and complete"),
        "action": reverse("workorders:action_complete", args=[order.pk]),
        "available": "complete" in policy.allowed_actions(request.user, order),
        "options": order.order_type.receipt_options or {},
    }, status=status)


@login_required
@require_POST
def receipt_quote(request, pk):
    """The 回执 dialog's live repricing (receipt_lines.js)."""
    return receipt_line_views.quote_response(request, _order(request, pk))


def _receipt_values(request, form, draft):
    keep = set(request.POST.getlist("attachments-keep"))
    kept = [ref for ref in (draft.attachments if draft else []) if ref.get("url") in keep]
    signature = form.cleaned_data.get("signature") or None
    if signature is None and draft and draft.signature and not request.POST.get("signature-clear"):
        signature = draft.signature
    return {"content": form.cleaned_data.get("content") or "",
            "attachments": kept + store_uploads(request.user, request.FILES.getlist("attachments")),
            "signature": signature, "fields": form.custom_values or {}}


# --- notes and add-on components ------------------------------------------------------------------------------

@login_required
@require_POST
def note_add(request, pk):
    order = _order(request, pk)
    form = OrderNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the note first."))
    else:
        order_services.add_note(actor=request.user, order=order, content=form.cleaned_data["content"],
                          attachments=store_uploads(request.user, request.FILES.getlist("files")),
                          sms_to_contact=form.cleaned_data["sms_to_contact"])
        messages.success(request, _("Note added.") if not form.cleaned_data["sms_to_contact"]
                         else _("Note added and texted to %(phone)s.") % {"phone": order.contact_phone})
    return HttpResponseRedirect(reverse("workorders:detail", args=[order.pk]) + "#tab-notes")


def _component_dialog(request, order, component, entry=None):
    form, saved = submit_component(request, order, component, entry)
    if saved:
        return finished(request, reverse("workorders:detail", args=[order.pk]))
    url = (reverse("workorders:component_edit", args=[order.pk, component.pk, entry.pk]) if entry
           else reverse("workorders:component_add", args=[order.pk, component.pk]))
    return render_modal(request, "workorders/_component_entry.html", {
        "form": form, "order": order, "component": component, "title": component.name, "action": url,
    }, status=400 if form.errors else 200)


@login_required
def component_add(request, pk, component_id):
    order = _order(request, pk)
    return _component_dialog(request, order, type_queries.type_of_order_component(order, component_id))


@login_required
def component_edit(request, pk, component_id, entry_id):
    order = _order(request, pk)
    component, entry = order_queries.component_and_entry(order, component_id, entry_id)
    return _component_dialog(request, order, component, entry)
