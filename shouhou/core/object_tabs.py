"""Tabs that other apps add to a record's page (issue 9): the customer page shows the customer's products,
work orders and reminders, the product page its service history and reminders, without the customers
and products apps importing the apps above them (the layers contract, docs/dev/architecture.md).

The app that owns the tab's records registers it in its AppConfig.ready; the page asks by (page, key):

    # workorders/tabs.py
    object_tabs.register_tab("customer", "workorders", rows=work_orders_of_customer)
    # customers/views_detail.py
    object_tabs.rows("customer", "workorders", actor, customer)   # None: no tab

A tab gives any of: `rows(actor, obj)` — a queryset of its records shown inline, or None when the actor
may not see them; `url(actor, obj)` — the fragment the tab loads, "" to leave it out; `count(obj)` —
the number beside its label. The page's template keeps the tab's label and place.
"""

from collections.abc import Callable
from dataclasses import dataclass

_TABS = {}  # (page, key) -> ObjectTab


@dataclass(frozen=True)
class ObjectTab:
    rows: Callable | None = None
    url: Callable | None = None
    count: Callable | None = None


def register_tab(page, key, *, rows=None, url=None, count=None):
    """Add (or replace) the tab `key` on the pages of `page` records ("customer", "product" …)."""
    _TABS[(page, key)] = ObjectTab(rows=rows, url=url, count=count)


def rows(page, key, actor, obj):
    """The tab's records for the actor, or None when no app provides the tab or the actor may not see it."""
    tab = _TABS.get((page, key))
    return None if tab is None or tab.rows is None else tab.rows(actor, obj)


def url(page, key, actor, obj):
    """The URL of the tab's fragment, or "" when no app provides it (or not for this actor)."""
    tab = _TABS.get((page, key))
    return "" if tab is None or tab.url is None else tab.url(actor, obj)


def count(page, key, obj):
    tab = _TABS.get((page, key))
    return None if tab is None or tab.count is None else tab.count(obj)
