"""Console pages for products, templates, types and settings: rendering, forms with service errors,
permissions (403), data scope and other companies (404), batch actions, export and pickers."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from shouhou.core import company_settings
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import client_for, make_team, make_user
from shouhou.products import services
from shouhou.products.models import Product, ProductTemplate, ProductType

from .conftest import make_customer, make_product


@pytest.fixture(autouse=True)
def _chinese_default(settings):
    """These tests check what a Chinese user sees: the product's default language."""
    settings.LANGUAGE_CODE = "zh-hans"


HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, *args):
    return reverse(f"products:{name}", args=args)


def text(response):
    return response.content.decode()


def zh(message):
    with translation.override("zh-hans"):
        return translation.gettext(message)


@pytest.fixture
def admin(owner):
    return client_for(owner)


def test_every_page_renders_for_the_administrator(tenant, owner, admin, custom_fields):
    kind = services.create_product_type(actor=owner, name="空调")
    template = services.create_template(actor=owner, name="模板甲", number="TA", product_type_id=kind.pk,
                                        fields={"color": "white"})
    customer = make_customer(owner, name="客户甲")
    product = make_product(owner, name="产品甲", customer_id=customer.pk, product_type_id=kind.pk,
                           fields={"color": "grey", "power": 7})
    sibling = make_product(owner, name="同客户产品", customer_id=customer.pk, fields={"color": "white"})
    pages = [url("list"), url("create"), url("create") + f"?template={template.pk}", url("detail", product.pk),
             url("edit", product.pk), url("templates"), url("template_create"), url("template_detail", template.pk),
             url("template_edit", template.pk), url("types"), url("settings"), url("qrcodes"), url("import")]
    for page in pages:
        response = admin.get(page)
        assert response.status_code == 200, page
    detail = text(admin.get(url("detail", product.pk)))
    assert "产品甲" in detail and "灰色" in detail and sibling.name in detail and "客户甲" in detail
    assert reverse("customers:detail", args=[customer.pk]) in detail
    listing = text(admin.get(url("list")))
    assert "产品甲" in listing and "颜色" in listing and "灰色" in listing  # custom column shown in list


def test_list_search_tabs_and_custom_filters(tenant, owner, admin, custom_fields):
    customer = make_customer(owner, name="蓝天酒店")
    make_product(owner, name="白色机", fields={"color": "white", "power": 3}, warranty_end="2099-01-01",
                 customer_id=customer.pk)
    make_product(owner, name="灰色机", fields={"color": "grey", "power": 9}, warranty_end="2001-01-01",
                 serial_number="SN-GREY")
    assert "白色机" in text(admin.get(url("list") + "?q=蓝天")) and "灰色机" not in text(admin.get(url("list") + "?q=蓝天"))
    assert "灰色机" in text(admin.get(url("list") + "?q=SN-GREY"))
    filtered = text(admin.get(url("list") + "?f_cf_color=grey"))
    assert "灰色机" in filtered and "白色机" not in filtered
    assert "白色机" not in text(admin.get(url("list") + "?f_cf_power=9"))
    bad_value = admin.get(url("list") + "?f_cf_power=abc")  # cannot match a number field: no rows, no crash
    assert bad_value.status_code == 200 and "白色机" not in text(bad_value)
    in_warranty = text(admin.get(url("list") + "?tab=in_warranty"))
    assert "白色机" in in_warranty and "灰色机" not in in_warranty
    ranged = text(admin.get(url("list") + "?f_warranty_end_from=2050-01-01"))
    assert "白色机" in ranged and "灰色机" not in ranged
    partial = admin.get(url("list") + "?tab=expired", **HTMX)
    assert "灰色机" in text(partial) and "<html" not in text(partial)


def test_export_follows_the_view(tenant, owner, admin, custom_fields):
    make_product(owner, name="导出甲", fields={"color": "white"})
    make_product(owner, name="导出乙", fields={"color": "grey"})
    response = admin.get(url("list") + "?f_cf_color=grey&export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert "颜色" in rows[0] and len(rows) == 2 and "导出乙" in rows[1] and "灰色" in rows[1]
    engineer = client_for(make_user(tenant, roles=("engineer",)))
    assert engineer.get(url("list") + "?export=xlsx").status_code == 403


def test_create_through_the_form(tenant, owner, admin, custom_fields):
    kind = services.create_product_type(actor=owner, name="电梯")
    customer = make_customer(owner, name="金茂大厦")
    response = admin.post(url("create"), {
        "name": "三菱电梯", "number": "EL-1", "serial_number": "S1", "product_type": kind.pk, "customer": customer.pk,
        "install_date": "2025-05-01", "cf_color": "white", "cf_power": "15"})
    product = Product.objects.get(number="EL-1")
    assert response.status_code == 302 and response["Location"] == url("detail", product.pk)
    assert product.customer == customer and product.fields == {"color": "white", "power": 15}


def test_form_shows_service_errors_on_their_fields(tenant, owner, admin, custom_fields, other_company):
    make_product(owner, number="EL-1", fields={"color": "white"})
    response = admin.post(url("create"), {"name": "重复", "number": "EL-1", "cf_color": "white"})
    assert response.status_code == 400 and zh("The product number %(number)s is already used.") % {
        "number": "EL-1"} in text(response)
    missing = admin.post(url("create"), {"name": "缺颜色", "number": "EL-2"})
    assert missing.status_code == 400 and "is-invalid" in text(missing)
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        foreign = make_customer(other_owner)
    response = admin.post(url("create"), {"name": "外客户", "number": "EL-3", "customer": foreign.pk, "cf_color": "white"})
    assert response.status_code == 400
    assert Product.objects.count() == 1


def test_create_from_a_template_in_the_form(tenant, owner, admin, custom_fields):
    template = services.create_template(actor=owner, name="海尔冰箱", number="HR", warranty_months=12,
                                        fields={"color": "grey"})
    page = text(admin.get(url("create") + f"?template={template.pk}"))
    assert 'value="海尔冰箱"' in page and 'value="grey" selected' in page
    response = admin.post(url("create"), {"template": template.pk, "name": "海尔冰箱", "number": "",
                                          "install_date": "2025-01-31", "cf_color": "grey"})
    product = Product.objects.get()
    assert response.status_code == 302
    assert product.number == "HR-0001" and product.template == template and str(product.warranty_end) == "2026-01-31"


def test_edit_through_the_form(tenant, owner, admin, custom_fields):
    product = make_product(owner, name="旧名", fields={"color": "white", "memo": "保留"})
    response = admin.post(url("edit", product.pk), {"name": "新名", "number": product.number, "cf_color": "grey",
                                                    "cf_memo": ""})
    product.refresh_from_db()
    assert response.status_code == 302 and product.name == "新名" and product.fields == {"color": "grey"}


def test_delete_and_batch_actions(tenant, owner, admin, custom_fields):
    kind = services.create_product_type(actor=owner, name="泵")
    one = make_product(owner, fields={"color": "white"})
    two = make_product(owner, fields={"color": "white"})
    three = make_product(owner, fields={"color": "white"})
    dialog = admin.get(url("batch_edit") + f"?ids={one.pk}&ids={two.pk}", **HTMX)
    assert dialog.status_code == 200 and one.name in text(dialog)
    response = admin.post(url("batch_edit"), {"ids": [one.pk, two.pk], "set_type": "on", "product_type": kind.pk,
                                              "field_key": "color", "field_value": "灰色"}, **HTMX)
    assert response.status_code == 200 and response.headers.get("HX-Refresh") == "true"
    assert {p.product_type_id for p in Product.objects.filter(pk__in=[one.pk, two.pk])} == {kind.pk}
    assert Product.objects.get(pk=one.pk).fields["color"] == "grey"
    bad = admin.post(url("batch_edit"), {"ids": [one.pk], "field_key": "color", "field_value": "紫色"}, **HTMX)
    assert bad.status_code == 200 and "invalid-feedback" in text(bad)
    assert Product.objects.get(pk=one.pk).fields["color"] == "grey"
    admin.post(url("batch_delete"), {"ids": [one.pk, two.pk]})
    assert list(Product.objects.all()) == [three]
    admin.post(url("delete", three.pk))
    assert not Product.objects.exists()


def test_permissions(tenant, owner, custom_fields):
    product = make_product(owner, fields={"color": "white"})
    template = services.create_template(actor=owner, name="T", number="T")
    kind = services.create_product_type(actor=owner, name="K")
    visitor = client_for(make_user(tenant, roles=("visitor",)))  # view only, all scope
    assert visitor.get(url("list")).status_code == 200
    assert visitor.get(url("detail", product.pk)).status_code == 200
    for page in (url("create"), url("edit", product.pk), url("settings"), url("template_create"),
                 url("template_edit", template.pk), url("qrcodes")):
        assert visitor.get(page).status_code == 403, page
    for page in (url("delete", product.pk), url("type_add"), url("type_delete", kind.pk),
                 url("qr_regenerate", product.pk), url("template_delete", template.pk)):
        assert visitor.post(page, {"new-name": "x"}).status_code == 403, page
    assert Product.objects.filter(pk=product.pk).exists() and ProductType.objects.count() == 1
    nobody = client_for(make_user(tenant, roles=()))
    assert nobody.get(url("list")).status_code == 403
    assert client_for(make_user(tenant, roles=("visitor",))).get(url("types")).status_code == 200


def test_data_scope_and_other_companies_are_404(tenant, owner, admin, other_company):
    team = make_team(tenant)
    engineer = make_user(tenant, roles=("engineer",), teams=[team])
    hidden = make_product(owner, name="看不见的产品")
    own = services.create_product(actor=engineer, name="自己的产品", number="OWN-1")
    engineer_client = client_for(engineer)
    assert engineer_client.get(url("detail", hidden.pk)).status_code == 404
    assert engineer_client.get(url("detail", own.pk)).status_code == 200
    listing = text(engineer_client.get(url("list")))
    assert "自己的产品" in listing and "看不见的产品" not in listing
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        foreign = make_product(other_owner, name="别家产品")
        foreign_template = services.create_template(actor=other_owner, name="别家模板", number="X")
    for page in (url("detail", foreign.pk), url("edit", foreign.pk), url("qr_svg", foreign.pk),
                 url("template_detail", foreign_template.pk), url("create") + f"?template={foreign_template.pk}"):
        assert admin.get(page).status_code == 404, page
    assert admin.post(url("batch_delete"), {"ids": [foreign.pk]}).status_code == 404
    with tenant_context(other_tenant):
        assert Product.objects.filter(pk=foreign.pk).exists()


def test_pickers_only_offer_what_the_actor_sees(tenant, owner, admin, other_company):
    make_customer(owner, name="本公司客户")
    make_product(owner, name="本公司产品")
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        make_customer(other_owner, name="别家客户")
        make_product(other_owner, name="别家产品")
    products = admin.get(url("pick") + "?q=产品").json()["results"]
    assert [p["label"] for p in products] == ["本公司产品"]
    form = text(admin.get(url("create")))
    assert f'data-search-url="{reverse("customers:pick")}"' in form  # the customer picker: visible customers
    customers = admin.get(reverse("customers:pick") + "?q=客户").json()["results"]
    assert [c["label"] for c in customers] == ["本公司客户"]


def test_types_page_actions(tenant, owner, admin):
    admin.post(url("type_add"), {"new-name": "电脑办公"})
    admin.post(url("type_add"), {"new-name": "机械类"})
    first, second = ProductType.objects.order_by("sort_order")
    duplicate = admin.post(url("type_add"), {"new-name": "机械类"})
    assert duplicate.status_code == 400 and ProductType.objects.count() == 2
    admin.post(url("type_move", second.pk), {"direction": "up"})
    assert list(ProductType.objects.order_by("sort_order")) == [second, first]
    response = admin.post(url("type_reorder"), {"ids": [first.pk, second.pk]})
    assert response.json()["ok"] and list(ProductType.objects.order_by("sort_order")) == [first, second]
    assert admin.post(url("type_reorder"), {"ids": [first.pk]}).status_code == 400
    admin.post(url("type_edit", first.pk), {f"t{first.pk}-name": "办公设备"})
    first.refresh_from_db()
    assert first.name == "办公设备"
    make_product(owner, product_type_id=second.pk)
    admin.post(url("type_delete", second.pk))
    assert ProductType.objects.filter(pk=second.pk).exists()  # in use: refused with a message
    admin.post(url("type_delete", first.pk))
    assert not ProductType.objects.filter(pk=first.pk).exists()


def test_settings_page_saves_the_switches(tenant, owner, admin):
    page = text(admin.get(url("settings")))
    assert zh("Enable product QR codes") in page and url("qrcodes") in page
    response = admin.post(url("settings"), {"product__qrcode_enabled": "on", "product__mobile_search": "on"})
    assert response.status_code == 302
    tenant.refresh_from_db()
    assert company_settings.get("product.qrcode_hide_contact", tenant) is False
    assert company_settings.get("product.qrcode_enabled", tenant) is True


def test_template_pages(tenant, owner, admin, custom_fields):
    response = admin.post(url("template_create"), {"name": "美的空调", "number": "MD", "warranty_months": "36",
                                                   "cf_color": ""})
    template = ProductTemplate.objects.get()
    assert response.status_code == 302 and template.warranty_months == 36 and template.fields == {}
    admin.post(url("template_edit", template.pk), {"name": "美的空调 2", "number": "MD", "cf_color": "grey"})
    template.refresh_from_db()
    assert template.name == "美的空调 2" and template.fields == {"color": "grey"}
    listing = text(admin.get(url("templates")))
    assert "美的空调 2" in listing
    dialog = admin.post(url("template_batch_edit"), {"ids": [template.pk], "set_warranty": "on",
                                                     "warranty_months": "6"}, **HTMX)
    assert dialog.status_code == 200
    template.refresh_from_db()
    assert template.warranty_months == 6
    admin.post(url("template_batch_delete"), {"ids": [template.pk]})
    assert not ProductTemplate.objects.exists()


def test_navigation_and_home_counter(tenant, owner, admin):
    make_product(owner)
    home = text(admin.get("/"))
    assert url("list") in home and url("qrcodes") in home and 'data-counter="products"' in home
    usage = text(admin.get(reverse("system:usage")))
    assert zh("Products") in usage
