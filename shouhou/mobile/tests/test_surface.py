"""Surface tests of the phone pages by declaration (core/testing/views.py). The phone app has no models of
its own: it shows work orders.

Covers: WorkOrder on the phone — list (我的工单) and detail, data scope.
"""

from django.urls import reverse

from shouhou.core.testing import views
from shouhou.workorders.models import WorkOrder


class TestPhoneOrderPages(views.ListPage, views.DetailPage, views.DataScope):
    model = WorkOrder
    refused = ("workorder.",)
    scoped_module = "workorder"
    list_url, detail_url = "mobile:orders", "mobile:order_detail"

    def make(self, f):
        """An order assigned to the acting user (the phone list shows one's own orders first)."""
        return f.workorders.assigned(assignee=f.actor)

    def label(self, obj):
        return reverse("mobile:order_detail", args=[obj.pk])
