"""The console home page's work-order panel (issue 15): per role the right tiles with the right numbers, each
tile's link opening the list filtered to exactly the rows it counts, and the page within ten statements."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhou.core.testing import client_for, make_user
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.queries import home as home_queries
from shouhou.workorders.services import actions as order_actions


def _today_at(hour):
    local = timezone.localtime()
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _flag(order, **values):
    """The timeout job's flags (is_overdue …) and deadline, set as the job leaves them."""
    if values.get("is_overdue"):
        values["is_exception"] = True
    WorkOrder.objects.filter(pk=order.pk).update(**values)


@pytest.fixture
def orders(world):
    """The engineer's: one overdue planned today, one due within 24 hours, one due in three days, one finished
    that was planned today; engineer 2's: one overdue; the dispatcher's: two to assign, one planned today."""
    now = timezone.now()
    order_type = world.make_type()
    mine_overdue = world.make_order(order_type, planned_at=_today_at(10))
    mine_overdue = order_actions.assign(actor=world.dispatcher, order=mine_overdue, assignee=world.engineer)
    _flag(mine_overdue, is_overdue=True, deadline_at=now - timedelta(hours=1))
    mine_soon = world.assigned(order_type=order_type)
    _flag(mine_soon, deadline_at=now + timedelta(hours=3))
    mine_later = world.assigned(order_type=order_type)
    _flag(mine_later, deadline_at=now + timedelta(days=3))
    finished = world.in_progress(order_type=order_type)
    order_actions.complete(actor=world.engineer, order=finished, content="已修好")
    _flag(finished, planned_at=_today_at(9))
    other = world.assigned(order_type=order_type, assignee=world.engineer2)
    _flag(other, is_overdue=True, deadline_at=now - timedelta(hours=2))
    world.make_order(order_type)
    world.make_order(order_type, planned_at=_today_at(15))
    return {"mine_overdue": mine_overdue, "mine_soon": mine_soon}


WORK_ORDER_TILES = {"mine_open", "pending", "approvals", "overdue", "due_soon", "planned_today", "open",
                    "scope_pending", "in_progress", "exception"}


def _tiles(response):
    """{key: (value, url)} of the home page's work-order tiles."""
    html = response.content.decode()
    found = re.findall(r'<a class="home-tile[^"]*" href="([^"]*)" data-counter="([^"]+)">\s*<i[^>]*></i>\s*'
                       r'<span class="home-tile-value">(\d+)</span>', html)
    tiles = {key: (int(value), url.replace("&amp;", "&")) for url, key, value in found if key in WORK_ORDER_TILES}
    plan = re.search(r'href="([^"]*)" data-counter="planned_today">', html)
    if plan:
        tiles["planned_today"] = (response.context["panels"][0]["plan_count"], plan.group(1).replace("&amp;", "&"))
    return tiles


def _list_total(client, url):
    response = client.get(url + "&page_size=100")
    assert response.status_code == 200, url
    return len(response.context["rows"])


def test_the_engineer_sees_his_own_work(world, orders):
    client = client_for(world.engineer)
    tiles = _tiles(client.get("/"))
    assert {key: value for key, (value, _url) in tiles.items()} == {
        "mine_open": 3, "approvals": 0, "overdue": 1, "due_soon": 1, "planned_today": 1,  # his own
        # the figures of his data scope (own: created, assigned, collaborating): his three open orders
        "open": 3, "scope_pending": 0, "in_progress": 0, "exception": 1,
    }
    assert "pending" not in tiles  # he does not dispatch
    for key, (value, url) in tiles.items():
        if url.startswith(reverse("workorders:list")):
            assert _list_total(client, url) == value, (key, url)
    home = client.get("/").content.decode()
    assert orders["mine_overdue"].number in home  # today's plan lists the order
    assert "与我相关的工单" in home or "Work orders I created, handle or collaborate on" in home


def test_the_dispatcher_sees_his_scope(world, orders):
    client = client_for(world.dispatcher)
    tiles = _tiles(client.get("/"))
    values = {key: value for key, (value, _url) in tiles.items()}
    assert values == {
        "pending": 2, "approvals": 0, "overdue": 2, "due_soon": 1, "planned_today": 2,  # the whole company
        "open": 6, "scope_pending": 2, "in_progress": 0, "exception": 2,
    }
    assert "mine_open" not in tiles  # a director does no field work
    for key, (value, url) in tiles.items():
        if url.startswith(reverse("workorders:list")):
            assert _list_total(client, url) == value, (key, url)
    query = parse_qs(urlsplit(tiles["planned_today"][1]).query)
    today = timezone.localdate().isoformat()
    assert query["f_planned_from"] == [today] and query["f_planned_to"] == [today] and query["f_open"] == ["1"]


def test_approvals_waiting_for_me_are_counted_and_linked(world):
    order_type = world.make_type("approval_assign")
    order_actions.assign(actor=world.dispatcher, order=world.make_order(order_type), assignee=world.engineer)
    tiles = _tiles(client_for(world.approver).get("/"))
    assert tiles["approvals"] == (1, reverse("workorders:approvals"))


def test_a_role_without_work_orders_sees_no_work_order_tiles(world, orders):
    keeper = make_user(world.tenant, roles=("warehouse",), name="库管")
    response = client_for(keeper).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-panel="workorders"' not in html and not _tiles(response)


def test_the_administrator_sees_no_empty_personal_figures(world):
    html = client_for(world.owner).get("/").content.decode()
    assert 'data-counter="my_customers"' not in html  # 我负责的客户 0 says nothing
    assert 'data-counter="products"' in html and ("产品数量" in html or "Number of products" in html)


def test_the_new_list_filters_refuse_nothing_and_ignore_unknown_values(world, orders):
    client = client_for(world.dispatcher)
    base = reverse("workorders:list") + "?tab=all&scope=all&page_size=100"
    everything = len(client.get(base).context["rows"])
    assert len(client.get(base + "&f_open=1").context["rows"]) == 6
    assert len(client.get(base + "&f_deadline=due_soon").context["rows"]) == 1
    for junk in ("&f_open=2", "&f_deadline=tomorrow", "&f_open=yes", "&f_deadline=" + "x" * 500):
        response = client.get(base + junk)
        assert response.status_code == 200 and len(response.context["rows"]) == everything, junk


def test_due_soon_is_the_next_24_hours_and_not_yet_overdue(world, orders):
    now = timezone.now()
    assert home_queries.DUE_SOON == timedelta(hours=24)
    soon = WorkOrder.objects.filter(home_queries.due_soon_condition(now))
    assert list(soon) == [orders["mine_soon"]]


def test_the_home_page_stays_within_ten_statements(world, orders, django_assert_max_num_queries):
    client = client_for(world.owner)
    client.get("/")  # warm the session preloads and grants, as a busy server has them
    # session+user+company+header (with the unread count), the roles (cached outside tests' transactions),
    # the work-order figures (one aggregate), the approvals, today's plan, then one per other figure (my
    # customers, products, teams, accounts, unassigned accounts)
    with django_assert_max_num_queries(10):
        response = client.get("/")
    assert response.status_code == 200 and response.context["panels"]
