"""Company settings of the work-order centre (WOSET-D*, WOSET-C*), read with company_settings.get."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.company_settings import REGISTRY, declare

GROUP = "workorder"

# dispatch (WOSET-D1, D3, D5, D7, D8)
declare("workorder.dispatch_by_team", False, _("Assignee picker lists people by team"), group=GROUP)
declare("workorder.hide_statuses", [], _("Hide people in these work statuses from the assignee picker"),
        group=GROUP)
declare("workorder.allow_reject", True, _("Allow the assignee to reject a work order"), group=GROUP)
declare("workorder.allow_transfer", True, _("Allow the assignee to transfer a work order"), group=GROUP)
declare("workorder.transfer_keep_status", False,
        _("Keep the status on transfer (the new assignee need not accept again)"), group=GROUP)
declare("workorder.transfer_note_required", True, _("A transfer needs a note"), group=GROUP)
# field work (WOSET-C1, C2)
declare("workorder.photo_camera_only", False, _("Photos from the camera only (no album)"), group=GROUP)
declare("workorder.location_check_enabled", False, _("Flag a location anomaly"), group=GROUP)
declare("workorder.location_check_nodes", ["start", "finish"], _("Check the location at these steps"),
        group=GROUP)
declare("workorder.location_max_km", 0.0, _("Largest distance from the order address (km)"), group=GROUP)
# the work-order pool (WOSET-P1…P7); 0 means "no limit" for P2, P3, P4 and P7
declare("workorder.pool_enabled", False, _("Enable the work-order pool"), group=GROUP)
declare("workorder.pool_notify_km", 0.0, _("Pool notification radius (km)"), group=GROUP)
declare("workorder.pool_notify_max", 0, _("Pool notification: at most this many people"), group=GROUP)
declare("workorder.pool_timeout_hours", 0.0, _("Pool timeout (hours)"), group=GROUP)
declare("workorder.pool_by_team", False, _("Divide the pool by service team"), group=GROUP)
declare("workorder.pool_transfer_back", False, _("Allow assigned orders to be handed back to the pool"),
        group=GROUP)
declare("workorder.pool_daily_cap", 0, _("Most claims per person per day"), group=GROUP)
# numbering (GEN-06)
declare("workorder.number_prefix", "T", _("Work-order number prefix"), group=GROUP)

# The customers app owns this one; declared here only when it has not been (apps load in any order).
if "customer.owner_as_collaborator" not in REGISTRY:
    declare("customer.owner_as_collaborator", False, _("Add the customer's owner as a collaborator"),
            group="customer")

# where an engineer is (issue 10): his last reported position while fresher than this, else his team's location
# (the pool's notifications and the ranked candidates both read it); WOSET-D4 hides some people's positions
declare("workorder.position_fresh_hours", 4.0,
        _("A reported position counts for this many hours (then the team's location)"), group=GROUP)
declare("workorder.hide_position_user_ids", [], _("Hide the positions of these people"), group=GROUP)
declare("workorder.assign_map", True, _("Choose people on a map when assigning"), group=GROUP)  # WOSET-D2

# receipt fees (issue 11, WOSET-R2): the assignee may change a line's discount, and (a sub-option) its unit
# price, each with a reason that is logged; where the receipt's parts come from (0: the assignee's personal stock)
declare("workorder.receipt_allow_discount", False, _("Allow changing the work-order fee discount"), group=GROUP)
declare("workorder.receipt_allow_unit_price", False, _("Allow changing unit prices"), group=GROUP)
declare("workorder.receipt_parts_warehouse_id", 0, _("Parts on receipts come from"), group=GROUP)
