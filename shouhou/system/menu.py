"""The system-management section of the navigation and the cards of the settings hub (SYS-01).

Apps add their settings pages to the hub from their own `menu.py`, like the navigation:

    register_hub_card("info", _("Knowledge base settings"), "knowledge:settings", perm="knowledge.manage",
                      icon="bi-book", description=_("Categories and who may read them"))

Only groups with a card the user may open are shown, so the hub grows as modules land.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import register_nav
from shouhou.core.permissions import has_perm

# SYS-01 groups, in the document's order.
HUB_GROUPS = [
    ("workorders", _("Work-order settings")),
    ("customers", _("Customer and product settings")),
    ("analytics", _("Operations analytics settings")),
    ("info", _("Information settings")),
    ("messages", _("Message settings")),
    ("company", _("Company account")),
    ("api", _("Open API")),
]


@dataclass
class HubCard:
    group: str
    label: object
    url_name: str
    perm: str | None = None
    icon: str = "bi-gear"
    description: object = ""
    order: int = 100


HUB_CARDS: dict[str, HubCard] = {}


def register_hub_card(group, label, url_name, *, perm=None, icon="bi-gear", description="", order=100):
    HUB_CARDS[url_name] = HubCard(group, label, url_name, perm, icon, description, order)


def hub_for(user):
    """[{key, label, cards: [{label, url, icon, description}]}] of the cards `user` may open."""
    groups = []
    for key, label in HUB_GROUPS:
        cards = [
            {"label": c.label, "url": reverse(c.url_name), "icon": c.icon, "description": c.description}
            for c in sorted(HUB_CARDS.values(), key=lambda c: (c.order, str(c.label)))
            if c.group == key and (not c.perm or has_perm(user, c.perm))
        ]
        if cards:
            groups.append({"key": key, "label": label, "cards": cards})
    return groups


# Navigation: around messaging's 消息记录 (order 60).
register_nav("system", _("System settings"), "system:settings", perm="system.settings", order=10)
register_nav("system", _("Company information"), "system:company", perm="system.settings", order=20)
register_nav("system", _("Version and usage"), "system:usage", perm="system.usage", order=30)
register_nav("system", _("Work information"), "system:work_info", perm="system.settings", order=40)
register_nav("system", _("System log"), "system:logs", perm="system.logs", order=50)

register_hub_card("messages", _("SMS notification settings"), "system:sms_settings", perm="system.settings",
                  icon="bi-chat-dots", description=_("Notify staff of work orders by SMS"), order=10)
register_hub_card("messages", _("Message log"), "messaging:sms_log", perm="message.view", icon="bi-envelope",
                  description=_("Every SMS sent and its billing"), order=20)
register_hub_card("company", _("Company information"), "system:company", perm="system.settings",
                  icon="bi-building", description=_("Name, contacts and profile shown to customers"), order=10)
register_hub_card("company", _("Version and usage"), "system:usage", perm="system.usage", icon="bi-speedometer2",
                  description=_("Plan, quotas and what your company uses"), order=20)
register_hub_card("company", _("Work information"), "system:work_info", perm="system.settings",
                  icon="bi-clock-history", description=_("Work statuses and working hours"), order=30)
register_hub_card("company", _("System log"), "system:logs", perm="system.logs", icon="bi-journal-text",
                  description=_("Logins, deletions, imports, exports and settings changes"), order=40)
