"""新建计划 on the customer and product pages (core.object_actions): the plan editor prefilled with the
customer, or the product and its customer; only for a role that may create plans."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from shouhou.core import object_actions, permissions

from .queries import PERMISSION


def _url(actor, **params):
    if not permissions.has_perm(actor, PERMISSION):
        return ""
    return f"{reverse('plans:create')}?{urlencode({k: v for k, v in params.items() if v})}"


def for_customer(actor, customer):
    return _url(actor, customer=customer.pk)


def for_product(actor, product):
    return _url(actor, customer=product.customer_id, product=product.pk)


def register():
    object_actions.register_action("customer", "plan", label=_("Scheduled task"), icon="bi-calendar2-plus",
                                   url=for_customer, order=30)
    object_actions.register_action("product", "plan", label=_("New scheduled task"), icon="bi-calendar2-plus",
                                   url=for_product, order=30)
