"""Surface tests of parts, warehouses, stock rows, requests and service items by declaration
(core/testing/views.py, api.py): list, detail, create, edit, delete, denied, other company 404, data
scope, bad input."""

from shouhou.core.testing import api, views
from shouhou.parts.models import Part, PartCategory, ServiceItem, StockLevel, StockRequest, Warehouse


class TestPartPages(views.ListPage, views.DetailPage, views.CreatePage, views.EditPage, views.DeletePage):
    model = Part
    refused = ("part.",)
    list_url, detail_url, create_url = "parts:list", "parts:part_detail", "parts:part_create"
    edit_url, delete_url = "parts:part_edit", "parts:part_delete"

    def make(self, f):
        return f.parts.part(name=self.unique("表面备件"))

    def form_data(self, f):
        return {"name": self.unique("新建备件"), "number": self.unique("BN-"), "sale_price": "12.50",
                "cost_price": "8", "enabled": "on"}

    def bad_form_data(self, f):
        return {"name": "", "number": "", "sale_price": "-3"}

    def edit_data(self, f, obj):
        return {"name": "改名备件", "number": obj.number, "sale_price": "1", "cost_price": "1"}

    def bad_edit_data(self, f, obj):
        return {"name": "", "number": obj.number}

    def edited(self, obj):
        return obj.name == "改名备件"


class TestPartAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint, api.DeleteEndpoint):
    model = Part
    endpoint = "/api/v1/parts"
    refused = ("part.",)

    def make(self, f):
        return f.parts.part()

    def create_data(self, f):
        return {"name": "接口备件", "number": self.unique("AP-"), "sale_price": "9.90"}

    def bad_create_data(self, f):
        return {"name": "接口备件", "number": "x" * 51, "sale_price": "-1"}

    def update_data(self, f, obj):
        return {"name": "接口改名备件"}

    def bad_update_data(self, f, obj):
        return {"sale_price": "1.234"}

    def updated(self, obj):
        return obj.name == "接口改名备件"


class TestWarehousePages(views.ListPage, views.CreatePage, views.EditPage, views.DeletePage, views.DataScope):
    model = Warehouse
    refused = ("stock.",)
    scoped_module = "stock"
    htmx = True
    list_url, create_url = "parts:warehouses", "parts:warehouse_create"
    edit_url, delete_url = "parts:warehouse_edit", "parts:warehouse_delete"

    def make(self, f):
        return f.parts.warehouse(name=self.unique("表面仓库"))

    def form_data(self, f):
        return {"name": self.unique("新建仓库"), "kind": "regional", "region": "华东", "enabled": "on"}

    def bad_form_data(self, f):
        return {"name": "", "kind": "nowhere"}

    def edit_data(self, f, obj):
        return {"name": "改名仓库", "kind": obj.kind}

    def bad_edit_data(self, f, obj):
        return {"name": "", "kind": obj.kind}

    def edited(self, obj):
        return obj.name == "改名仓库"


class TestWarehouseAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint,
                       api.DeleteEndpoint, api.DataScope):
    model = Warehouse
    endpoint = "/api/v1/warehouses"
    refused = ("stock.",)
    scoped_module = "stock"

    def make(self, f):
        return f.parts.warehouse()

    def create_data(self, f):
        return {"name": self.unique("接口仓库"), "kind": "defective"}

    def bad_create_data(self, f):
        return {"name": "", "kind": "moon"}

    def update_data(self, f, obj):
        return {"name": "接口改名仓库"}

    def bad_update_data(self, f, obj):
        return {"name": "x" * 51}

    def updated(self, obj):
        return obj.name == "接口改名仓库"


class TestStockPages(views.ListPage, views.DataScope):
    model = StockLevel
    refused = ("stock.",)
    scoped_module = "stock"
    list_url = "parts:stock"

    def make(self, f):
        part = f.parts.part(name=self.unique("库存备件"))
        f.parts.stock(f.parts.warehouse(), part, 3)
        return part.levels.get()

    def label(self, obj):
        return obj.part.name


class TestStockAPI(api.ListEndpoint, api.DataScope):
    model = StockLevel
    endpoint = "/api/v1/stock"
    refused = ("stock.",)
    scoped_module = "stock"

    def make(self, f):
        part = f.parts.part()
        f.parts.stock(f.parts.warehouse(), part, 3)
        return part.levels.get()


class TestRequisitionPages(views.ListPage, views.DetailPage):
    model = StockRequest
    refused = ("stock.",)
    list_url, detail_url = "parts:requisitions", "parts:request_detail"
    list_search = "q"
    label_attr = "note"

    def make(self, f):
        return f.parts.requisition(note=self.unique("申领"))


class TestRequisitionAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint):
    model = StockRequest
    endpoint = "/api/v1/requisitions"
    refused = ("stock.",)

    def make(self, f):
        return f.parts.requisition()

    def create_data(self, f):
        return {"warehouse_id": f.parts.warehouse().pk, "lines": [{"part_id": f.parts.part().pk, "quantity": 2}],
                "note": "接口申领"}

    def bad_create_data(self, f):
        return {"warehouse_id": f.parts.warehouse().pk, "lines": [{"part_id": f.parts.part().pk, "quantity": 0}]}


class TestServiceItemPages(views.ListPage, views.CreatePage, views.EditPage, views.DeletePage):
    model = ServiceItem
    refused = ("service_item.",)
    htmx = True
    list_url, create_url = "parts:items", "parts:item_create"
    edit_url, delete_url = "parts:item_edit", "parts:item_delete"

    def make(self, f):
        return f.parts.service_item(name=self.unique("表面服务"))

    def form_data(self, f):
        return {"name": self.unique("新建服务"), "number": self.unique("FN-"), "unit": "次", "sale_price": "50",
                "enabled": "on"}

    def bad_form_data(self, f):
        return {"name": "", "number": ""}

    def edit_data(self, f, obj):
        return {"name": "改名服务", "number": obj.number}

    def bad_edit_data(self, f, obj):
        return {"name": "", "number": obj.number}

    def edited(self, obj):
        return obj.name == "改名服务"


class TestServiceItemAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint,
                         api.DeleteEndpoint):
    model = ServiceItem
    endpoint = "/api/v1/service-items"
    refused = ("service_item.",)

    def make(self, f):
        return f.parts.service_item()

    def create_data(self, f):
        return {"name": "接口服务", "number": self.unique("AF-"), "sale_price": 30}

    def bad_create_data(self, f):
        return {"name": "", "number": "AF"}

    def update_data(self, f, obj):
        return {"name": "接口改名服务"}

    def bad_update_data(self, f, obj):
        return {"sale_price": -5}

    def updated(self, obj):
        return obj.name == "接口改名服务"


class TestCategoryPages(views.ListPage, views.CreatePage, views.DeletePage):
    model = PartCategory
    refused = ("part.",)
    form_pages = False
    list_url, create_url, delete_url = "parts:categories", "parts:categories", "parts:category_delete"

    def make(self, f):
        return f.parts.category(name=self.unique("表面类别"))

    def form_data(self, f):
        return {"name": self.unique("新建类别")}

    def bad_form_data(self, f):
        return {"name": "", "parent_id": "999999"}
