"""Surface tests of plans by declaration (core/testing/views.py): Plan — console list, create, edit, delete,
permission denied, another company's 404, bad input."""

from shouhou.core.testing import views
from shouhou.plans import services
from shouhou.plans.models import Plan


def _form(f, **values):
    return {"order_type": f.workorders.order_type().pk, "customer": f.customers.customer().pk, "priority": "normal",
            "freq": "daily", "interval": "1", "start_date": services.company_today(f.tenant).isoformat(),
            "days_ahead": "0", "dispatch_mode": "assignee", "assignee": f.actor.pk, **values}


class TestPlanPages(views.ListPage, views.DetailPage, views.CreatePage, views.EditPage, views.DeletePage):
    model = Plan
    refused = ("workorder.create",)
    list_url, create_url, edit_url, delete_url = "plans:list", "plans:create", "plans:edit", "plans:delete"
    detail_url = "plans:detail"

    def make(self, f):
        return f.plans.plan(name=self.unique("表面计划"))

    def form_data(self, f):
        return _form(f, name=self.unique("新建计划"))

    def bad_form_data(self, f):
        return _form(f, name="", interval="0")

    def edit_data(self, f, obj):
        return _form(f, name="改名计划", customer=obj.customer_id, order_type=obj.order_type_id)

    def bad_edit_data(self, f, obj):
        return _form(f, name=obj.name, customer=obj.customer_id, order_type=obj.order_type_id, interval="0")

    def edited(self, obj):
        return obj.name == "改名计划"
