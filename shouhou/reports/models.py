"""Service reports (服务报告, WOSET-R3…R5): per work-order type, whether a report is made and from which
template, and the report each order got."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import TenantModel


class TemplateKind(models.TextChoices):
    SYSTEM = "system", _("Use the system template")
    CUSTOM = "custom", _("Upload your own template")


class ReportSettings(TenantModel):
    """One row per work-order type: 发送服务报告 (R3/R4) and 启用打印功能 (R5)."""

    order_type = models.OneToOneField("workorders.WorkOrderType", on_delete=models.CASCADE,
                                      related_name="report_settings")
    report_enabled = models.BooleanField(_("send service reports"), default=False)
    report_kind = models.CharField(_("report template"), max_length=10, choices=TemplateKind.choices,
                                   default=TemplateKind.SYSTEM)
    report_fields = models.JSONField(_("fields shown"), default=list, blank=True)  # [] = every field
    report_template = models.JSONField(_("report Excel template"), default=dict, blank=True)  # file reference
    print_enabled = models.BooleanField(_("enable printing"), default=True)
    print_kind = models.CharField(_("print template"), max_length=10, choices=TemplateKind.choices,
                                  default=TemplateKind.SYSTEM)
    print_template = models.JSONField(_("print Excel template"), default=dict, blank=True)  # file reference
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("service report settings")
        constraints = [models.UniqueConstraint(fields=["tenant", "order_type"], name="reports_settings_unique_type")]

    def __str__(self):
        return f"{self.order_type} report settings"


def new_link_nonce():
    return secrets.token_urlsafe(12)


class ServiceReport(TenantModel):
    """The report of one work order: its PDF (and .xlsx when made from an Excel template), remade after
    edits. `link_nonce` is part of every signed customer link; a new one revokes the links sent before."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Generating")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    order = models.OneToOneField("workorders.WorkOrder", on_delete=models.CASCADE, related_name="service_report")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    kind = models.CharField(_("template"), max_length=10, choices=TemplateKind.choices, default=TemplateKind.SYSTEM)
    pdf = models.JSONField(default=dict, blank=True)  # file reference {"name", "url", "size", "content_type"}
    xlsx = models.JSONField(default=dict, blank=True)
    order_version = models.PositiveIntegerField(default=0)  # the order's version the files show
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    link_nonce = models.CharField(max_length=32, default=new_link_nonce)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_to = models.CharField(_("sent to"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service report")
        constraints = [models.UniqueConstraint(fields=["tenant", "order"], name="reports_report_unique_order")]

    def __str__(self):
        return f"report of order {self.order_id}"


class ReportBranding(TenantModel):
    """The company's report header: its logo (a private file) and a footer line. One row per company."""

    logo = models.JSONField(_("logo"), default=dict, blank=True)
    footer = models.CharField(_("footer"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("report header")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="reports_branding_unique_tenant")]

    def __str__(self):
        return "report header"
