"""工单 on the phone: the list (MOB-11) and the detail (MOB-16) with its progress, countdown, navigation,
contact, information, custom fields, timeline, notes, add-on components and time tracking."""

from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse

from shouhou.core import company_settings, forms_engine
from shouhou.core.bounds import parse_page
from shouhou.core.durations import duration_text
from shouhou.core.geo import navigation_url
from shouhou.core.permissions import has_perm, require
from shouhou.workorders import flow, policy
from shouhou.workorders.models import Status
from shouhou.workorders.queries import orders as order_queries
from shouhou.workorders.views import receipt_lines as receipt_line_views
from shouhou.workorders.views.common import record_actions

from .. import queries
from . import payments as payment_views
from .common import countdown_text, mobile_view

PAGE_SIZE = 20
# the actions the phone offers, in the order of the action bar (the console has the others)
MOBILE_ACTIONS = ("accept", "reject", "start", "pause", "resume", "complete", "transfer", "publish")
PRIMARY_ACTIONS = ("accept", "start", "resume", "complete")
STEP_TIMES = {"create": "created_at", "assign": "assigned_at", "accept": "accepted_at", "start": "started_at",
              "finish": "finished_at", "close": "closed_at"}


# --- the list -------------------------------------------------------------------------------------------

def _list_params(request):
    user = request.user
    scope = request.GET.get("scope") or queries.default_scope(user)
    if scope not in dict(queries.SCOPES):
        scope = queries.default_scope(user)
    tab = request.GET.get("tab") if request.GET.get("tab") in queries.TAB_CONDITIONS else queries.TABS[0][0]
    page = parse_page(request.GET.get("page"))
    return scope, tab, request.GET.get("q", "").strip()[:50], page


def _query(**params):
    query = QueryDict(mutable=True)
    query.update({key: value for key, value in params.items() if value not in (None, "")})
    return query.urlencode()


@mobile_view
def order_list(request):
    """我的工单: scope dropdown, search, tabs 未完成 / 已指派 / 已接受 / 进行中, cards loaded 20 at a time."""
    require(request.user, "workorder.view")
    scope, tab, text, page = _list_params(request)
    base = queries.scoped_orders(request.user, scope=scope, text=text)
    start = (page - 1) * PAGE_SIZE
    rows = list(queries.tab_orders(base, tab)[start:start + PAGE_SIZE + 1])
    more_url = ""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        more_url = reverse("mobile:orders") + "?" + _query(scope=scope, tab=tab, q=text, page=page + 1)
    context = {"orders": rows, "more_url": more_url}
    if request.htmx and page > 1:
        return render(request, "mobile/_order_cards.html", context)
    counts = queries.tab_counts(base)
    shown = [*queries.TABS, *[extra for extra in queries.EXTRA_TABS if extra[0] == tab]]
    tabs = [{"key": key, "label": label, "count": counts[key], "active": key == tab,
             "url": reverse("mobile:orders") + "?" + _query(scope=scope, tab=key, q=text)}
            for key, label, _condition in shown]
    return render(request, "mobile/orders.html", {
        **context, "tab": "orders", "tabs": tabs, "scope": scope, "scopes": queries.SCOPES, "text": text,
        "current_tab": tab, "can_create": has_perm(request.user, "workorder.create"),
    })


# --- the detail -----------------------------------------------------------------------------------------

def progress_steps(order, flow_config):
    """The progress bar: the enabled nodes that set a status, done up to the current one."""
    steps = flow.enabled_steps(flow_config)
    statuses = [status for _node, status in steps]
    if order.status in statuses:
        current = statuses.index(order.status)
    else:
        current = 0 if order.status in (Status.PENDING, Status.POOLED) else -1
    cancelled = order.status == Status.CANCELLED
    return [{"label": flow.NODE_LABELS[node], "status": Status(status).label,
             "at": getattr(order, STEP_TIMES[node]) if node in STEP_TIMES else None,
             "done": index <= current and not cancelled, "current": index == current and not cancelled}
            for index, (node, status) in enumerate(steps)]


def order_actions(user, order):
    """The phone's action buttons the flow allows now and the actor may take, primary first."""
    allowed = [key for key in MOBILE_ACTIONS if key in policy.allowed_actions(user, order)]
    return {"primary": [key for key in allowed if key in PRIMARY_ACTIONS],
            "secondary": [key for key in allowed if key not in PRIMARY_ACTIONS],
            "labels": {key: flow.action_label(key, order) for key in allowed}}


NO_ACTIONS = {"primary": [], "secondary": [], "labels": {}}


def _components(user, order, read_only=False):
    editable = not read_only and policy.may(user, order, "fill")
    tabs = []
    for component, entries in queries.component_tabs(order):
        schema = forms_engine.get_schema(component.form_target)
        refs = forms_engine.display_context(schema, [entry.fields for entry in entries])
        tabs.append({
            "component": component,
            "entries": [{"entry": entry, "values": forms_engine.display_values(schema, entry.fields, refs=refs,
                                                                               include_empty=False),
                         "edit_url": reverse("mobile:component_edit", args=[order.pk, component.pk, entry.pk])
                         if editable else ""} for entry in entries],
            "add_url": reverse("mobile:component_add", args=[order.pk, component.pk])
            if editable and (component.repeatable or not entries) else "",
        })
    return tabs


def _receipt(order):
    receipt = queries.receipt_of(order)
    if receipt is None or receipt.is_draft:
        return None
    schema = forms_engine.get_schema(order.order_type.receipt_target)
    return {"receipt": receipt, "values": forms_engine.display_values(schema, receipt.fields, include_empty=False),
            **receipt_line_views.fees_context(order, receipt)}


def _navigation(order):
    if order.latitude is None and not order.address_text:
        return ""
    return navigation_url(latitude=order.latitude, longitude=order.longitude, address=order.address_text)


@mobile_view
def order_detail(request, pk):
    """The order within the actor's scope, or read-only for an approver who must decide on it (he decides
    under 审批); a stale link (transferred away, deleted) gets the kit's dead-end page (core.gone)."""
    user = request.user
    order, read_only = order_queries.open_work_order(user, pk)
    flow_config = flow.normalize(order.order_type.flow)
    schema = forms_engine.get_schema(order.order_type.form_target)
    report = order_queries.time_in_statuses(order)
    return render(request, "mobile/order_detail.html", {
        "tab": "orders",
        "order": order,
        "steps": progress_steps(order, flow_config),
        "read_only": read_only,
        "actions": NO_ACTIONS if read_only else order_actions(user, order),
        "flags": order_queries.open_flags(order),
        "deadline_label": flow.NODE_LABELS.get(order.deadline_node, "") if order.deadline_at else "",
        "countdown": countdown_text(order.deadline_at) if order.deadline_at else "",
        "navigation_url": _navigation(order),
        "custom_values": forms_engine.display_values(schema, order.fields, include_empty=False),
        "collaborators": list(order.collaborators.all()),
        "entries": list(order_queries.timeline_of(order, limit=100)),
        "notes": list(order_queries.notes_of(order)),
        "components": _components(user, order, read_only),
        "receipt": _receipt(order),
        "total_time": duration_text(report.total_seconds),
        "working_time": duration_text(report.working_seconds),
        "paused_time": duration_text(report.paused_seconds) if report.paused_seconds else "",
        "transfer_note_required": company_settings.get("workorder.transfer_note_required"),
        "can_note": not read_only and order.status not in flow.FINAL_STATUSES,
        # buttons of later modules (结算 while the flow allows it, the service report's PDF): core.object_actions,
        # page "workorder.phone"
        "record_actions": [] if read_only else sum(record_actions("workorder.phone", user, order), []),
        "pay_url": "" if read_only or order.status not in flow.DONE_STATUSES
        or not payment_views.shows_payment(user, order) else reverse("mobile:pay", args=[order.pk]),
    })
