"""Surface tests of products, product templates and product types by declaration (core/testing/views.py, api.py).

Covers: Product — console list, detail, create, edit, delete, data scope; API list, get, create, update,
delete, data scope. ProductTemplate — console list, detail, create, edit, delete; API list, get, create,
update, delete. ProductType — console list, add, rename, delete (POST-only, on the list page); API list,
create.
"""

from shouhou.core.testing import api, views
from shouhou.products.models import Product, ProductTemplate, ProductType


class TestProductPages(views.ListPage, views.DetailPage, views.CreatePage, views.EditPage, views.DeletePage,
                       views.DataScope):
    model = Product
    refused = ("product.",)
    scoped_module = "product"
    list_url, detail_url, create_url = "products:list", "products:detail", "products:create"
    edit_url, delete_url = "products:edit", "products:delete"

    def make(self, f):
        return f.products.product(name=self.unique("表面产品"))

    def form_data(self, f):
        return {"name": self.unique("新建产品"), "number": self.unique("NP-"), "serial_number": "S1"}

    def bad_form_data(self, f):
        return {"name": "", "number": "", "install_date": "not a date"}

    def edit_data(self, f, obj):
        return {"name": "改名产品", "number": obj.number}

    def bad_edit_data(self, f, obj):
        return {"name": "", "number": obj.number}

    def edited(self, obj):
        return obj.name == "改名产品"


class TestProductAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint, api.DeleteEndpoint,
                     api.DataScope):
    model = Product
    endpoint = "/api/v1/products"
    refused = ("product.",)
    scoped_module = "product"

    def make(self, f):
        return f.products.product()

    def create_data(self, f):
        return {"name": "接口产品", "number": self.unique("AP-")}

    def bad_create_data(self, f):
        return {"name": "接口产品", "number": "x" * 51}

    def update_data(self, f, obj):
        return {"name": "接口改名产品"}

    def bad_update_data(self, f, obj):
        return {"name": ""}

    def updated(self, obj):
        return obj.name == "接口改名产品"


class TestTemplatePages(views.ListPage, views.DetailPage, views.CreatePage, views.EditPage, views.DeletePage):
    model = ProductTemplate
    refused = ("product.",)
    list_url, detail_url, create_url = "products:templates", "products:template_detail", "products:template_create"
    edit_url, delete_url = "products:template_edit", "products:template_delete"

    def make(self, f):
        return f.products.template(name=self.unique("表面模板"))

    def form_data(self, f):
        return {"name": self.unique("新建模板"), "number": self.unique("NT"), "warranty_months": "12"}

    def bad_form_data(self, f):
        return {"name": "", "number": "", "warranty_months": "-3"}

    def edit_data(self, f, obj):
        return {"name": "改名模板", "number": obj.number}

    def bad_edit_data(self, f, obj):
        return {"name": "", "number": obj.number}

    def edited(self, obj):
        return obj.name == "改名模板"


class TestTemplateAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint, api.DeleteEndpoint):
    model = ProductTemplate
    endpoint = "/api/v1/product-templates"
    refused = ("product.",)

    def make(self, f):
        return f.products.template()

    def create_data(self, f):
        return {"name": "接口模板", "number": self.unique("AT")}

    def bad_create_data(self, f):
        return {"name": "接口模板", "number": "", "warranty_months": 601}

    def update_data(self, f, obj):
        return {"name": "接口改名模板"}

    def bad_update_data(self, f, obj):
        return {"warranty_months": -1}

    def updated(self, obj):
        return obj.name == "接口改名模板"


class TestProductTypePages(views.ListPage, views.CreatePage, views.EditPage, views.DeletePage):
    model = ProductType
    refused = ("product.",)
    form_pages = False
    list_url, create_url = "products:types", "products:type_add"
    edit_url, delete_url = "products:type_edit", "products:type_delete"

    def make(self, f):
        return f.products.product_type(name=self.unique("表面类型"))

    def form_data(self, f):
        return {"new-name": self.unique("新建类型")}

    def created(self, surface, data):
        return ProductType.objects.filter(name=data["new-name"]).first()

    def bad_form_data(self, f):
        return {"new-name": ""}

    def edit_data(self, f, obj):
        return {f"t{obj.pk}-name": "改名类型"}

    def bad_edit_data(self, f, obj):
        return {f"t{obj.pk}-name": ""}

    def edited(self, obj):
        return obj.name == "改名类型"


class TestProductTypeAPI(api.ListEndpoint, api.CreateEndpoint):
    model = ProductType
    endpoint = "/api/v1/product-types"
    refused = ("product.",)

    def make(self, f):
        return f.products.product_type()

    def create_data(self, f):
        return {"name": "接口类型"}

    def bad_create_data(self, f):
        return {"name": ""}
