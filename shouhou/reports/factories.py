"""Test data of service reports, built through the reports' services."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile


class ReportsFactory:
    def __init__(self, actor):
        self.actor = actor

    def enable(self, order_type, *, report_kind="system", report_fields=(), print_enabled=True, print_kind="system"):
        """Switch the type's service report on."""
        from . import configure

        return configure.save_settings(actor=self.actor, type_id=order_type.pk, report_enabled=True,
                                       report_kind=report_kind, report_fields=list(report_fields),
                                       print_enabled=print_enabled, print_kind=print_kind)

    def template(self, order_type, data=None, *, purpose="report", name="模板.xlsx"):
        """Upload an Excel template (the sample template unless `data`)."""
        from . import configure, sample

        data = data if data is not None else sample.sample_template(order_type)
        upload = SimpleUploadedFile(name, data, content_type=configure.XLSX)
        upload.file = BytesIO(data)
        return configure.upload_template(actor=self.actor, type_id=order_type.pk, purpose=purpose, upload=upload)

    def report(self, **order_values):
        """A finished order of a type with reports on; its report is made by the completion's job."""
        from shouhou.workorders.factories import WorkordersFactory

        from .models import ServiceReport

        orders = WorkordersFactory(self.actor)
        order_type = order_values.pop("order_type", None) or orders.order_type()
        self.enable(order_type)
        order = orders.finished(order_type=order_type, **order_values)
        return ServiceReport.objects.get(order=order)
