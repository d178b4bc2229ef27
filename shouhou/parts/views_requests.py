"""Console pages of requisitions (申领) and returns (退回) of spare parts (PART-06, 08): the lists, a
request's page, its creation and its decision. Every read goes through `queries`, every write through
`services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shouhou.core import timeline
from shouhou.core.dialogs import can, finished, render_modal, show_error
from shouhou.core.errors import DomainError, NotFound
from shouhou.core.generic_views import ObjectListView, ObjectView
from shouhou.core.lists import Column, Filter, IdFilter, StandardList, Tab
from shouhou.core.permissions import has_perm, require

from . import policy, queries, services
from .forms import ApproveForm, DecisionForm, RequestForm
from .models import StockRequest
from .views import local_time, number, warehouse_choices

# --- requisitions and returns (PART-06, 08) -------------------------------------------------------------------

class RequestList(StandardList):
    kind = StockRequest.Kind.REQUISITION
    key = "requisitions"
    title = gettext_lazy("Requisitions")
    template = "parts/list.html"
    toolbar_template = "parts/_request_toolbar.html"
    search_fields = ["number", "requester__name", "note"]
    search_placeholder = gettext_lazy("Number, requester or note")
    default_sort = "-created_at"
    export_perm = "stock.export"
    tabs = [Tab("pending", gettext_lazy("Pending approval"), Q(status=StockRequest.Status.PENDING)),
            Tab("mine", gettext_lazy("Mine"), lambda request: Q(requester=request.user)),
            Tab("all", gettext_lazy("All"))]
    filters = [IdFilter("warehouse", gettext_lazy("Warehouse"), "warehouse", choices=warehouse_choices),
               Filter("status", gettext_lazy("Status"), "status", choices=lambda request: StockRequest.Status.choices)]
    columns = [
        Column("number", gettext_lazy("Number"), sortable=True,
               link=lambda r: reverse("parts:request_detail", args=[r.pk])),
        Column("requester", gettext_lazy("Requester"), value=lambda r: r.requester.name),
        Column("warehouse", gettext_lazy("Warehouse"), value=lambda r: r.warehouse.name),
        Column("lines", gettext_lazy("Parts"),
               value=lambda r: "、".join(f"{line.part.name}×{number(line.quantity)}" for line in r.lines.all()),
               css="cell-wrap"),
        Column("status", gettext_lazy("Status"), value=lambda r: r.get_status_display()),
        Column("note", gettext_lazy("Note"), css="cell-wrap"),
        Column("created_at", gettext_lazy("Created at"), sortable=True, value=lambda r: local_time(r.created_at),
               export=lambda r: r.created_at),
        Column("decided_by", gettext_lazy("Decided by"), value=lambda r: r.decided_by.name if r.decided_by_id else ""),
    ]

    def base_queryset(self, request):
        return queries.requests(request.user, self.kind).prefetch_related("lines__part")

    def extra_context(self, request):
        return {"kind": self.kind, "can": can(request.user, "stock.request")}


class ReturnList(RequestList):
    kind = StockRequest.Kind.RETURN
    key = "part_returns"
    title = gettext_lazy("Returns")


class RequisitionListView(ObjectListView):
    list_class = RequestList

    def get(self, request):
        require_any_stock(request.user)
        return super().get(request)


class ReturnListView(RequisitionListView):
    list_class = ReturnList


def require_any_stock(user):
    if not (has_perm(user, "stock.view") or has_perm(user, "stock.request")):
        require(user, "stock.view")


class RequestView(ObjectView):
    template = "parts/request_detail.html"

    def get_object(self, request, pk):
        require_any_stock(request.user)
        return queries.get_request(request.user, pk)

    def get_context(self, request, stock_request):
        may_decide = (stock_request.is_open and policy.allowed(request.user, "request.approve")
                      and queries.visible_warehouses(request.user).filter(pk=stock_request.warehouse_id).exists())
        return {
            "obj": stock_request,
            "lines": stock_request.lines.all(),
            "movements": stock_request.movements.select_related("part", "warehouse", "holder").order_by("id"),
            "entries": timeline.entries_for(stock_request, 50),
            "may_decide": may_decide,
            "may_withdraw": stock_request.is_open and stock_request.requester_id == request.user.pk,
            "list_url": reverse("parts:returns" if stock_request.kind == "return" else "parts:requisitions"),
        }


@login_required
def request_create(request, kind):
    """申领 / 退回 dialog."""
    if kind not in StockRequest.Kind.values:
        raise NotFound()
    policy.require(request.user, None, "request.create")
    initial = {}
    part = request.GET.get("part", "")
    if part.isdigit() and len(part) < 19:
        initial["part_0"] = int(part)
    form = RequestForm(request.POST or None, actor=request.user, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        create = services.create_requisition if kind == "requisition" else services.create_return
        try:
            made = create(actor=request.user, warehouse_id=form.cleaned_data["warehouse_id"], lines=form.lines(),
                          note=form.cleaned_data["note"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("%(number)s submitted.") % {"number": made.number})
            return finished(request, reverse("parts:request_detail", args=[made.pk]))
    title = _("Request parts") if kind == "requisition" else _("Return parts")
    return render_modal(request, "parts/_lines_modal.html",
                        {"form": form, "title": title, "action": reverse(f"parts:{kind}_create")},
                        status=400 if form.errors else 200)


@login_required
def request_decide(request, pk, decision):
    """Approve (all or part) or refuse dialog."""
    if decision not in ("approve", "refuse"):
        raise NotFound()
    policy.require(request.user, None, "request.approve")
    stock_request = queries.get_request(request.user, pk)
    initial = {"expected_version": stock_request.version}
    if decision == "approve":
        form = ApproveForm(request.POST or None, stock_request=stock_request, initial=initial)
    else:
        form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if decision == "approve":
                services.approve_request(actor=request.user, stock_request=stock_request, lines=form.approved_lines(),
                                         note=data["note"], expected_version=data["expected_version"])
            else:
                services.refuse_request(actor=request.user, stock_request=stock_request, note=data["note"],
                                        expected_version=data["expected_version"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            return finished(request)
    title = (_("Approve %(number)s") if decision == "approve" else _("Refuse %(number)s")) % {
        "number": stock_request.number}
    return render_modal(request, "parts/_form_modal.html",
                        {"form": form, "title": title,
                         "action": reverse(f"parts:request_{decision}", args=[pk])},
                        status=400 if form.errors else 200)


@login_required
@require_POST
def request_withdraw(request, pk):
    stock_request = queries.get_request(request.user, pk)
    services.withdraw_request(actor=request.user, stock_request=stock_request)
    messages.success(request, _("%(number)s withdrawn.") % {"number": stock_request.number})
    return finished(request, reverse("parts:request_detail", args=[pk]))
