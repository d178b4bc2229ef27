"""Surface tests of reminders by declaration (core/testing/views.py).

Covers: ReminderRule — console list, detail, create, edit, delete. Reminder (a rule attached to a record) —
console list (the record's 客户提醒 tab) and detach (its delete). ReminderDelivery (one sending) — console
list (the record's 客户提醒 tab; deliveries have no page of their own).
"""

from django.urls import reverse

from shouhou.core.testing import views
from shouhou.reminders.models import Reminder, ReminderDelivery, ReminderRule

RULE_FORM = {"description": "", "target": "customer", "kind": "periodic", "anchor_customer": "created_at",
             "anchor_product": "warranty_end", "fixed_date": "", "every": "1", "unit": "month", "lead_days": "0",
             "notify_owner": "on", "sms_template": ""}
REMIND = ("customer.remind", "product.remind")


class TestReminderRulePages(views.ListPage, views.DetailPage, views.CreatePage, views.EditPage, views.DeletePage):
    model = ReminderRule
    refused = REMIND
    list_url, detail_url, create_url = "reminders:rules", "reminders:rule_detail", "reminders:rule_create"
    edit_url, delete_url = "reminders:rule_edit", "reminders:rule_delete"

    def make(self, f):
        return f.reminders.rule(name=self.unique("表面提醒"))

    def form_data(self, f):
        return {**RULE_FORM, "name": self.unique("新建提醒")}

    def bad_form_data(self, f):
        return {**RULE_FORM, "name": "", "every": "0", "sms_contact": "on"}

    def edit_data(self, f, obj):
        return {**RULE_FORM, "name": "改名提醒"}

    def bad_edit_data(self, f, obj):
        return {**RULE_FORM, "name": obj.name, "every": "0", "sms_contact": "on"}

    def edited(self, obj):
        return obj.name == "改名提醒"


class TestReminderPages(views.ListPage, views.DeletePage):
    """A record's reminders: listed on its tab (every viewer of the record sees them), detached by those who
    may remind."""

    model = Reminder
    refused = REMIND
    list_denied = 200
    delete_url = "reminders:detach"

    def make(self, f):
        return f.reminders.reminder(rule=f.reminders.rule(name=self.unique("表面规则")))

    def label(self, obj):
        return obj.rule.name

    def list_address(self, obj):
        return reverse("reminders:for_object", kwargs={"customer_id": obj.object_id})


class TestReminderDeliveryPages(views.ListPage):
    """A record's deliveries, listed under its reminders (every viewer of the record sees them); each is
    told apart by the number its SMS went to (the customer's own contact)."""

    model = ReminderDelivery
    refused = REMIND
    list_denied = 200
    label_attr = "sms_phone"

    def make(self, f):
        return f.reminders.delivery()

    def list_address(self, obj):
        return reverse("reminders:for_object", kwargs={"customer_id": obj.reminder.object_id})
