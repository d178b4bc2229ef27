"""No dead ends (issue 15): a button or link the user's role cannot use is not shown.

For each demo role, sign in, open the main pages (the menu's pages and the detail pages of a customer, a
product, a work order, the user's own team), then follow every action the pages render: links and dialog
loads by GET, forms by POSTing them empty inside a rolled-back savepoint (nothing is kept). None may answer
403: what the role may not do must not be offered (policy.allowed_actions / has_perm decide what shows).
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import transaction

from shouhou.core.testing import client_for, make_team, make_user

ROLES = ["manager", "engineer", "visitor", "director", "finance", "warehouse", "desk_admin", "team_admin",
         "desk_agent"]
SKIP = re.compile(r"^/(static|files|media|i18n|api|q)/|/logout/|/password/|^/m/location/|/download/?$|\.(png|svg|pdf|xlsx)$")


class Targets(HTMLParser):
    """(method, url) of every link, htmx request and form on a page."""

    def __init__(self):
        super().__init__()
        self.found = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, method in (("hx-get", "GET"), ("hx-post", "POST")):
            if attrs.get(name):
                self.found.add((method, attrs[name]))
        if tag == "a" and attrs.get("href"):
            self.found.add(("GET", attrs["href"]))
        if tag == "form":
            method = (attrs.get("method") or "get").upper()
            if attrs.get("action"):
                self.found.add((method, attrs["action"]))
        if tag == "button" and attrs.get("formaction"):
            self.found.add(("POST", attrs["formaction"]))


def targets(html):
    parser = Targets()
    parser.feed(html)
    for method, url in parser.found:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
            continue
        yield method, parts.path + (f"?{parts.query}" if parts.query and method == "GET" else "")


@pytest.fixture
def world(company, factories_for):
    from shouhou.core.tenancy import tenant_context

    tenant, owner = company
    with tenant_context(tenant):
        team = make_team(tenant, name="华东服务中心")
        users = {key: make_user(tenant, roles=(key,), teams=[team], name=f"角色{key}") for key in ROLES}
        make = factories_for(owner)
        customer = make.customers.customer(name="走查客户")
        product = make.products.product(customer=customer)
        order = make.workorders.assigned(customer=customer, assignee=users["engineer"])
    return {"tenant": tenant, "team": team, "users": users, "customer": customer, "product": product,
            "order": order}


def start_pages(world, user):
    pages = ["/", f"/customers/{world['customer'].pk}/", f"/products/{world['product'].pk}/",
             f"/work-orders/{world['order'].pk}/", f"/accounts/teams/{world['team'].pk}/", "/m/", "/m/orders/",
             f"/m/orders/{world['order'].pk}/"]
    return pages


def walk(client, pages):
    """Every action target the pages render, and what it answered: [(status, method, url, page)]."""
    seen, answers, html_of = set(), [], {}
    queue = []
    for page in pages:
        response = client.get(page)
        assert response.status_code < 500, page
        if response.status_code != 200:
            continue
        html_of[page] = response.content.decode()
        queue.extend((method, url, page) for method, url in targets(html_of[page]))
    # the menu's pages are start pages too
    for method, url, page in list(queue):
        if method == "GET" and page == "/" and url not in html_of:
            response = client.get(url)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                html_of[url] = response.content.decode()
                queue.extend((m, u, url) for m, u in targets(html_of[url]))
    for method, url, page in queue:
        if (method, url) in seen:
            continue
        seen.add((method, url))
        if method == "GET":
            status = client.get(url, HTTP_REFERER=page).status_code
        else:
            with transaction.atomic():
                status = client.post(url, {}, HTTP_REFERER=page).status_code
                transaction.set_rollback(True)
        answers.append((status, method, url, page))
    return answers


@pytest.mark.parametrize("role", ROLES)
def test_no_rendered_action_answers_403(world, role):
    user = world["users"][role]
    answers = walk(client_for(user), start_pages(world, user))
    assert len(answers) > 10
    forbidden = [(method, url, page) for status, method, url, page in answers if status == 403]
    assert not forbidden, forbidden
    assert not [answer for answer in answers if answer[0] >= 500]


def test_the_service_desk_agent_sees_no_new_product_button_on_a_customer(world):
    """The case the issue names: 服务台 agents may open customers but not create products."""
    html = client_for(world["users"]["desk_agent"]).get(f"/customers/{world['customer'].pk}/").content.decode()
    assert f"/products/new/?customer={world['customer'].pk}" not in html
    manager = client_for(world["users"]["manager"]).get(f"/customers/{world['customer'].pk}/").content.decode()
    assert f"/products/new/?customer={world['customer'].pk}" in manager
