"""审核结算 in the finance section."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import register_nav

register_nav("finance", _("Settlement review"), "settlement:list", perm="settlement.view", order=10)
