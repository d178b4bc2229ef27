"""The 计划任务 entry of the work-order section."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import register_nav

register_nav("workorders", _("Scheduled tasks"), "plans:list", perm="workorder.create", order=35)
