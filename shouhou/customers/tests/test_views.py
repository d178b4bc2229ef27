"""Console pages of customers: they render for an administrator, refuse people without the permission,
hide other companies' and out-of-scope customers (404), and their forms and batch actions call the
services (custom fields included)."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from shouhou.accounts.models import Role
from shouhou.core import company_settings
from shouhou.core.models import Activity
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import client_for, make_team, make_user
from shouhou.customers.models import Address, Contact, Customer
from shouhou.messaging.models import SmsMessage

from .conftest import at, make_customer


@pytest.fixture(autouse=True)
def _chinese_default(settings):
    """These tests check what a Chinese user sees: the product's default language."""
    settings.LANGUAGE_CODE = "zh-hans"


HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, *args):
    return reverse(f"customers:{name}", args=args)


def text(response):
    return response.content.decode()


def zh(message, **values):
    with translation.override("zh-hans"):
        result = translation.gettext(message)
    return result % values if values else result


@pytest.fixture
def admin(owner):
    return client_for(owner)


@pytest.fixture
def stranger(tenant):
    """Signed in, but with a role that has no customer permission."""
    role = Role.objects.create(name="无客户权限", permissions=["account.view"], scopes={})
    return client_for(make_user(tenant, roles=(role,)))


# --- rendering and refusals ------------------------------------------------------------------------------

def test_pages_render_for_an_administrator(tenant, owner, admin, custom_fields):
    customer = make_customer(owner, name="渲染客户", fields={"level": "a"}, tags=["VIP"])
    make_customer(owner, name="旁边客户", fields={"level": "b"}, address=at(31.2400, 121.4800))
    contact = Contact.objects.get(customer=customer)
    address = Address.objects.get(customer=customer)
    pages = [url("list"), url("detail", customer.pk), url("create"), url("edit", customer.pk), url("settings"),
             url("import"), url("contact_create", customer.pk), url("contact_edit", customer.pk, contact.pk),
             url("address_create", customer.pk), url("address_edit", customer.pk, address.pk),
             url("batch_edit") + f"?ids={customer.pk}", url("batch_sms") + f"?ids={customer.pk}"]
    for page in pages:
        response = admin.get(page)
        assert response.status_code == 200, page
    listing = text(admin.get(url("list")))
    assert "渲染客户" in listing and "A 级" in listing and url("batch_edit") in listing
    detail = text(admin.get(url("detail", customer.pk)))
    assert "旁边客户" in detail, "the nearby tab lists the neighbour"
    assert "客户等级" in detail and 'data-submit-on-alt-enter' in detail
    assert url("contact_create", customer.pk) in detail and url("address_create", customer.pk) in detail
    assert url("mine") not in text(admin.get("/")), "我负责的客户 0 means nothing to one who owns none (issue 15)"
    make_customer(owner, name="我负责的客户", owner_ids=[owner.pk], fields={"level": "a"})
    assert url("mine") in text(admin.get("/"))


def test_pages_are_refused_without_permission(tenant, owner, stranger):
    customer = make_customer(owner)
    for page in (url("list"), url("detail", customer.pk), url("create"), url("edit", customer.pk),
                 url("settings"), url("import"), url("batch_edit") + f"?ids={customer.pk}",
                 url("contact_create", customer.pk)):
        assert stranger.get(page).status_code in (403, 404), page
    assert stranger.get(url("list")).status_code == 403
    assert stranger.post(url("delete", customer.pk)).status_code in (403, 404)
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert stranger.get(url("geocode"), {"city": "上海"}).status_code == 403
    assert stranger.get(url("pick"), {"q": customer.name}).json() == {"results": []}


def test_view_only_people_see_but_cannot_change(tenant, owner):
    visitor = client_for(make_user(tenant, roles=("visitor",)))
    customer = make_customer(owner, name="只读客户")
    detail = text(visitor.get(url("detail", customer.pk)))
    assert "只读客户" in detail and url("edit", customer.pk) not in detail and url("note_create", customer.pk) not in detail
    assert visitor.get(url("edit", customer.pk)).status_code == 403
    assert visitor.post(url("note_create", customer.pk), {"content": "x"}).status_code == 403


def test_other_company_and_out_of_scope_customers_are_404(tenant, owner, other_company):
    with tenant_context(other_company[0]):
        foreign = make_customer(other_company[1], name="别家客户")
    admin = client_for(owner)
    for page in (url("detail", foreign.pk), url("edit", foreign.pk), url("nearby", foreign.pk),
                 url("contact_create", foreign.pk)):
        assert admin.get(page).status_code == 404, page
    assert admin.post(url("delete", foreign.pk)).status_code == 404
    assert admin.get(url("batch_edit") + f"?ids={foreign.pk}").status_code == 404
    assert "别家客户" not in text(admin.get(url("list"))) + text(admin.get(url("pick"), {"q": "别家"}))
    hidden = make_customer(owner, name="别组客户", service_team_id=make_team(tenant).pk)
    engineer = client_for(make_user(tenant, roles=("engineer",)))
    assert engineer.get(url("detail", hidden.pk)).status_code == 404
    assert "别组客户" not in text(engineer.get(url("list")))


# --- the list -------------------------------------------------------------------------------------------

def test_list_tabs_scope_search_and_filters(tenant, owner, admin, custom_fields):
    mine = make_customer(owner, name="我负责的客户", owner_ids=[owner.pk], fields={"level": "a"},
                         contacts=[{"name": "甲", "phone": "13812345678"}])
    make_customer(owner, name="潜在客户", status="potential", fields={"level": "b"})
    page = text(admin.get(url("list")))
    assert '<span class="tab-count">2</span>' in page and '<span class="tab-count">1</span>' in page
    assert "潜在客户" in text(admin.get(url("list"), {"tab": "potential"}))
    assert "潜在客户" not in text(admin.get(url("list"), {"tab": "active"}))
    assert "潜在客户" not in text(admin.get(url("list"), {"scope": "mine"}))
    assert mine.name in text(admin.get(url("list"), {"q": "1234567"}))
    assert "潜在客户" not in text(admin.get(url("list"), {"q": "1234567"}))
    filtered = text(admin.get(url("list"), {"f_cf_level": "b"}))
    assert "潜在客户" in filtered and "我负责的客户" not in filtered
    unmatched = admin.get(url("list"), {"f_cf_amount": "not-a-number"})
    assert unmatched.status_code == 200 and "潜在客户" not in text(unmatched) and "我负责的客户" not in text(unmatched)
    assert admin.get(url("mine"))["Location"].endswith("?scope=mine")


def test_list_sorts_by_a_custom_column(tenant, owner, admin, custom_fields):
    make_customer(owner, name="小额", fields={"level": "a", "amount": 5})
    make_customer(owner, name="大额", fields={"level": "a", "amount": 500})
    page = text(admin.get(url("list"), {"sort": "-cf_amount"}))
    assert page.index("大额") < page.index("小额")
    page = text(admin.get(url("list"), {"sort": "cf_amount"}))
    assert page.index("小额") < page.index("大额")


# --- create and edit -------------------------------------------------------------------------------------

def form_data(**values):
    data = {"name": "表单客户", "status": "active", "service_team": "", "tags": "VIP、重点",
            "contact_name": "张三", "contact_phone": "13800138000", "contact_position": "主管",
            "province": "上海市", "city": "上海市", "district": "浦东新区", "address_detail": "张江路 1 号",
            "latitude": "", "longitude": "", "cf_level": "a", "cf_amount": "88", "cf_parent": ""}
    data.update(values)
    return data


def test_create_with_custom_fields_and_geocoding(tenant, owner, admin, custom_fields):
    response = admin.post(url("create"), form_data(owner_ids=[owner.pk]))
    customer = Customer.objects.get(name="表单客户")
    assert response.status_code == 302 and response["Location"] == url("detail", customer.pk)
    assert customer.fields == {"level": "a", "amount": 88} and customer.tags == ["VIP", "重点"]
    assert customer.contact_name == "张三" and customer.latitude is not None
    assert list(customer.owners.all()) == [owner]


def test_create_shows_service_errors_on_their_fields(tenant, owner, admin, custom_fields):
    make_customer(owner, name="重名客户", fields={"level": "a"})
    response = admin.post(url("create"), form_data(name="重名客户", contact_phone="12345", cf_level="zz"))
    assert response.status_code == 400
    body = text(response)
    assert body.count("invalid-feedback") >= 2 and Customer.objects.count() == 1
    response = admin.post(url("create"), form_data(name="重名客户", cf_level="a"))
    assert response.status_code == 400 and "重名客户" in text(response)
    assert response.context["form"].errors["name"]
    response = admin.post(url("create"), form_data(name="无地址", province="", city="", district="",
                                                    address_detail=""))
    assert response.context["form"].errors["address_detail"]


def test_edit_changes_the_customer_and_its_default_contact(tenant, owner, admin, custom_fields):
    customer = make_customer(owner, name="编辑前", fields={"level": "a", "amount": 1})
    response = admin.post(url("edit", customer.pk), form_data(name="编辑后", contact_name="新联系人",
                                                               contact_phone="021-12345678", cf_level="b",
                                                               cf_amount=""))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "编辑后" and customer.fields == {"level": "b"}
    assert (customer.contact_name, customer.contact_phone) == ("新联系人", "02112345678")
    assert Contact.objects.filter(customer=customer).count() == 1
    changes = Activity.objects.filter(verb="customer.updated").latest("pk").changes
    assert {"name", "fields.level", "fields.amount", "contact_name"} <= {c["field"] for c in changes}


def test_delete_from_the_detail_page(tenant, owner, admin):
    customer = make_customer(owner)
    response = admin.post(url("delete", customer.pk))
    assert response.status_code == 302 and response["Location"] == url("list")
    assert not Customer.objects.exists()


# --- notes, contacts, addresses ----------------------------------------------------------------------------

def test_note_with_attachment(tenant, owner, admin):
    customer = make_customer(owner)
    upload = SimpleUploadedFile("现场照片.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = admin.post(url("note_create", customer.pk), {"content": "已电话确认", "files": [upload]})
    assert response.status_code == 302 and response["Location"].endswith("#activity")
    entry = Activity.objects.get(verb="customer.note")
    assert entry.note == "已电话确认" and entry.attachments[0]["name"] == "现场照片.pdf"
    assert "现场照片.pdf" in text(admin.get(url("detail", customer.pk)))
    admin.post(url("note_create", customer.pk), {"content": ""})
    assert Activity.objects.filter(verb="customer.note").count() == 1


def test_contact_and_address_dialogs(tenant, owner, admin):
    customer = make_customer(owner, contacts=[{"name": "甲", "phone": "13800000001"}])
    response = admin.post(url("contact_create", customer.pk), {"name": "乙", "phone": "bad"}, **HTMX)
    assert response.status_code == 200 and "invalid-feedback" in text(response)
    response = admin.post(url("contact_create", customer.pk), {"name": "乙", "phone": "13800000002",
                                                                "is_default": "on"}, **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"].endswith("#contacts")
    customer.refresh_from_db()
    assert customer.contact_name == "乙"
    first = Contact.objects.get(customer=customer, name="甲")
    admin.post(url("contact_default", customer.pk, first.pk))
    customer.refresh_from_db()
    assert customer.contact_name == "甲"
    admin.post(url("contact_delete", customer.pk, first.pk))
    customer.refresh_from_db()
    assert customer.contact_name == "乙"

    response = admin.post(url("address_create", customer.pk), {"city": "深圳", "detail": "科技园 1 号"})
    assert response.status_code == 302
    shenzhen = Address.objects.get(customer=customer, city="深圳市")
    assert shenzhen.latitude is not None
    admin.post(url("address_default", customer.pk, shenzhen.pk))
    customer.refresh_from_db()
    assert customer.city == "深圳市"
    old = Address.objects.exclude(pk=shenzhen.pk).get(customer=customer)
    admin.post(url("address_delete", customer.pk, old.pk))
    response = admin.post(url("address_delete", customer.pk, shenzhen.pk))
    assert Address.objects.filter(pk=shenzhen.pk).exists(), "the last address stays while one is required"
    assert response.status_code == 302


def test_nearby_fragment(tenant, owner, admin):
    customer = make_customer(owner, address=at(31.2300, 121.4700))
    make_customer(owner, name="三公里外", address=at(31.2500, 121.4950))
    assert "三公里外" not in text(admin.get(url("nearby", customer.pk), {"km": 1}, **HTMX))
    assert "三公里外" in text(admin.get(url("nearby", customer.pk), {"km": 5}, **HTMX))


def test_geocode_and_pick_helpers(tenant, owner, admin):
    response = admin.get(url("geocode"), {"province": "浙江省", "city": "杭州", "detail": "文三路"})
    assert response.status_code == 200 and response.json()["latitude"] == "30.274085"
    assert admin.get(url("geocode"), {"detail": "火星基地"}).status_code == 400
    assert admin.get(url("geocode")).status_code == 400
    customer = make_customer(owner, name="可选客户")
    results = admin.get(url("pick"), {"q": "可选"}).json()["results"]
    assert results == [{"id": customer.pk, "label": "可选客户", "number": customer.number}]


# --- batch actions ------------------------------------------------------------------------------------------

def test_batch_edit_dialog(tenant, owner, admin, custom_fields):
    one = make_customer(owner, fields={"level": "a"})
    two = make_customer(owner, fields={"level": "a"})
    dialog = text(admin.get(url("batch_edit"), {"ids": [one.pk, two.pk], "what": "field:level"}, **HTMX))
    assert 'name="cf_level"' in dialog and "B 级" in dialog
    response = admin.post(url("batch_edit"), {"ids": [one.pk, two.pk], "apply": "1", "what": "field:level",
                                              "cf_level": "b"}, **HTMX)
    assert response.status_code == 200 and response.get("HX-Refresh") == "true"
    assert set(Customer.objects.values_list("fields__level", flat=True)) == {"b"}
    response = admin.post(url("batch_edit"), {"ids": [one.pk], "apply": "1", "what": "tags", "mode": "add",
                                              "tags": "VIP"}, **HTMX)
    one.refresh_from_db()
    assert one.tags == ["VIP"]
    response = admin.post(url("batch_edit"), {"ids": [one.pk], "apply": "1", "what": "status",
                                              "status": "nonsense"}, **HTMX)
    assert "invalid-feedback" in text(response)


def test_batch_sms_reports_counts(tenant, owner, admin):
    one = make_customer(owner, contacts=[{"name": "甲", "phone": "13800001111"}])
    two = make_customer(owner, contacts=[{"name": "乙", "phone": "021-12345678"}])
    dialog = text(admin.get(url("batch_sms"), {"ids": [one.pk, two.pk]}, **HTMX))
    assert zh("%(n)s of %(total)s have a default contact with a mobile number and will get the message.",
              n=1, total=2) in dialog
    response = admin.post(url("batch_sms"), {"ids": [one.pk, two.pk], "content": "设备保养提醒"}, **HTMX)
    assert response.status_code == 200 and response.get("HX-Refresh") == "true"
    assert SmsMessage.objects.filter(phone="13800001111").count() == 1
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == [zh("SMS sent: %(sent)s, failed: %(failed)s, without a mobile number: %(skipped)s.",
                        sent=1, failed=0, skipped=1)]


def test_batch_delete(tenant, owner, admin):
    one, two = make_customer(owner), make_customer(owner)
    response = admin.post(url("batch_delete"), {"ids": [one.pk, two.pk]})
    assert response.status_code == 302 and not Customer.objects.exists()
    assert admin.post(url("batch_delete"), {"ids": []}).status_code == 302


# --- settings -----------------------------------------------------------------------------------------------

def test_settings_page_saves_the_toggles(tenant, owner, admin):
    page = text(admin.get(url("settings")))
    assert "customer__address_required" in page and 'name="number_prefix"' in page
    response = admin.post(url("settings"), {"customer__allow_duplicate_names": "on", "number_prefix": "kh"})
    assert response.status_code == 302
    tenant.refresh_from_db()
    assert company_settings.get("customer.allow_duplicate_names", tenant) is True
    assert company_settings.get("customer.address_required", tenant) is False, "an unticked switch is off"
    assert company_settings.get("customer.number_prefix", tenant) == "KH"
    response = admin.post(url("settings"), {"number_prefix": "客户!"})
    assert response.status_code == 400 and response.context["form"].errors["number_prefix"]


def test_settings_link_the_designer_only_when_it_exists(tenant, admin):
    from django.urls import NoReverseMatch

    page = text(admin.get(url("settings")))
    try:
        designer = reverse("core:form_designer", args=["customer"])
    except NoReverseMatch:
        assert zh("The form designer is not available yet.") in page
    else:
        assert f'href="{designer}"' in page
