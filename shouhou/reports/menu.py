"""The 服务报告与打印 entry of 系统管理 and its card on the settings hub (work-order settings)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import register_nav
from shouhou.system.menu import register_hub_card

register_nav("system", _("Service reports and printing"), "reports:settings", perm="workorder_settings.manage",
             order=65)
register_hub_card("workorders", _("Service reports and printing"), "reports:settings",
                  perm="workorder_settings.manage", icon="bi-file-earmark-pdf",
                  description=_("Report templates, field dictionary, printing"), order=60)
