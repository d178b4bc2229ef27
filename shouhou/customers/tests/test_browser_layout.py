"""The console customer list (/customers/) at 1366 px shows its whole default column set — the system columns
and the custom fields shown in the list, as the demo company has them — without cutting the last column; at
390 px the table scrolls sideways inside its box and the page itself never does. Headless Chromium;
screenshots under test-artifacts/."""

import pytest
from django.conf import settings as django_settings

from shouhou.browser_fixtures import login, shot
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, make_company, make_team, make_user
from shouhou.customers import services
from shouhou.demo.customers import CUSTOM_FIELDS, add_custom_fields

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# long names, addresses and amounts, as the demo and real companies have them
CUSTOMERS = [
    ("广州同创环保科技有限公司", "广东省", "广州市", "海珠区", "江南大道中350号B座14楼", "A", "1631900.00"),
    ("嘉禾大药房（中关村大街店）", "北京市", "北京市", "海淀区", "中关村大街766号2层128铺", "B", "519900.00"),
    ("北京凯旋精密制造有限公司", "北京市", "北京市", "西城区", "德胜门外大街239号C座10楼", "C", "45800.00"),
    ("汇通幼儿园（江南大道店）", "浙江省", "杭州市", "滨江区", "江南大道332号1层102铺", "A", "100900.00"),
]


@pytest.fixture(autouse=True)
def _offline_maps(settings):
    settings.MAPS_AMAP_KEY = ""


def set_up_company():
    tenant, owner = make_company()
    owners = [make_user(tenant, roles=("manager",), name=name) for name in ("胡军", "何勇")]
    team = make_team(tenant, name="上海二组", members=owners)
    with tenant_context(tenant):
        add_custom_fields(actor=owner, target=services.FORM_TARGET, fields=CUSTOM_FIELDS,
                          permission="customer.settings")
        for name, province, city, district, detail, grade, amount in CUSTOMERS:
            services.create_customer(
                actor=owner, name=name, service_team_id=team.pk, owner_ids=[u.pk for u in owners],
                fields={"grade": grade, "contract_amount": amount},
                contacts=[{"name": "谢秀英", "phone": "13599514270"}],
                addresses=[{"province": province, "city": city, "district": district, "detail": detail}],
                geocode=False)
    return owner


TABLE_BOX = """() => {
  const box = document.querySelector('.list-page .table-responsive');
  const heads = Array.from(box.querySelectorAll('thead th'));
  const last = heads[heads.length - 1].getBoundingClientRect();
  return {scroll: box.scrollWidth, client: box.clientWidth, boxRight: box.getBoundingClientRect().right,
          lastRight: last.right, columns: heads.length, rows: box.querySelectorAll('tbody tr').length,
          page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_default_columns_fit_at_1366(page, live_server, language):
    owner = set_up_company()
    page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language,
                               "url": live_server.url}])
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto("/customers/")
    box = page.evaluate(TABLE_BOX)
    shot(page, f"customers-list-1366-{language}")
    assert box["rows"] == len(CUSTOMERS)
    assert box["columns"] == 1 + 8 + 2  # the check box, eight system columns, 客户等级 and 合同金额
    assert box["scroll"] <= box["client"] + 1, box  # nothing hidden to the right
    assert box["lastRight"] <= box["boxRight"] + 1, box
    assert box["page"] <= box["viewport"], box


def test_table_scrolls_inside_its_box_on_a_phone(phone, live_server):
    owner = set_up_company()
    login(phone, owner.phone, DEMO_PASSWORD)
    phone.goto("/customers/")
    box = phone.evaluate(TABLE_BOX)
    assert box["page"] <= box["viewport"] == 390, box  # the page never scrolls sideways
    assert box["scroll"] > box["client"], box  # the table does, inside its box
    shot(phone, "customers-list-390")
    phone.eval_on_selector(".list-page .table-responsive", "box => { box.scrollLeft = box.scrollWidth; }")
    box = phone.evaluate(TABLE_BOX)
    assert box["lastRight"] <= box["boxRight"] + 1, box  # the last column can be scrolled into view
    assert box["page"] <= box["viewport"], box
    shot(phone, "customers-list-390-scrolled")


ACTIVE_TAB = """() => {
  const tabs = document.querySelector('.list-tabs');
  const active = tabs.querySelector('.nav-link.active').getBoundingClientRect();
  const box = tabs.getBoundingClientRect();
  return {scroll: tabs.scrollWidth, client: tabs.clientWidth, left: active.left, right: active.right,
          boxLeft: box.left, boxRight: box.right};
}"""


def test_the_active_tab_is_scrolled_into_view_on_a_phone(phone, live_server):
    """On a small phone (320 px) the English tab labels overflow; the last tab, when active, is shown without
    scrolling by hand (the work-order list's nine tabs overflow any phone)."""
    owner = set_up_company()
    phone.set_viewport_size({"width": 320, "height": 640})
    phone.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en",
                                "url": live_server.url}])
    login(phone, owner.phone, DEMO_PASSWORD)
    phone.goto("/customers/?tab=inactive")
    tabs = phone.evaluate(ACTIVE_TAB)
    assert tabs["scroll"] > tabs["client"], tabs  # the row does overflow, so the test means something
    assert tabs["boxLeft"] - 1 <= tabs["left"] and tabs["right"] <= tabs["boxRight"] + 1, tabs
