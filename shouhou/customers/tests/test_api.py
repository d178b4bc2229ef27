"""The customers API: CRUD with custom fields under "fields" (400 with per-field errors), contacts and
addresses, nearby, filters, data scope, and another company's customer answering 404."""

import pytest

from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import api_client_for, make_team, make_user
from shouhou.customers.models import Address, Contact, Customer

from .conftest import SHANGHAI, at, make_customer

BASE = "/api/v1/customers"


@pytest.fixture
def api(owner):
    return api_client_for(owner)


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", headers=headers)


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def test_create_read_update_delete(tenant, owner, api, custom_fields):
    team = make_team(tenant, name="上海组")
    response = post(api, BASE, {
        "name": "接口客户", "service_team_id": team.pk, "owner_ids": [owner.pk], "tags": ["VIP"],
        "fields": {"level": "a", "amount": 100},
        "contacts": [{"name": "张三", "phone": "13800138000"}, {"name": "李四", "phone": "021-88889999"}],
        "addresses": [SHANGHAI]})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == "CUS00001" and body["service_team"] == {"id": team.pk, "name": "上海组"}
    assert body["fields"] == {"level": "a", "amount": 100} and body["contact_name"] == "张三"
    assert [c["name"] for c in body["contacts"]] == ["张三", "李四"] and body["addresses"][0]["is_default"]
    customer_id = body["id"]

    assert api.get(f"{BASE}/{customer_id}").json()["name"] == "接口客户"
    response = patch(api, f"{BASE}/{customer_id}", {"name": "改名客户", "fields": {"amount": None}, "status": "potential"})
    assert response.status_code == 200, response.json()
    assert response.json()["fields"] == {"level": "a"} and response.json()["status"] == "potential"

    listed = api.get(BASE, {"q": "改名"}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == customer_id
    assert api.delete(f"{BASE}/{customer_id}").status_code == 204
    assert not Customer.objects.exists() and not Contact.objects.exists()
    assert api.get(f"{BASE}/{customer_id}").status_code == 404


def test_invalid_input_is_400_with_per_field_errors(tenant, owner, api, custom_fields):
    make_customer(owner, name="已有客户", fields={"level": "a"})
    response = post(api, BASE, {"name": "已有客户", "fields": {"level": "zz", "amount": "many", "nope": 1},
                                "contacts": [{"name": "张三", "phone": "123"}], "addresses": []})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert {"fields.level", "fields.amount", "fields.nope", "contacts.0.phone", "addresses"} <= set(body["details"])
    assert Customer.objects.count() == 1
    response = post(api, BASE, {"name": "缺字段", "addresses": [SHANGHAI]})
    assert response.status_code == 400 and "fields.level" in response.json()["details"]
    response = post(api, BASE, {"addresses": [SHANGHAI]})
    assert response.status_code == 400 and "name" in response.json()["details"]
    customer = Customer.objects.get()
    response = patch(api, f"{BASE}/{customer.pk}", {"fields": {"level": None}})
    assert response.status_code == 400 and "fields.level" in response.json()["details"]


def test_reference_to_another_companys_customer_is_400(tenant, owner, api, custom_fields, other_company):
    with tenant_context(other_company[0]):
        foreign = make_customer(other_company[1], name="别家客户")
    response = post(api, BASE, {"name": "引用客户", "fields": {"level": "a", "parent": foreign.pk},
                                "addresses": [SHANGHAI]})
    assert response.status_code == 400 and "fields.parent" in response.json()["details"]


def test_another_companys_customer_is_404(tenant, owner, api, other_company):
    with tenant_context(other_company[0]):
        foreign = make_customer(other_company[1], name="别家客户")
        contact = Contact.objects.get(customer=foreign)
        address = Address.objects.get(customer=foreign)
    for url in (f"{BASE}/{foreign.pk}", f"{BASE}/{foreign.pk}/contacts", f"{BASE}/{foreign.pk}/addresses",
                f"{BASE}/{foreign.pk}/contacts/{contact.pk}", f"{BASE}/{foreign.pk}/addresses/{address.pk}",
                f"{BASE}/{foreign.pk}/nearby"):
        assert api.get(url).status_code == 404, url
    assert patch(api, f"{BASE}/{foreign.pk}", {"name": "x"}).status_code == 404
    assert api.delete(f"{BASE}/{foreign.pk}").status_code == 404
    assert post(api, f"{BASE}/{foreign.pk}/contacts", {"name": "x"}).status_code == 404
    assert "别家客户" not in api.get(BASE).content.decode()
    with tenant_context(other_company[0]):
        assert Customer.objects.get(pk=foreign.pk).name == "别家客户"


def test_contacts_and_addresses(tenant, owner, api):
    customer = make_customer(owner, contacts=[{"name": "甲", "phone": "13800000001"}])
    url = f"{BASE}/{customer.pk}/contacts"
    response = post(api, url, {"name": "乙", "phone": "13800000002", "is_default": True})
    assert response.status_code == 201 and response.json()["is_default"]
    contact_id = response.json()["id"]
    assert [c["name"] for c in api.get(url).json()["results"]] == ["乙", "甲"]
    assert api.get(f"{BASE}/{customer.pk}").json()["contact_name"] == "乙"
    response = patch(api, f"{url}/{contact_id}", {"phone": "bad"})
    assert response.status_code == 400 and "phone" in response.json()["details"]
    assert patch(api, f"{url}/{contact_id}", {"position": "经理"}).json()["position"] == "经理"
    assert api.delete(f"{url}/{contact_id}").status_code == 204
    assert api.get(f"{BASE}/{customer.pk}").json()["contact_name"] == "甲"

    url = f"{BASE}/{customer.pk}/addresses"
    response = post(api, url, {"city": "杭州", "detail": "文三路 1 号"})
    assert response.status_code == 201 and response.json()["latitude"] == "30.274085", "located"
    address_id = response.json()["id"]
    response = patch(api, f"{url}/{address_id}", {"is_default": True})
    assert response.json()["is_default"] and api.get(f"{BASE}/{customer.pk}").json()["city"] == "杭州市"
    first = Address.objects.exclude(pk=address_id).get(customer=customer)
    assert api.delete(f"{url}/{first.pk}").status_code == 204
    response = api.delete(f"{url}/{address_id}")
    assert response.status_code == 400, "the last address stays while an address is required"
    assert api.get(f"{url}/987654").status_code == 404


def test_list_filters_and_custom_field_filters(tenant, owner, api, custom_fields):
    team = make_team(tenant, name="筛选组")
    make_customer(owner, name="一号", fields={"level": "a", "amount": 10}, tags=["VIP"], service_team_id=team.pk)
    make_customer(owner, name="二号", fields={"level": "b", "amount": 30}, status="inactive")

    def names(**params):
        response = api.get(BASE, params)
        assert response.status_code == 200, response.json()
        return [row["name"] for row in response.json()["results"]]

    assert names(cf_level="b") == ["二号"]
    assert names(cf_amount__gte="20") == ["二号"]
    assert names(tag="VIP") == ["一号"]
    assert names(status="inactive") == ["二号"]
    assert names(service_team_id=team.pk) == ["一号"]
    assert names(ordering="name") == ["一号", "二号"]
    assert names(page_size=1, page=2, ordering="name") == ["二号"]
    response = api.get(BASE, {"cf_level": "zz"})
    assert response.status_code == 400 and "level" in response.json()["details"]


def test_nearby_endpoints(tenant, owner, api):
    near = make_customer(owner, name="近", address=at(31.2400, 121.4800))
    make_customer(owner, name="中", address=at(31.2600, 121.5000))
    make_customer(owner, name="远", address=at(31.4000, 121.6000))
    response = api.get(f"{BASE}/nearby", {"lat": 31.230416, "lng": 121.473701, "km": 10})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["name"] for r in results] == ["近", "中"] and results[0]["distance_km"] < results[1]["distance_km"]
    assert [r["name"] for r in api.get(f"{BASE}/{near.pk}/nearby", {"km": 10}).json()["results"]] == ["中"]
    assert api.get(f"{BASE}/nearby", {"lat": 100, "lng": 121}).status_code == 400


def test_scope_and_permissions(tenant, owner):
    engineer = make_user(tenant, roles=("engineer",))
    visitor = make_user(tenant, roles=("visitor",))
    hidden = make_customer(owner, name="看不见", service_team_id=make_team(tenant).pk)
    client = api_client_for(engineer)
    assert client.get(f"{BASE}/{hidden.pk}").status_code == 404
    assert client.get(BASE).json()["count"] == 0
    response = post(api_client_for(visitor), BASE, {"name": "访客建", "addresses": [SHANGHAI]})
    assert response.status_code == 403 and not Customer.objects.filter(name="访客建").exists()
    assert api_client_for(visitor).delete(f"{BASE}/{hidden.pk}").status_code == 403


def test_create_is_idempotent_with_a_key(tenant, owner, api):
    payload = {"name": "幂等客户", "addresses": [SHANGHAI]}
    first = post(api, BASE, payload, **{"Idempotency-Key": "abc-1"})
    again = post(api, BASE, payload, **{"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert again["Idempotent-Replayed"] == "true" and Customer.objects.count() == 1
