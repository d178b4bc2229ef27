"""The 回访 tabs of the work-order, customer and account pages (core.object_tabs, registered in apps.py): the
order's manual visit and survey answer, the customer's visits (CUS-12), an engineer's ratings."""

from django.urls import reverse

from shouhou.core import permissions

from .models import Visit


def order_tab_url(actor, order):
    if not permissions.has_perm(actor, "visit.view"):
        return ""
    return reverse("visits:for_order", args=[order.pk])


def customer_tab_url(actor, customer):
    if not permissions.has_perm(actor, "visit.view"):
        return ""
    return reverse("visits:for_customer", args=[customer.pk])


def user_tab_url(actor, person):
    if not permissions.has_perm(actor, "visit.view"):
        return ""
    return reverse("visits:for_user", args=[person.pk])


def customer_count(customer):
    return Visit.objects.filter(order__customer=customer).count()
