"""Buttons that other apps add to a record's page (issue 10): "新建计划" on the customer and product pages,
without the customers and products apps importing plans (the layers contract, docs/dev/architecture.md).

The app that owns the target page registers in its AppConfig.ready; the record's page asks for its buttons:

    # plans/actions.py
    object_actions.register_action("customer", "plan", label=_("New plan"), icon="bi-calendar2-plus",
                                   url=lambda actor, customer: … or "")
    # customers/views_detail.py
    object_actions.actions_for("customer", actor, customer)   # [{"key", "url", "label", "icon"}]

`url(actor, obj)` answers "" when the actor may not use the target (issue 15: no button that answers 403).
"""

from collections.abc import Callable
from dataclasses import dataclass

_ACTIONS = {}  # page -> {key: ObjectAction}


@dataclass(frozen=True)
class ObjectAction:
    key: str
    label: object
    icon: str
    url: Callable
    order: int = 100


def register_action(page, key, *, label, url, icon="bi-plus-lg", order=100):
    """Add (or replace) the button `key` on the pages of `page` records ("customer", "product" …)."""
    _ACTIONS.setdefault(page, {})[key] = ObjectAction(key=key, label=label, icon=icon, url=url, order=order)


def actions_for(page, actor, obj):
    """The buttons the actor may use on `obj`'s page, in their order."""
    found = []
    for action in sorted(_ACTIONS.get(page, {}).values(), key=lambda a: (a.order, a.key)):
        url = action.url(actor, obj)
        if url:
            found.append({"key": action.key, "url": url, "label": action.label, "icon": action.icon})
    return found
