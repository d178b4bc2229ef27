"""workorders.order_facts "payment_status": "paid" / "unpaid" / "refunded" for a page of orders (the
settlement page shows it), one query."""

from shouhou.workorders import order_facts

from . import queries


def register():
    order_facts.register("payment_status", queries.status_of)
