"""Addresses with GB/T 2260 regions: the services store names with codes (names, variants or codes
accepted, an unmatched part refused), the import (names, codes, a whole address, bad names: row errors and
nothing imported), the API (names or codes in, codes out, /regions), the migration's matching and the
地区待修正 list, and the picker on the forms."""

import pytest
from django.urls import reverse

from shouhou.core.errors import ValidationFailed
from shouhou.core.jobs import DataJob
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import api_client_for, client_for
from shouhou.customers import contact_services, services
from shouhou.customers.models import Address, Customer, region_unmatched_q
from shouhou.customers.region_matching import match_stored

from .conftest import make_customer
from .test_import_export import _chinese_default, row, run_import  # noqa: F401 (the fixture is used)

CODES = ("province_code", "city_code", "district_code")


def codes(obj):
    return tuple(getattr(obj, name) for name in CODES)


def test_services_store_canonical_names_with_codes(tenant, owner):
    customer = make_customer(owner, address={"province": "广西", "city": "南宁", "district": "青秀", "detail": "民族大道"})
    address = Address.objects.get(customer=customer)
    assert (address.province, address.city, address.district) == ("广西壮族自治区", "南宁市", "青秀区")
    assert codes(address) == ("450000", "450100", "450103") and codes(customer) == codes(address)
    contact_services.update_address(actor=owner, address=address, province_code="310000", city_code="310100",
                                    district_code="310115", province="", city="", district="")
    address.refresh_from_db()
    customer.refresh_from_db()
    assert (address.province, address.district, customer.district_code) == ("上海市", "浦东新区", "310115")


def test_an_unmatched_region_is_refused_and_nothing_changes(tenant, owner):
    count = Customer.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.create_customer(actor=owner, name="怪地址", addresses=[{"province": "浙江", "city": "广州",
                                                                         "detail": "x"}])
    assert set(refused.value.details) == {"addresses.0.city"}
    assert Customer.objects.count() == count


def test_import_accepts_names_variants_and_codes(tenant, owner, custom_fields):
    admin = client_for(owner)
    job = run_import(admin, [
        row("简称公司", 省="广西", 市="南宁", 区="青秀"),
        row("编码公司", 省="310000", 市="310100", 区="310115"),
        row("整段地址公司", 省="", 市="", 区="", 详细地址="浙江省杭州市西湖区文三路 90 号"),
    ])
    assert job.status == DataJob.Status.READY, job.errors
    admin.post(reverse("customers:import_commit", args=[job.pk]))
    short, coded, whole = (Customer.objects.get(name=n) for n in ("简称公司", "编码公司", "整段地址公司"))
    assert (short.province, short.city, short.district) == ("广西壮族自治区", "南宁市", "青秀区")
    assert codes(coded) == ("310000", "310100", "310115") and coded.district == "浦东新区"
    assert codes(whole) == ("330000", "330100", "330106") and whole.address_detail == "文三路90号"
    assert codes(Address.objects.get(customer=whole)) == codes(whole)


def test_import_reports_unmatched_regions_as_row_errors_and_imports_nothing(tenant, owner, custom_fields):
    admin = client_for(owner)
    count = Customer.objects.count()
    job = run_import(admin, [
        row("好公司"),
        row("火星公司", 省="火星"),
        row("错市公司", 省="浙江", 市="广州", 区=""),
        row("错区公司", 省="上海", 市="上海", 区="西湖区"),
    ])
    assert job.status == DataJob.Status.INVALID
    reasons = {error["row"]: " ".join(error["messages"]) for error in job.errors}
    assert sorted(reasons) == [3, 4, 5]
    assert "火星" in reasons[3] and "广州" in reasons[4] and "西湖区" in reasons[5]
    assert Customer.objects.count() == count


def test_api_takes_names_or_codes_and_answers_codes(tenant, owner):
    api = api_client_for(owner)
    customer = make_customer(owner)
    url = f"/api/v1/customers/{customer.pk}/addresses"
    by_name = api.post(url, {"province": "北京", "district": "朝阳", "detail": "建国路 1 号"},
                       content_type="application/json")
    assert by_name.status_code == 201, by_name.json()
    body = by_name.json()
    assert (body["province"], body["city"], body["district"]) == ("北京市", "北京市", "朝阳区")
    assert (body["province_code"], body["city_code"], body["district_code"]) == ("110000", "110100", "110105")
    assert body["region_unmatched"] is False
    by_code = api.post(url, {"province_code": "440000", "city_code": "440300", "district_code": "440305",
                             "detail": "科技园"}, content_type="application/json")
    assert by_code.status_code == 201 and by_code.json()["district"] == "南山区"
    bad = api.post(url, {"province": "浙江", "city": "杭州", "district": "浦东", "detail": "x"},
                   content_type="application/json")
    assert bad.status_code == 400 and list(bad.json()["details"]) == ["district"]
    assert api.post(url, {"province_code": "31", "detail": "x"}, content_type="application/json").status_code == 400
    assert Address.objects.filter(customer=customer).count() == 3
    patched = api.patch(f"{url}/{body['id']}", {"province": "上海", "city": "", "district": "浦东新区"},
                        content_type="application/json")
    assert patched.status_code == 200 and patched.json()["district_code"] == "310115"
    detail = api.get(f"/api/v1/customers/{customer.pk}").json()
    assert detail["province_code"] == "310000"


def test_api_regions_and_split(tenant, owner):
    api = api_client_for(owner)
    assert len(api.get("/api/v1/regions").json()) == 34
    assert api.get("/api/v1/regions", {"parent": "310000"}).json() == [{"code": "310100", "name": "上海市"}]
    assert api.get("/api/v1/regions", {"parent": "990000"}).status_code == 404
    assert api.get("/api/v1/regions", {"parent": "abc"}).status_code == 400
    found = api.get("/api/v1/regions/split", {"text": "深圳南山区科技园"}).json()
    assert (found["city"], found["district_code"], found["detail"]) == ("深圳市", "440305", "科技园")
    assert api.get("/api/v1/regions/split", {"text": "x" * 201}).status_code == 400


def _stored(customer, **parts):
    """An address as an older version stored it: free text, no codes."""
    Address.objects.filter(customer=customer).update(**parts, province_code="", city_code="", district_code="")
    Customer.objects.filter(pk=customer.pk).update(**parts, province_code="", city_code="", district_code="")


def test_the_migration_matches_stored_names_and_lists_the_rest(tenant, owner):
    good, partial, bad = (make_customer(owner, name=n) for n in ("旧上海", "旧杭州", "旧火星"))
    _stored(good, province="上海", city="上海", district="浦东")
    _stored(partial, province="浙江", city="杭州", district="没有区")
    _stored(bad, province="火星", city="", district="")
    with tenant_context(None):
        matched, unmatched = match_stored(Address, Customer)
    assert matched >= 1 and unmatched >= 2
    address = Address.objects.get(customer=good)
    assert (address.province, address.district) == ("上海市", "浦东新区")
    assert codes(address) == ("310000", "310100", "310115")
    assert codes(Customer.objects.get(pk=good.pk)) == codes(address)
    kept = Address.objects.get(customer=partial)
    assert codes(kept) == ("330000", "330100", "") and kept.district == "没有区" and kept.region_unmatched
    assert set(Address.objects.filter(region_unmatched_q()).values_list("customer__name", flat=True)) == {
        "旧杭州", "旧火星"}
    # the console's 地区待修正 filter lists them, and the customer page badges the address
    admin = client_for(owner)
    page = admin.get(reverse("customers:list"), {"f_region_fix": "1"}).content.decode()
    assert "旧杭州" in page and "旧火星" in page and "旧上海" not in page
    detail = admin.get(reverse("customers:detail", args=[bad.pk])).content.decode()
    assert "地区待修正" in detail or "Region to fix" in detail


def test_making_an_unmatched_address_the_default_still_works(tenant, owner):
    customer = make_customer(owner)
    _stored(customer, province="火星", city="", district="")
    other = contact_services.add_address(actor=owner, customer=customer, province="浙江", city="杭州", detail="x")
    old = Address.objects.exclude(pk=other.pk).get(customer=customer)
    contact_services.update_address(actor=owner, address=old, is_default=True, geocode=False)
    assert Address.objects.get(pk=old.pk).is_default


def test_the_forms_draw_the_cascading_picker(tenant, owner):
    admin = client_for(owner)
    customer = make_customer(owner)
    page = admin.get(reverse("customers:address_create", args=[customer.pk])).content.decode()
    assert 'data-region-level="province"' in page and '<option value="310000">上海市</option>' in page
    address = Address.objects.get(customer=customer)
    page = admin.get(reverse("customers:address_edit", args=[customer.pk, address.pk])).content.decode()
    assert '<option value="310115" selected>浦东新区</option>' in page
    assert 'data-region-split="' in page
    response = admin.post(reverse("customers:address_create", args=[customer.pk]),
                          {"province": "440000", "city": "440300", "district": "440305", "detail": "科技园"})
    assert response.status_code == 302
    assert Address.objects.filter(customer=customer, district_code="440305", district="南山区").exists()
    response = admin.post(reverse("customers:address_create", args=[customer.pk]),
                          {"province": "440000", "city": "330100", "detail": "x"})
    assert response.status_code == 400 and Address.objects.filter(customer=customer).count() == 2
