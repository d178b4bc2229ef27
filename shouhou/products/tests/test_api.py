"""REST API of products, templates and types: CRUD, custom fields with per-field 400s, filters,
pagination, permissions and other companies (404)."""

import json

import pytest

from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import api_client_for, make_user
from shouhou.products import services
from shouhou.products.models import Product, ProductTemplate, ProductType

from .conftest import make_customer, make_product

BASE = "/api/v1"


def post(client, path, data, **headers):
    return client.post(BASE + path, json.dumps(data), content_type="application/json", headers=headers)


def patch(client, path, data):
    return client.patch(BASE + path, json.dumps(data), content_type="application/json")


@pytest.fixture
def api(owner, tenant):
    return api_client_for(owner)


def test_product_crud(api, owner, custom_fields):
    kind = services.create_product_type(actor=owner, name="空调")
    customer = make_customer(owner, name="API 客户")
    created = post(api, "/products", {"name": "API 产品", "number": "API-1", "product_type_id": kind.pk,
                                      "customer_id": customer.pk, "warranty_end": "2099-01-01",
                                      "fields": {"color": "white", "power": 2}})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["customer"] == {"id": customer.pk, "name": "API 客户", "number": customer.number}
    assert body["product_type"]["name"] == "空调" and body["in_warranty"] is True
    assert body["fields"] == {"color": "white", "power": 2} and body["qr_url"].endswith(f"/q/{Product.objects.get().qr_token}")
    product_id = body["id"]
    assert api.get(f"{BASE}/products/{product_id}").json()["number"] == "API-1"
    changed = patch(api, f"/products/{product_id}", {"name": "改名", "fields": {"power": None}})
    assert changed.status_code == 200 and changed.json()["name"] == "改名"
    assert changed.json()["fields"] == {"color": "white"}
    assert api.delete(f"{BASE}/products/{product_id}").status_code == 204
    assert not Product.objects.exists()


def test_custom_field_errors_are_400_per_field(api, custom_fields):
    response = post(api, "/products", {"name": "X", "number": "X-1", "fields": {"color": "purple", "power": "abc"}})
    assert response.status_code == 400
    details = response.json()["details"]
    assert {"fields.color", "fields.power"} <= set(details) and response.json()["code"] == "validation_error"
    missing = post(api, "/products", {"name": "X", "number": "", "fields": {"color": "white"}})
    assert missing.status_code == 400 and "number" in missing.json()["details"]
    assert not Product.objects.exists()


def test_create_from_template(api, owner):
    template = services.create_template(actor=owner, name="模板产品", number="TPL", warranty_months=12)
    response = post(api, "/products", {"template_id": template.pk, "install_date": "2025-06-30"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["number"], body["template_id"], body["warranty_end"]) == (
        "模板产品", "TPL-0001", template.pk, "2026-06-30")


def test_list_filters_and_pagination(api, owner, custom_fields):
    customer = make_customer(owner)
    for i in range(5):
        make_product(owner, name=f"批量{i}", fields={"color": "white" if i % 2 else "grey"},
                     customer_id=customer.pk if i < 2 else None)
    page = api.get(f"{BASE}/products?page_size=2&page=2").json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["page"] == 2
    assert api.get(f"{BASE}/products?customer_id={customer.pk}").json()["count"] == 2
    assert api.get(f"{BASE}/products?cf_color=grey").json()["count"] == 3
    assert api.get(f"{BASE}/products?q=批量3").json()["count"] == 1
    bad = api.get(f"{BASE}/products?cf_color__gte=x")
    assert bad.status_code == 400


def test_another_company_is_404_and_absent_from_lists(api, owner, other_company):
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        foreign = make_product(other_owner, name="别家")
        foreign_template = services.create_template(actor=other_owner, name="别家模板", number="O")
        foreign_customer = make_customer(other_owner)
    for method, path in (("get", f"/products/{foreign.pk}"), ("delete", f"/products/{foreign.pk}"),
                         ("get", f"/product-templates/{foreign_template.pk}")):
        assert getattr(api, method)(BASE + path).status_code == 404
    assert patch(api, f"/products/{foreign.pk}", {"name": "x"}).status_code == 404
    assert post(api, f"/products/{foreign.pk}/regenerate-qrcode", {}).status_code == 404
    response = post(api, "/products", {"name": "X", "number": "X", "customer_id": foreign_customer.pk})
    assert response.status_code == 404 and "customer_id" in response.json()["details"]
    assert api.get(f"{BASE}/products").json()["count"] == 0
    assert api.get(f"{BASE}/product-templates").json()["count"] == 0


def test_permissions(tenant, owner):
    product = make_product(owner)
    visitor = api_client_for(make_user(tenant, roles=("visitor",)))
    assert visitor.get(f"{BASE}/products").json()["count"] == 1
    assert post(visitor, "/products", {"name": "X", "number": "Y"}).status_code == 403
    assert patch(visitor, f"/products/{product.pk}", {"name": "X"}).status_code == 403
    assert visitor.delete(f"{BASE}/products/{product.pk}").status_code == 403
    assert post(visitor, "/product-types", {"name": "X"}).status_code == 403
    nobody = api_client_for(make_user(tenant, roles=()))
    assert nobody.get(f"{BASE}/products").status_code == 403
    from django.test import Client

    assert Client().get(f"{BASE}/products").status_code == 401


def test_templates_and_types(api, owner, custom_fields):
    created = post(api, "/product-types", {"name": "冷柜"})
    assert created.status_code == 201 and created.json()["name"] == "冷柜"
    assert post(api, "/product-types", {"name": "冷柜"}).status_code == 400
    assert api.get(f"{BASE}/product-types").json()["results"][0]["name"] == "冷柜"
    kind_id = created.json()["id"]
    template = post(api, "/product-templates", {"name": "T1", "number": "T1", "product_type_id": kind_id,
                                                "warranty_months": 6, "fields": {"memo": "M"}})
    assert template.status_code == 201 and template.json()["product_type"]["id"] == kind_id
    template_id = template.json()["id"]
    changed = patch(api, f"/product-templates/{template_id}", {"warranty_months": 18, "fields": {"color": "grey"}})
    assert changed.json()["warranty_months"] == 18 and changed.json()["fields"] == {"color": "grey"}
    bad = patch(api, f"/product-templates/{template_id}", {"fields": {"color": "nope"}})
    assert bad.status_code == 400 and "fields.color" in bad.json()["details"]
    assert api.get(f"{BASE}/product-templates?q=T1").json()["count"] == 1
    assert api.delete(f"{BASE}/product-templates/{template_id}").status_code == 204
    assert not ProductTemplate.objects.exists() and ProductType.objects.count() == 1


def test_idempotent_create(api):
    first = post(api, "/products", {"name": "一次", "number": "ONCE"}, **{"Idempotency-Key": "k-1"})
    again = post(api, "/products", {"name": "一次", "number": "ONCE"}, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert Product.objects.count() == 1


def test_regenerate_qrcode(api, owner):
    product = make_product(owner)
    response = post(api, f"/products/{product.pk}/regenerate-qrcode", {})
    assert response.status_code == 200
    product.refresh_from_db()
    assert response.json()["qr_url"].endswith(product.qr_token)
