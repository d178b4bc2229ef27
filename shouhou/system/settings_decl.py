"""Company settings owned by the foundation (others are declared by their apps)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.company_settings import declare

# ACC-06 team toggles
declare("team.dispatch_by_team", False, _("Dispatch by service team"), group="team")
declare("team.hide_non_members", False, _("Hide people outside the team when picking people"), group="team")
# SYS-10 working hours
declare("working_hours.enabled", True, _("Use working hours"), group="working_hours")
declare("working_hours.days", [1, 2, 3, 4, 5], _("Working days"), group="working_hours")
declare("working_hours.start", "09:00", _("Start time"), group="working_hours")
declare("working_hours.end", "18:00", _("End time"), group="working_hours")
declare("working_hours.count_timeouts", False, _("Count work-order timeouts in working hours only"),
        group="working_hours")
# SYS-04 SMS notifications to staff
declare("sms.notify_staff", False, _("Send work-order notifications to staff by SMS"), group="sms")
