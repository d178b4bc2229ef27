"""收款 on the work-order page: the console's order page loads this fragment (core.object_tabs, since
workorders may not import payments)."""

from django.urls import reverse

from shouhou.core import object_tabs, permissions


def payment_section_url(actor, order):
    if not permissions.has_perm(actor, "payment.view"):
        return ""
    return reverse("payments:order_section", args=[order.pk])


def register():
    object_tabs.register_tab("workorder", "payment", url=payment_section_url)
