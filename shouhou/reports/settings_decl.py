"""Company settings of the service reports (WOSET-R3), read with company_settings.get."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.company_settings import declare

GROUP = "workorder"

declare("reports.send_on_completion", True, _("Send the service report to the customer when an order is completed"),
        group=GROUP)
declare("reports.link_days", 7, _("Days a report link sent to the customer stays valid"), group=GROUP)
