"""Facts about work orders that later modules provide (architecture §15).

Modules above the work-order layer are siblings that may not import each other (the layers contract): the
settlement page shows whether an order is paid (the payments module knows), the service report prints the
survey link (the visits module knows). Such a module registers a provider here in its AppConfig.ready();
the reader asks by name and gets the default while no module provides the fact.

A provider takes a list of orders and answers {order_id: value} for those it knows (one query for a whole
page of a list, never one per row).

Names in use: "survey_url" (visits: the customer's survey link, absolute path /s/<token>),
"payment_status" (payments: "paid" / "unpaid" / "refunded").
"""

_providers = {}


def register(name, provider):
    """`provider(orders) -> {order_id: value}`; registering a name again replaces the provider."""
    _providers[name] = provider


def unregister(name):
    _providers.pop(name, None)


def is_provided(name):
    return name in _providers


def many(name, orders):
    """{order_id: value} for the orders; {} while no module provides the fact."""
    provider = _providers.get(name)
    orders = list(orders)
    if provider is None or not orders:
        return {}
    return provider(orders)


def fact(name, order, default=None):
    """The fact for one order, or `default`."""
    return many(name, [order]).get(order.pk, default)
