"""What the customer list's speed-ups (docs/benchmarks.md) must not change: search results, the tag
choices each user sees, the tab counts and the page total — now from one aggregate query."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shouhou.core.testing import client_for, make_team, make_user
from shouhou.customers import queries

from .conftest import make_customer

# the session with user, company and header; the roles (cached outside tests' transactions); the form; the
# counts; the page; owners; teams; colleagues; tags; export jobs (docs/benchmarks.md)
MAX_CUSTOMER_LIST_STATEMENTS = 10


def names(actor, text):
    return set(queries.visible_customers(actor).filter(queries.search_condition(text)).values_list("name", flat=True))


def test_search_ignores_case_of_latin_letters_and_matches_chinese_as_typed(tenant, owner):
    make_customer(owner, name="ABC Tech 星辰")
    make_customer(owner, name="abc 远航")
    assert names(owner, "abc") == names(owner, "ABC") == {"ABC Tech 星辰", "abc 远航"}
    assert names(owner, "星辰") == {"ABC Tech 星辰"}
    assert names(owner, "tech 星") == {"ABC Tech 星辰"}


def test_tag_choices_follow_the_data_scope(tenant, owner):
    team = make_team(tenant, name="华东组")
    engineer = make_user(tenant, roles=("engineer",), teams=[team])  # scope "team"
    make_customer(owner, name="团队客户", tags=["华东", "VIP"], service_team_id=team.pk)
    make_customer(owner, name="别人的客户", tags=["华南"])
    make_customer(owner, name="无标签")
    assert queries.tags_in_use(owner) == ["VIP", "华东", "华南"]
    assert queries.tags_in_use(engineer) == ["VIP", "华东"]


def test_tab_counts_and_page_total_come_from_one_count_query(tenant, owner):
    make_customer(owner, name="正常客户")
    make_customer(owner, name="潜在客户", status="potential")
    make_customer(owner, name="停用客户", status="inactive")
    client = client_for(owner)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("customers:list") + "?tab=potential")
    assert response.status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"] and "customers_customer" in q["sql"]]
    assert len(counts) == 1, counts
    tabs = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs == {"all": 3, "active": 1, "potential": 1, "inactive": 1}
    assert response.context["paginator"].count == 1
    assert [row["obj"].name for row in response.context["rows"]] == ["潜在客户"]


def test_the_list_page_stays_within_its_statements_whatever_the_rows(tenant, owner, django_assert_max_num_queries):
    for n in range(3):
        make_customer(owner, name=f"客户{n}")
    client = client_for(owner)
    url = reverse("customers:list")
    client.get(url)
    with django_assert_max_num_queries(MAX_CUSTOMER_LIST_STATEMENTS):
        assert client.get(url).status_code == 200
    for n in range(5):
        make_customer(owner, name=f"新客户{n}")
    with django_assert_max_num_queries(MAX_CUSTOMER_LIST_STATEMENTS):  # more rows, not more statements
        response = client.get(url)
    assert len(response.context["rows"]) == 8
    page = response.content.decode()
    assert page.count('<input type="checkbox" class="form-check-input row-check"') == 8 and "&lt;td" not in page
