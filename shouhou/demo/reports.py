"""Service reports of the demo company (issue 12, "Demo data"), made through the reports' services: reports on
for every enabled type (the system template), the sample Excel template uploaded for 维修, the report header's
footer, and the reports of the latest completed orders.

Call it with the demo company active, after the work orders exist. Seeding twice changes nothing: a type that
already has report settings keeps them, and reports are made only on the first seeding."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from shouhou.reports import configure, sample, services
from shouhou.reports.models import ServiceReport, TemplateKind
from shouhou.workorders.models import WorkOrder, WorkOrderType

EXCEL_TYPE = "维修"
REPORTS_MADE = 8


def seed(actor):
    types = list(WorkOrderType.objects.filter(is_enabled=True).order_by("sort_order", "pk"))
    for order_type in types:
        row = configure.settings_for(order_type)
        if row.pk is not None:
            continue  # seeded before (or set up by hand): keep it
        kind = TemplateKind.SYSTEM
        if order_type.name == EXCEL_TYPE:
            data = sample.sample_template(order_type)
            upload = SimpleUploadedFile("维修服务报告模板.xlsx", data, content_type=configure.XLSX)
            configure.upload_template(actor=actor, type_id=order_type.pk, purpose="report", upload=upload)
            kind = TemplateKind.CUSTOM
        configure.save_settings(actor=actor, type_id=order_type.pk, report_enabled=True, report_kind=kind,
                                report_fields=[], print_enabled=True, print_kind=TemplateKind.SYSTEM)
    if not configure.branding().footer:
        configure.save_branding(actor=actor, footer="服务热线 400-800-1234 · 感谢您的信任")
    if ServiceReport.objects.exists():
        return  # made on the first seeding; later completions make their own
    done = (WorkOrder.objects.filter(status__in=services.DONE, order_type__in=types)
            .exclude(pk__in=ServiceReport.objects.values("order_id")).order_by("-finished_at", "-pk")[:REPORTS_MADE])
    for order in done:
        with transaction.atomic():
            report = services.request_report(order, queue=False)
        services.build(report.pk)
