"""The 客户提醒/产品提醒 tabs of the customer and product pages (core.object_tabs), registered in apps.py."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from shouhou.core import object_tabs

from .models import Reminder


def customer_tab_url(actor, customer):
    return reverse("reminders:for_object", kwargs={"customer_id": customer.pk})


def product_tab_url(actor, product):
    return reverse("reminders:for_object", kwargs={"product_id": product.pk})


def reminder_count(record):
    """How many reminder rules are attached to the record (the tab's count)."""
    return Reminder.objects.filter(content_type=ContentType.objects.get_for_model(type(record)),
                                   object_id=record.pk).count()


def register():
    object_tabs.register_tab("customer", "reminders", url=customer_tab_url, count=reminder_count)
    object_tabs.register_tab("product", "reminders", url=product_tab_url)
