"""The 服务报告与打印 card of the settings hub (work-order settings)."""

from django.utils.translation import gettext_lazy as _

from shouhou.system.menu import register_hub_card

register_hub_card("workorders", _("Service reports and printing"), "reports:settings",
                  perm="workorder_settings.manage", icon="bi-file-earmark-pdf",
                  description=_("Report templates, field dictionary, printing"), order=60)
