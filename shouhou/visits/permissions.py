from django.utils.translation import gettext_lazy as _

from shouhou.core.permissions import register_module

# 回访: who sees the visit list and answers, who records a visit, who edits the satisfaction settings.
# Which orders one sees is the work-order scope (visible_work_orders), so the module has no scope of its own.
register_module(
    "visit",
    _("Return visits"),
    actions={"view": _("View"), "record": _("Record a return visit"), "settings": _("Satisfaction settings")},
    defaults={"admin": "*", "manager": "*", "director": ["view", "record"], "visitor": ["view", "record"],
              "team_admin": ["view", "record"], "desk_admin": ["view", "record"]},
    scoped=False,
    order=14,
)
