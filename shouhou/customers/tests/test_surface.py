"""Surface tests of customers, contacts and addresses by declaration (core/testing/views.py, api.py).

Covers: Customer — console list, detail, create, edit, delete, data scope; API list, get, create, update,
delete, data scope. Contact and Address — console create, edit, delete (listed on the customer's page);
API list, get, create, update, delete.
"""

from django.urls import reverse

from shouhou.core.testing import api, views
from shouhou.customers.models import Address, Contact, Customer

CUSTOMER_FORM = {"status": "active", "service_team": "", "tags": "", "contact_name": "张三",
                 "contact_phone": "13800138000", "contact_position": "", "province": "上海市", "city": "上海市",
                 "district": "浦东新区", "address_detail": "张江路 1 号", "latitude": "31.230416",
                 "longitude": "121.473701"}


class TestCustomerPages(views.ListPage, views.DetailPage, views.CreatePage, views.EditPage, views.DeletePage,
                        views.DataScope):
    model = Customer
    refused = ("customer.",)
    scoped_module = "customer"
    list_url, detail_url, create_url = "customers:list", "customers:detail", "customers:create"
    edit_url, delete_url = "customers:edit", "customers:delete"

    def make(self, f):
        return f.customers.customer(name=self.unique("表面客户"))

    def form_data(self, f):
        return {**CUSTOMER_FORM, "name": self.unique("新建客户")}

    def bad_form_data(self, f):
        return {**CUSTOMER_FORM, "name": "", "contact_phone": "12345"}

    def edit_data(self, f, obj):
        return {**CUSTOMER_FORM, "name": "改名客户"}

    def bad_edit_data(self, f, obj):
        return {**CUSTOMER_FORM, "name": ""}

    def edited(self, obj):
        return obj.name == "改名客户"

    def gone(self, obj):
        return not Customer.objects.filter(pk=obj.pk).exists()


class TestCustomerAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint, api.DeleteEndpoint,
                      api.DataScope):
    model = Customer
    endpoint = "/api/v1/customers"
    refused = ("customer.",)
    scoped_module = "customer"

    def make(self, f):
        return f.customers.customer(name=self.unique("接口客户"))

    def create_data(self, f):
        return {"name": "接口新客户", "contacts": [{"name": "李四", "phone": "13800138001"}],
                "addresses": [{"city": "上海市", "detail": "张江路 2 号", "latitude": "31.23", "longitude": "121.47"}]}

    def bad_create_data(self, f):
        return {"name": "", "contacts": [{"name": "李四", "phone": "bad"}]}

    def update_data(self, f, obj):
        return {"name": "接口改名"}

    def bad_update_data(self, f, obj):
        return {"name": "x" * 101}

    def updated(self, obj):
        return obj.name == "接口改名"

    def gone(self, obj):
        return not Customer.objects.filter(pk=obj.pk).exists()


class _ChildPages(views.CreatePage, views.EditPage, views.DeletePage):
    """A customer's contact or address: its dialogs hang under the customer's address."""

    refused = ("customer.",)
    htmx = True
    child = ""

    def url_args(self, obj):
        return [obj.customer_id, obj.pk]

    def create_address(self, surface):
        self._parent = surface.mine.customers.customer()
        return reverse(f"customers:{self.child}_create", args=[self._parent.pk])

    def created(self, surface, data):
        return self.model._base_manager.filter(customer=self._parent).exclude(
            pk=self._parent_default().pk).first()

    def gone(self, obj):
        return not self.model._base_manager.filter(pk=obj.pk).exists()


class TestContactPages(_ChildPages):
    model = Contact
    child = "contact"
    label_attr = "name"
    create_url = "customers:contact_create"
    edit_url, delete_url = "customers:contact_edit", "customers:contact_delete"

    def make(self, f):
        return f.customers.contact(name=self.unique("表面联系人"))

    def _parent_default(self):
        return Contact.objects.filter(customer=self._parent).order_by("pk").first()

    def form_data(self, f):
        return {"name": "新联系人", "phone": "13800000002"}

    def bad_form_data(self, f):
        return {"name": "乙", "phone": "bad"}

    def edit_data(self, f, obj):
        return {"name": "改名联系人", "phone": "13800000003"}

    def bad_edit_data(self, f, obj):
        return {"name": "", "phone": "bad"}

    def edited(self, obj):
        return obj.name == "改名联系人"


class TestAddressPages(_ChildPages):
    model = Address
    child = "address"
    label_attr = "detail"
    create_url = "customers:address_create"
    edit_url, delete_url = "customers:address_edit", "customers:address_delete"

    def make(self, f):
        return f.customers.address(detail=self.unique("表面路"))

    def _parent_default(self):
        return Address.objects.filter(customer=self._parent).order_by("pk").first()

    def form_data(self, f):
        return {"province": "上海市", "city": "上海市", "detail": "新路 1 号", "latitude": "31.2", "longitude": "121.4"}

    def bad_form_data(self, f):
        return {"province": "上海市", "city": "上海市", "detail": "x" * 201, "latitude": "200", "longitude": "121.4"}

    def edit_data(self, f, obj):
        return {"province": "上海市", "city": "上海市", "detail": "改过的路 9 号", "latitude": "31.2",
                "longitude": "121.4"}

    def bad_edit_data(self, f, obj):
        return {"province": "上海市", "city": "上海市", "detail": "改过的路 9 号", "latitude": "200",
                "longitude": "121.4"}

    def edited(self, obj):
        return obj.detail == "改过的路 9 号"


class _ChildAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint, api.DeleteEndpoint):
    refused = ("customer.",)
    child = ""

    def collection(self, obj):
        return f"/api/v1/customers/{obj.customer_id}/{self.child}"

    def create_address(self, surface):
        return f"/api/v1/customers/{surface.mine.customers.customer().pk}/{self.child}"


class TestContactAPI(_ChildAPI):
    model = Contact
    child = "contacts"

    def make(self, f):
        return f.customers.contact()

    def create_data(self, f):
        return {"name": "接口联系人", "phone": "13800000004"}

    def bad_create_data(self, f):
        return {"name": "接口联系人", "phone": "bad"}

    def update_data(self, f, obj):
        return {"name": "接口改名联系人"}

    def bad_update_data(self, f, obj):
        return {"phone": "bad"}

    def updated(self, obj):
        return obj.name == "接口改名联系人"


class TestAddressAPI(_ChildAPI):
    model = Address
    child = "addresses"

    def make(self, f):
        return f.customers.address()

    def create_data(self, f):
        return {"city": "上海市", "detail": "接口路 1 号", "latitude": "31.2", "longitude": "121.4"}

    def bad_create_data(self, f):
        return {"city": "上海市", "detail": "接口路 1 号", "latitude": "200"}

    def update_data(self, f, obj):
        return {"detail": "接口改过的路"}

    def bad_update_data(self, f, obj):
        return {"latitude": "200"}

    def updated(self, obj):
        return obj.detail == "接口改过的路"
