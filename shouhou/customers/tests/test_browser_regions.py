"""The cascading region picker in a browser: on the new-address dialog pick 上海市 → (its one city, 上海市,
chosen by itself) → 浦东新区 and save; 识别地址 splits a pasted address into the three selects; the customer
form at phone width. Screenshots (PC 1366 and phone 390) under test-artifacts/."""

import re

import pytest
from django.conf import settings as django_settings

from shouhou.browser_fixtures import login, shot
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, make_company
from shouhou.customers import services
from shouhou.customers.models import Address

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _offline_maps(settings):
    settings.MAPS_AMAP_KEY = ""


def chinese(live_server, page):
    page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans",
                               "url": live_server.url}])


def test_pick_shanghai_pudong_and_save(page, live_server):
    tenant, owner = make_company()
    with tenant_context(tenant):
        customer = services.create_customer(actor=owner, name="区划测试客户",
                                            addresses=[{"province": "北京", "city": "北京", "detail": "建国路 1 号"}],
                                            geocode=False)
    chinese(live_server, page)
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto(f"/customers/{customer.pk}/addresses/new/")
    page.select_option("[name=province]", label="上海市")
    city = page.locator("select[name=city]")
    page.wait_for_function("() => document.querySelector('select[name=city]').value === '310100'")
    assert city.locator("option:checked").inner_text() == "上海市"
    page.select_option("[name=district]", label="浦东新区")
    page.fill("[name=detail]", "张江路 100 号")
    shot(page, "regions-01-address-form-pc")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf"/customers/{customer.pk}/"))
    with tenant_context(tenant):
        saved = Address.objects.get(customer=customer, district="浦东新区")
    assert (saved.province_code, saved.city_code, saved.district_code) == ("310000", "310100", "310115")
    assert (saved.province, saved.city) == ("上海市", "上海市")
    assert page.js_errors == []


def test_recognise_a_pasted_address_on_the_phone(phone, live_server):
    tenant, owner = make_company()
    chinese(live_server, phone)
    login(phone, owner.phone, DEMO_PASSWORD)
    phone.goto("/customers/new/")
    phone.fill("[name=name]", "识别地址客户")
    phone.fill("[name=address_detail]", "广东省深圳市南山区科技园科苑路 15 号")
    phone.click("[data-region-split]")
    phone.wait_for_function("() => document.querySelector('select[name=district]').value === '440305'")
    assert phone.input_value("[name=province]") == "440000" and phone.input_value("[name=city]") == "440300"
    assert phone.input_value("[name=address_detail]") == "科技园科苑路15号"
    shot(phone, "regions-02-customer-form-390")
    phone.locator("form.customer-form button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/customers/\d+/$"))
    with tenant_context(tenant):
        saved = Address.objects.get(customer__name="识别地址客户")
    assert (saved.city, saved.district, saved.district_code) == ("深圳市", "南山区", "440305")
    assert phone.js_errors == []
