"""The work-order tabs of other apps' pages (core.object_tabs): the customer page's 工单 tab, the
product page's 服务记录 tab, and the service records of the public QR page. Registered in apps.py, so
customers and products show work orders without importing this app."""

from django.urls import reverse

from shouhou.core import object_tabs, permissions

from .models import WorkOrder
from .queries.orders import visible_work_orders

SERVICE_RECORDS = 20  # rows on the public QR page


def work_orders_of_customer(actor, customer):
    """The customer's work orders within the actor's work-order scope; None (no tab) without the permission."""
    if not permissions.has_perm(actor, "workorder.view"):
        return None
    return visible_work_orders(actor).filter(customer=customer).select_related("order_type")


def product_history_url(actor, product):
    """The product page's 服务记录 fragment; "" (no tab) without the permission."""
    if not permissions.has_perm(actor, "workorder.view"):
        return ""
    return reverse("workorders:orders_for_product", kwargs={"product_id": product.pk})


def service_records(actor, product):
    """The product's work orders, newest first (the public QR page's 服务记录; no actor: the page is public)."""
    return (WorkOrder.objects.filter(product=product).select_related("order_type")
            .order_by("-created_at", "-id")[:SERVICE_RECORDS])


def parts_used_url(page):
    """The 备件使用 tab (issue 11): the parts used on the record's work orders; "" without the permission."""
    name, key = {"customer": ("workorders:parts_for_customer", "customer_id"),
                 "product": ("workorders:parts_for_product", "product_id")}[page]

    def url(actor, obj):
        if not permissions.has_perm(actor, "part.view"):
            return ""
        return reverse(name, kwargs={key: obj.pk})

    return url


def register():
    object_tabs.register_tab("customer", "parts_used", url=parts_used_url("customer"))
    object_tabs.register_tab("product", "parts_used", url=parts_used_url("product"))
    object_tabs.register_tab("customer", "workorders", rows=work_orders_of_customer)
    object_tabs.register_tab("product", "history", url=product_history_url)
    object_tabs.register_tab("product_public", "service_records", rows=service_records)
