"""关闭工单 (WO-20): the orders that have passed every enabled node (queries.closing), with 关闭 per row (the
order's own close dialog: its flow, approval and timeline) and 批量关闭 (all or none, services.batch). Closed
orders are under 工单列表 › 其他 › 已关闭工单; reopening one is the order's 重新打开 (administrators)."""

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from shouhou.core.lists import BatchAction, Column, StandardList, render_list
from shouhou.core.permissions import require

from ..forms import BatchNoteForm
from ..queries import closing as closing_queries
from ..services import batch as batch_services
from .lists import OrderSearchMixin, _batch_dialog, status_cell, system_columns

CLOSING_COLUMNS = ("number", "customer", "order_type", "service_type", "service_content", "assignee", "finished_at",
                   "total_amount")


class ClosingList(OrderSearchMixin, StandardList):
    key = "workorders_closing"
    title = gettext_lazy("Close work orders")
    empty_text = gettext_lazy("No work orders wait to be closed")
    search_fields = ["number"]  # the search itself is order_queries.filter_work_orders
    search_placeholder = gettext_lazy("Number, customer name or phone")
    default_sort = "-finished_at"
    batch_actions = [BatchAction(gettext_lazy("Batch close"), "workorders:batch_close", perm="workorder.close",
                                 style="primary", modal=True)]

    def __init__(self, request):
        super().__init__(request)
        by_key = {column.key: column for column in system_columns()}
        self.columns = [replace(by_key[key], default=True) for key in CLOSING_COLUMNS if key in by_key]
        self.columns = [replace(column, informative=lambda o: o.service_type_id is not None)
                        if column.key == "service_type" else column for column in self.columns]  # empty: left out
        self.columns.insert(3, Column("status", gettext_lazy("Work-order status"), value=status_cell, html=True,
                                      export=lambda o: str(o.get_status_display())))
        self.columns.append(Column("close_action", gettext_lazy("Operation"), value=self.close_cell, html=True,
                                   css="col-sticky-end", export=lambda order: ""))

    def base_queryset(self, request):
        require(request.user, "workorder.close")
        return closing_queries.closable_orders(request.user)

    def close_cell(self, order):
        if order.awaiting_approval:
            return ""
        url = reverse("workorders:action_close", args=[order.pk])
        return format_html('<a class="btn btn-sm btn-primary py-0" href="{}" data-modal-url="{}" data-close="{}">{}</a>',
                           url, url, order.pk, _("Close"))


@login_required
def closing(request):
    return render_list(request, ClosingList)


@login_required
def batch_close(request):
    require(request.user, "workorder.close")
    return _batch_dialog(
        request, form_class=BatchNoteForm, title=_("Batch close"), url_name="workorders:batch_close", note_only=True,
        perform=lambda orders, data: batch_services.batch_close(actor=request.user, orders=orders, note=data["note"]),
        done_message=lambda n: ngettext("Closed %(n)s work order.", "Closed %(n)s work orders.", n) % {"n": n})
