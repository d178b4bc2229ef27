"""Surface tests of work orders and their settings by declaration (core/testing/views.py, api.py).

Covers: WorkOrder — console list, detail, create, edit, data scope; API list, get, create, update, data
scope (orders are cancelled, never deleted: the actions have their own tests). WorkOrderType — console
list, create, edit (its form step), delete; API list, get, create, update. AddonComponent — console list,
create, edit, delete. ServiceOption — console list, create, edit. Approval — console inbox (list); API list,
get. Note — API list and create under its order. ComponentEntry — console create and edit (dialogs of the order).
Receipt — shown on its order's page (the 回执 tab). Activity (an order's timeline, 动态) — API list under its
order.
"""

from django.urls import reverse

from shouhou.core.models import Activity
from shouhou.core.testing import api, views
from shouhou.workorders.models import (
    AddonComponent,
    Approval,
    ComponentEntry,
    Note,
    Receipt,
    ServiceOption,
    WorkOrder,
    WorkOrderType,
)

ORDERS = ("workorder.",)
SETTINGS = ("workorder_settings.",)


class _Orders:
    model = WorkOrder
    refused = ORDERS
    scoped_module = "workorder"

    def make(self, f):
        return f.workorders.order(description=self.unique("表面工单"))

    def label(self, obj):
        """Its address: numbers come from each company's own counter, so two companies can share one."""
        return reverse("workorders:detail", args=[obj.pk])


class TestWorkOrderPages(_Orders, views.ListPage, views.DetailPage, views.CreatePage, views.EditPage,
                         views.DataScope):
    list_url, detail_url, create_url, edit_url = "workorders:list", "workorders:detail", "workorders:create", \
        "workorders:edit"

    def form_data(self, f):
        return {"order_type": f.workorders.order_type().pk, "customer": f.customers.customer().pk,
                "priority": "high", "description": self.unique("新建工单"), "save": "1"}

    def created(self, surface, data):
        return WorkOrder.objects.filter(description=data["description"]).first()

    def bad_form_data(self, f):
        return {"order_type": f.workorders.order_type().pk, "customer": "", "priority": "nonsense", "save": "1"}

    def edit_data(self, f, obj):
        return {"customer": obj.customer_id, "priority": "urgent", "description": "改过的描述",
                "expected_version": obj.version}

    def bad_edit_data(self, f, obj):
        return {"customer": obj.customer_id, "priority": "urgent", "description": "改过的描述",
                "expected_version": obj.version + 5}

    def edited(self, obj):
        return obj.description == "改过的描述" and obj.priority == "urgent"


class TestWorkOrderAPI(_Orders, api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint,
                       api.DataScope):
    endpoint = "/api/v1/work-orders"

    def create_data(self, f):
        return {"order_type_id": f.workorders.order_type().pk, "customer_id": f.customers.customer().pk,
                "priority": "high", "description": "接口工单"}

    def bad_create_data(self, f):
        return {"order_type_id": f.workorders.order_type().pk, "customer_id": f.customers.customer().pk,
                "priority": "nonsense"}

    def update_data(self, f, obj):
        return {"description": "接口改过的描述", "expected_version": obj.version}

    def bad_update_data(self, f, obj):
        return {"description": "接口改过的描述", "priority": "nonsense"}

    def updated(self, obj):
        return obj.description == "接口改过的描述"


class TestWorkOrderTypePages(views.ListPage, views.CreatePage, views.EditPage, views.DeletePage):
    model = WorkOrderType
    refused = SETTINGS
    list_url, create_url, edit_url, delete_url = "workorders:types", "workorders:type_create", \
        "workorders:type_form", "workorders:type_delete"

    def make(self, f):
        return f.workorders.order_type(name=self.unique("表面类型"))

    def form_data(self, f):
        return {"name": self.unique("新建类型"), "color": "#00aa00", "is_enabled": "on"}

    def bad_form_data(self, f):
        return {"name": "", "color": "green"}

    def edit_data(self, f, obj):
        return {"name": "改名类型", "color": "#00aa00", "is_enabled": "on"}

    def bad_edit_data(self, f, obj):
        return {"name": "", "color": "green", "is_enabled": "on"}

    def edited(self, obj):
        return obj.name == "改名类型"


class TestWorkOrderTypeAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint):
    model = WorkOrderType
    endpoint = "/api/v1/work-order-types"
    refused = SETTINGS + ORDERS

    def make(self, f):
        return f.workorders.order_type()

    def create_data(self, f):
        return {"name": self.unique("接口类型")}

    def bad_create_data(self, f):
        return {"name": "接口类型", "color": "green"}

    def update_data(self, f, obj):
        return {"name": "接口改名类型"}

    def bad_update_data(self, f, obj):
        return {"color": "green"}

    def updated(self, obj):
        return obj.name == "接口改名类型"


class TestComponentPages(views.ListPage, views.CreatePage, views.EditPage, views.DeletePage):
    model = AddonComponent
    refused = SETTINGS
    list_url, create_url, edit_url, delete_url = "workorders:components", "workorders:component_create", \
        "workorders:component_update", "workorders:component_delete"

    def make(self, f):
        return f.workorders.component(name=self.unique("表面组件"))

    def form_data(self, f):
        return {"name": self.unique("新建组件"), "description": "快递", "repeatable": "1", "is_enabled": "on"}

    def bad_form_data(self, f):
        return {"name": "", "description": "x" * 1000}

    def edit_data(self, f, obj):
        return {"name": "改名组件", "description": "", "repeatable": "0", "is_enabled": "on"}

    def bad_edit_data(self, f, obj):
        return {"name": "", "description": "", "repeatable": "0"}

    def edited(self, obj):
        return obj.name == "改名组件"


class TestServiceOptionPages(views.ListPage, views.CreatePage, views.EditPage):
    model = ServiceOption
    refused = SETTINGS
    form_pages = False
    list_url, create_url, edit_url = "workorders:options", "workorders:option_create", "workorders:option_update"

    def make(self, f):
        return f.workorders.service_option(name=self.unique("表面选项"))

    def form_data(self, f):
        return {"kind": "service_content", "service_content-name": self.unique("新建选项")}

    def created(self, surface, data):
        return ServiceOption.objects.filter(name=data["service_content-name"]).first()

    def bad_form_data(self, f):
        return {"kind": "service_content", "service_content-name": ""}

    def edit_data(self, f, obj):
        return {"name": "改名选项"}

    def bad_edit_data(self, f, obj):
        return {"name": ""}

    def edited(self, obj):
        return obj.name == "改名选项"


class _Approvals:
    model = Approval
    refused = ORDERS

    def make(self, f):
        """A pending approval asked of the acting user (so their inbox has it) by a colleague."""
        from shouhou.workorders.factories import WorkordersFactory

        order_type = f.workorders.approving_type(f.actor)
        requester = f.accounts.user(roles=("director",))
        return WorkordersFactory(requester).approval(f.actor, order_type=order_type)

    def label(self, obj):
        return reverse("workorders:detail", args=[obj.order_id])


class TestApprovalPages(_Approvals, views.ListPage):
    list_url = "workorders:approvals"


class TestApprovalAPI(_Approvals, api.ListEndpoint, api.GetEndpoint):
    endpoint = "/api/v1/approvals"
    list_denied = "hidden"


class TestNoteAPI(api.ListEndpoint, api.CreateEndpoint):
    model = Note
    refused = ORDERS

    def make(self, f):
        return f.workorders.note()

    def collection(self, obj):
        return f"/api/v1/work-orders/{obj.order_id}/notes"

    def create_address(self, surface):
        return f"/api/v1/work-orders/{surface.mine.workorders.order().pk}/notes"

    def create_data(self, f):
        return {"content": "接口备注"}

    def bad_create_data(self, f):
        return {"content": "   "}


ITEM = [{"key": "item", "label": "设备", "kind": "text", "required": True}]


class TestComponentEntryPages(views.CreatePage, views.EditPage):
    """An order's add-on component entries (the component tab's dialogs)."""

    model = ComponentEntry
    refused = ORDERS
    edit_url = "workorders:component_edit"

    def make(self, f):
        component = f.workorders.component(repeatable=True, fields=ITEM)
        return f.workorders.component_entry(component=component, values={"item": self.unique("表面设备")})

    def url_args(self, obj):
        return [obj.order_id, obj.component_id, obj.pk]

    def create_address(self, surface):
        entry = self.make(surface.mine)
        self._order = entry.order_id
        return reverse("workorders:component_add", args=[entry.order_id, entry.component_id])

    def created(self, surface, data):
        return ComponentEntry.objects.filter(order_id=self._order, fields__item=data["cf_item"]).first()

    def form_data(self, f):
        return {"cf_item": self.unique("新设备")}

    def bad_form_data(self, f):
        return {"cf_item": ""}

    def edit_data(self, f, obj):
        return {"cf_item": "电机"}

    def bad_edit_data(self, f, obj):
        return {"cf_item": ""}

    def edited(self, obj):
        return obj.fields["item"] == "电机"


class TestReceiptPages(views.DetailPage):
    """A receipt has no page of its own: its order's page shows it (the 回执 tab)."""

    model = Receipt
    refused = ORDERS
    label_attr = "content"
    detail_url = "workorders:detail"

    def make(self, f):
        return f.workorders.receipt(content=self.unique("表面回执"))

    def url_args(self, obj):
        return [obj.order_id]


class TestTimelineAPI(api.ListEndpoint):
    """An order's timeline (动态), newest first, under its order."""

    model = Activity
    refused = ORDERS

    def make(self, f):
        note = f.workorders.note(content=self.unique("表面动态"))
        return Activity.objects.filter(object_id=str(note.order_id), note=note.content).get()

    def collection(self, obj):
        return f"/api/v1/work-orders/{obj.object_id}/timeline"
