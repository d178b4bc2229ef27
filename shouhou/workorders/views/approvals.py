"""The approvals inbox (工单审批, MOB-06 on the PC): 待审批 / 已审批 / 已拒绝 and my requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shouhou.core.dialogs import finished, render_modal, show_error
from shouhou.core.errors import Conflict, DomainError
from shouhou.core.http import back
from shouhou.core.permissions import require

from .. import flow, policy
from ..forms import DecisionForm
from ..queries import approvals as approval_queries
from ..queries import orders as order_queries
from ..services import approvals as approval_services

TABS = [
    ("pending", gettext_lazy("To approve")),
    ("approved", gettext_lazy("Approved")),
    ("refused", gettext_lazy("Refused")),
    ("mine", gettext_lazy("My requests")),
]
PAGE_SIZE = 20


@login_required
def inbox(request):
    require(request.user, "workorder.view")
    tab = request.GET.get("tab") if request.GET.get("tab") in dict(TABS) else "pending"
    if tab == "mine":
        approvals = approval_queries.approvals_inbox(request.user, "all", requested=True)
    else:
        approvals = approval_queries.approvals_inbox(request.user, tab)
    page = Paginator(approvals.prefetch_related("approvers").order_by("-created_at", "-pk"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    counts = approval_queries.approval_counts(request.user)
    rows = [{"approval": a, "action_label": flow.ACTION_LABELS.get(a.action, a.action),
             "node_label": flow.NODE_LABELS.get(a.node, a.node), "actions": policy.approval_actions(request.user, a),
             "approvers": list(a.approvers.all())} for a in page.object_list]
    return render(request, "workorders/approvals.html", {
        "tabs": [{"key": key, "label": label, "count": counts.get(key), "active": key == tab} for key, label in TABS],
        "tab": tab, "rows": rows, "page": page,
    })


def _decide(request, approval_id, *, refusing):
    approval = approval_queries.get_approval(request.user, approval_id)
    form = DecisionForm(request.POST or None, note_required=refusing)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if refusing:
                approval_services.refuse(actor=request.user, approval=approval,
                                         note=form.cleaned_data["note"])
            else:
                approval_services.approve(actor=request.user, approval=approval,
                                          note=form.cleaned_data["note"])
        except Conflict as exc:
            form.add_error(None, str(exc.message))
            status = 409
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Refused.") if refusing else _("Approved."))
            if not order_queries.can_open(request.user, approval.order_id):  # he opened it only to decide
                return finished(request, reverse("workorders:approvals"))
            return finished(request)
    name = "workorders:approval_refuse" if refusing else "workorders:approval_approve"
    return render_modal(request, "workorders/_decision.html", {
        "form": form, "approval": approval, "refusing": refusing,
        "action_label": flow.ACTION_LABELS.get(approval.action, approval.action),
        "title": _("Refuse") if refusing else _("Approve"), "action": reverse(name, args=[approval.pk]),
    }, status=status if status != 200 else (400 if form.errors else 200))


@login_required
def approve(request, approval_id):
    return _decide(request, approval_id, refusing=False)


@login_required
def refuse(request, approval_id):
    return _decide(request, approval_id, refusing=True)


@login_required
@require_POST
def withdraw(request, approval_id):
    approval = approval_queries.get_approval(request.user, approval_id)
    approval_services.withdraw(actor=request.user, approval=approval)
    messages.success(request, _("The request was withdrawn."))
    return back(request, reverse("workorders:approvals"))
