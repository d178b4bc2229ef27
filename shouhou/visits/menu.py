"""The 工单回访 entry of the work-order section."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import register_nav

register_nav("workorders", _("Return visits"), "visits:list", perm="visit.view", order=45)
register_nav("system", _("Satisfaction settings"), "visits:settings", perm="visit.settings", order=66)

from shouhou.system.menu import register_hub_card  # noqa: E402

register_hub_card("workorders", _("Satisfaction settings"), "visits:settings", perm="visit.settings",
                  icon="bi-emoji-smile", description=_("Levels, rated dimensions, quick tags and the SMS survey"),
                  order=60)
