"""The 备件使用 tab of the customer and product pages (issue 11, PART-09): the parts used on their work
orders, traced from the engineer's stock to the order (and given back when an order was reopened).
Registered in tabs.py (core.object_tabs); customers and products do not import this app."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from shouhou.core.permissions import require
from shouhou.parts import queries as part_queries

from ..queries import orders as order_queries

ROWS = 100


def _render(request, **target):
    require(request.user, "part.view")
    rows = list(part_queries.parts_used_on(request.user, **target).select_related("work_order")[:ROWS + 1])
    return render(request, "workorders/_parts_used.html", {"rows": rows[:ROWS], "more": len(rows) > ROWS})


@login_required
def parts_for_customer(request, customer_id):
    return _render(request, customer=order_queries.customer_for_tab(request.user, customer_id))


@login_required
def parts_for_product(request, product_id):
    return _render(request, product=order_queries.product_for_tab(request.user, product_id))
