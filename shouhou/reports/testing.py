"""Isolation-walk declarations for reports (see core/testing/isolation.py)."""

from shouhou.core.testing.isolation import populator, public_route, route_params

ORDER = "workorders.WorkOrder"
TYPE = "workorders.WorkOrderType"


@populator
def reports_data(tenant, owner, marker):
    """A type with reports on and an uploaded template, the company's report header, and a finished order
    whose report was asked for (the job runs after commit; the row exists at once)."""
    from shouhou.reports import configure, services
    from shouhou.reports.factories import ReportsFactory
    from shouhou.workorders.factories import WorkordersFactory

    orders = WorkordersFactory(owner)
    order_type = orders.order_type(name=f"{marker}报告类型")
    reports = ReportsFactory(owner)
    reports.template(order_type)
    reports.enable(order_type, report_kind="custom")
    configure.save_branding(actor=owner, footer=f"{marker}服务热线")
    order = orders.finished(order_type=order_type, content=f"{marker}报告回执")
    services.request_report(order)


for _name in ("order", "generate", "send", "revoke", "pdf", "xlsx", "print"):
    route_params(f"reports:{_name}", pk=ORDER)
for _name in ("type_settings", "dictionary", *[f"{p}_template_{a}" for p in ("report", "print")
                                              for a in ("file", "upload", "remove")]):
    route_params(f"reports:{_name}", pk=TYPE)
for _name in ("generate", "report_pdf", "report_status", "send"):
    route_params(f"api:reports_{_name}", order_id=ORDER)
for _name in ("update_template_settings", "dictionary", "upload"):
    route_params(f"api:reports_{_name}", type_id=TYPE)
public_route("reports_public:pdf")
