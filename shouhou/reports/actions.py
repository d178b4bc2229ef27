"""The buttons reports add to the work-order page (core.object_actions, page "workorder"): 服务报告 (the
report's page: generate, download, send) and 打印工单 with the system or the uploaded print template (R5)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.core import object_actions
from shouhou.core.permissions import has_perm

from . import configure
from .models import ServiceReport, TemplateKind
from .services import DONE


def _report_url(actor, order):
    if order.status not in DONE or not has_perm(actor, "workorder.view"):
        return ""
    if not configure.settings_for(order.order_type).report_enabled:
        return ""
    return reverse("reports:order", args=[order.pk])


def _phone_pdf_url(actor, order):
    """On the phone: the PDF itself once it is ready."""
    if not _report_url(actor, order):
        return ""
    if not ServiceReport.objects.filter(order=order, status=ServiceReport.Status.READY).exists():
        return ""
    return reverse("reports:pdf", args=[order.pk])


def print_url(actor, order):
    if not has_perm(actor, "workorder.view"):
        return ""
    setting = configure.settings_for(order.order_type)
    if not setting.print_enabled:
        return ""
    if setting.print_kind == TemplateKind.CUSTOM and setting.print_template:
        return reverse("reports:print", args=[order.pk])
    return reverse("workorders:print", args=[order.pk])


def register():
    object_actions.register_action("workorder", "report", label=_("Service report"), icon="bi-file-earmark-pdf",
                                   url=_report_url, order=10)
    object_actions.register_action("workorder", "print", label=_("Print work order"), icon="bi-printer",
                                   url=print_url, order=20)
    object_actions.register_action("workorder.phone", "report", label=_("Service report (PDF)"),
                                   icon="bi-file-earmark-pdf", url=_phone_pdf_url, order=10)
