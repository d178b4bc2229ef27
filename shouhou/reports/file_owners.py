"""Who may read the reports' files (core.files): a report's PDF and .xlsx whoever may see its order; the
templates and the logo those who manage the work-order settings."""

from shouhou.core import files
from shouhou.core.permissions import has_perm
from shouhou.workorders.queries import orders as order_queries


def _report_visible(user, owner_id):
    return has_perm(user, "workorder.view") and order_queries.visible_work_orders(user).filter(
        service_report__pk=owner_id).exists()


def _manager(user, owner_id):
    return has_perm(user, "workorder_settings.manage")


files.register_owner("reports.servicereport", _report_visible)
files.register_owner("reports.reportsettings", _manager)
files.register_owner("reports.reportbranding", _manager)
