"""The console's left navigation (GEN-04) and the home counters, registered by each app.

Only sections with at least one item the user may open are shown, so modules appear as they land.
"""

from dataclasses import dataclass, field

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from .permissions import has_perm

# The GEN-04 order; apps fill these sections.
SECTIONS = [
    ("desk", _("Service desk"), "bi-headset"),
    ("workorders", _("Work-order centre"), "bi-clipboard-check"),
    ("finance", _("Finance"), "bi-currency-yen"),
    ("customers", _("Customer information"), "bi-people"),
    ("parts", _("Spare parts"), "bi-box-seam"),
    ("analytics", _("Operations analytics"), "bi-graph-up"),
    ("service", _("Service management"), "bi-tools"),
    ("info", _("Information management"), "bi-journal-text"),
    ("accounts", _("Accounts and permissions"), "bi-person-badge"),
    ("system", _("System management"), "bi-gear"),
]


@dataclass
class NavItem:
    section: str
    label: str
    url_name: str
    perm: str | None = None
    order: int = 100
    url_kwargs: dict = field(default_factory=dict)

    def url(self):
        """The item's URL, reversed once per script prefix: the menu is drawn on every console page, and
        reversing its few dozen entries each time was a visible part of the page's fixed cost."""
        key = (self.url_name, tuple(sorted(self.url_kwargs.items())), get_script_prefix())
        url = _URLS.get(key)
        if url is None:
            url = _URLS[key] = reverse(self.url_name, kwargs=self.url_kwargs or None)
        return url


@dataclass
class HomeCounter:
    key: str
    label: str
    count: object  # callable(user) -> int
    url_name: str | None = None
    perm: str | None = None
    order: int = 100
    icon: str = "bi-circle"
    hide_zero: bool = False  # a personal figure (我负责的客户) that means nothing to whom it is 0


@dataclass
class HomePanel:
    """A section of the home page owned by an app: `context(request)` returns the template's context, or None
    when the user has nothing of it to see (no permission)."""
    key: str
    template: str
    context: object  # callable(request) -> dict | None
    order: int = 100


NAV_ITEMS: list[NavItem] = []
_URLS: dict = {}  # (url name, kwargs, script prefix) -> URL, see NavItem.url
HOME_COUNTERS: list[HomeCounter] = []
HOME_PANELS: list[HomePanel] = []


def register_nav(section, label, url_name, perm=None, order=100):
    NAV_ITEMS.append(NavItem(section, label, url_name, perm, order))


def register_home_counter(key, label, count, url_name=None, perm=None, order=100, icon="bi-circle", hide_zero=False):
    """A figure under 其他 on the home page, labelled by what it counts, linking to the list it counts."""
    HOME_COUNTERS.append(HomeCounter(key, label, count, url_name, perm, order, icon, hide_zero))


def register_home_panel(key, template, context, order=100):
    """A section of the home page (what the user must act on now, today's plan …), see HomePanel."""
    HOME_PANELS.append(HomePanel(key, template, context, order))


def panels_for(request):
    """[{key, template, **context}] of the panels the signed-in user has something in."""
    panels = []
    for panel in sorted(HOME_PANELS, key=lambda p: p.order):
        context = panel.context(request)
        if context is not None:
            panels.append({"key": panel.key, "template": panel.template, **context})
    return panels


SHELL_VALUES: dict = {}  # context name -> value(request), for the console shell (context_processors.shell)


def register_shell_value(name, value):
    """A value every console page's shell shows (the header's unread count, the work-status menu …),
    from the app that owns it: `value(request)` is called once per signed-in page. Keep it to values
    loaded with the session (accounts.sessions.register_preload), so a page pays no statement for its
    header."""
    SHELL_VALUES[name] = value


def shell_values(request):
    return {name: value(request) for name, value in SHELL_VALUES.items()}


def menu_for(user, current_path=""):
    """[{key,label,icon,items:[{label,url,active}],active}] of what `user` may open."""
    menu = []
    for key, label, icon in SECTIONS:
        items = []
        for item in sorted((i for i in NAV_ITEMS if i.section == key), key=lambda i: i.order):
            if item.perm and not has_perm(user, item.perm):
                continue
            url = item.url()
            items.append({"label": item.label, "url": url, "active": _is_active(url, current_path)})
        if items:
            _keep_longest_match(items, current_path)
            menu.append({"key": key, "label": label, "icon": icon, "items": items,
                         "active": any(i["active"] for i in items)})
    return menu


def _keep_longest_match(items, path):
    """Of several items whose URL prefixes the page (产品管理 /products/ and 产品模板 /products/templates/),
    only the most specific stays highlighted."""
    active = [i for i in items if i["active"]]
    if len(active) > 1:
        best = max(active, key=lambda i: len(i["url"]))
        for item in active:
            item["active"] = item is best


def _is_active(url, path):
    return path == url or (url != "/" and path.startswith(url))


def counters_for(user):
    rows = []
    for counter in sorted(HOME_COUNTERS, key=lambda c: c.order):
        if counter.perm and not has_perm(user, counter.perm):
            continue
        value = counter.count(user)
        if counter.hide_zero and not value:
            continue
        rows.append({"key": counter.key, "label": counter.label, "value": value, "icon": counter.icon,
                     "url": reverse(counter.url_name) if counter.url_name else ""})
    return rows
