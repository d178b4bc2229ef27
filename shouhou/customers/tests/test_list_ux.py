"""Dense lists (issue 15), on the customer list: 20 rows by default, the page size remembered per user and
list, pagination only when there is more than one page, codes never cut, long texts cut with a tooltip, an
empty state that says what to do next."""

import re

from django.urls import reverse

from shouhou.core.lists import DEFAULT_PAGE_SIZE, remember
from shouhou.core.models import ListPreference
from shouhou.core.testing import client_for, make_user

from .conftest import make_customer

LIST = reverse("customers:list")
PREFERENCES = reverse("core:list_preferences")


def rows(response):
    return [row["obj"] for row in response.context["rows"]]


def test_twenty_rows_by_default_and_pagination_only_past_one_page(tenant, owner):
    for n in range(DEFAULT_PAGE_SIZE):
        make_customer(owner, name=f"客户{n:02d}")
    client = client_for(owner)
    page = client.get(LIST)
    assert DEFAULT_PAGE_SIZE == 20 and len(rows(page)) == 20
    html = page.content.decode()
    assert 'class="pagination' not in html and "page-jump" not in html  # everything fits on one page
    assert 'name="page_size"' in html  # 20 rows: a smaller page can still be chosen
    make_customer(owner, name="第二十一个")
    page = client.get(LIST)
    assert len(rows(page)) == 20 and page.context["paginator"].num_pages == 2
    assert 'class="pagination' in page.content.decode()


def test_no_pager_at_all_for_a_handful_of_rows(tenant, owner):
    make_customer(owner)
    html = client_for(owner).get(LIST).content.decode()
    assert 'class="pagination' not in html and 'name="page_size"' not in html
    assert "1 record in total" in html


def test_the_page_size_is_remembered_per_user_and_list(tenant, owner):
    for n in range(12):
        make_customer(owner, name=f"客户{n:02d}")
    client = client_for(owner)
    client.post(PREFERENCES, {"list_key": "customers", "save": "columns", "columns": ["name", "number"]})
    response = client.post(PREFERENCES, {"list_key": "customers", "page_size": "10", "next": LIST + "?tab=all"})
    assert response.status_code == 302 and response["Location"] == LIST + "?tab=all"
    preference = ListPreference.objects.get(user=owner, list_key="customers")
    assert (preference.page_size, preference.columns) == (10, ["name", "number"])  # the columns are kept
    page = client.get(LIST)
    assert len(rows(page)) == 10 and [c.key for c in page.context["columns"]] == ["name", "number"]
    # another user, and another list of the same user, keep the default
    colleague = make_user(tenant, roles=("manager",))
    assert len(rows(client_for(colleague).get(LIST))) == 12
    assert ListPreference.objects.filter(user=owner).count() == 1


def test_a_bad_page_size_or_key_changes_nothing(tenant, owner):
    remember(owner, "customers", page_size=50)
    client = client_for(owner)
    for data in ({"list_key": "customers", "page_size": "7"}, {"list_key": "customers", "page_size": "9" * 30},
                 {"list_key": "customers", "page_size": "-1"}, {"list_key": "cust\x01omers", "page_size": "10"},
                 {"list_key": "x" * 200, "page_size": "10"}):
        response = client.post(PREFERENCES, data)
        assert response.status_code in (302, 400), data
    assert list(ListPreference.objects.filter(user=owner).values_list("list_key", "page_size")) == [
        ("customers", 50)]
    assert client.get(LIST + "?page_size=999").context["state"].page_size == DEFAULT_PAGE_SIZE


def test_codes_never_break_and_long_texts_carry_a_tooltip(tenant, owner):
    customer = make_customer(owner, name="广州同创环保科技股份有限公司（江南大道中分公司）")
    html = client_for(owner).get(LIST).content.decode()
    number_cell = re.search(r'<td class="([^"]*)"[^>]*>' + re.escape(customer.number) + "</td>", html)
    assert number_cell and "col-code" in number_cell.group(1)
    assert 'title="广州同创环保科技股份有限公司（江南大道中分公司）"><a href=' in html
    assert "cell-wrap" not in html  # no list cell wraps any more


def test_the_empty_list_says_what_to_do_next(tenant, owner):
    client = client_for(owner)
    html = client.get(LIST).content.decode()
    assert "No customers yet" in html and "Click “+ New customer” to add one, or “Import”." in html
    html = client.get(LIST + "?q=nobody").content.decode()
    assert "Nothing matches the search or the filters" in html and "No customers yet" not in html
    engineer = make_user(tenant, roles=("visitor",))  # may view customers, not add them
    html = client_for(engineer).get(LIST).content.decode()
    assert "No customers yet" in html and "Click “" not in html


def test_the_notification_filter_offers_only_categories_the_user_has(tenant, owner):
    from shouhou.messaging.models import Notification

    Notification.objects.create(user=owner, category="approval", title="待审批")
    response = client_for(owner).get(reverse("messaging:notifications"))
    (choices,) = [f["choices"] for f in response.context["filters"] if f["filter"].key == "category"]
    assert [value for value, _label in choices] == ["approval"]  # no 备件 or 服务台 before their modules
