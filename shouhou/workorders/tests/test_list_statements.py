"""The work-order list's statements, pinned (docs/benchmarks.md, issue 9): the shared path (session, user,
company, header) in one, the list's own work in the rest, nothing per row."""

from django.urls import reverse

from shouhou.core.testing import client_for
from shouhou.workorders.services import actions as order_actions


def test_the_list_page_stays_within_ten_statements_whatever_the_rows(world, django_assert_max_num_queries):
    order_type = world.make_type()
    for _ in range(3):
        order = world.make_order(order_type)
    order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer)
    client = client_for(world.owner)
    url = reverse("workorders:list") + f"?type={order_type.pk}&page_size=20"
    client.get(url)
    # session+user+company+header, roles (cached outside tests' transactions), the type list, the form,
    # status counts, the exception count, the page, its service options (2), the colleagues, all options
    with django_assert_max_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["rows"]) == 3
    for _ in range(5):
        world.make_order(order_type)
    with django_assert_max_num_queries(11):  # more rows, not more statements
        assert len(client.get(url).context["rows"]) == 8
