"""Reminder rules, the reminders attaching them to customers and products, and their deliveries
(CUS-07, CUS-11, PRD-10). The tables keep the names they had while these models lived in `customers`."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import TenantModel


class ReminderRule(TenantModel):
    """自动提醒设置 (CUS-11): when and whom to remind about a customer or a product."""

    class Target(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        PRODUCT = "product", _("Product")

    class Kind(models.TextChoices):
        ONCE = "once", _("One-time")
        PERIODIC = "periodic", _("Periodic")

    class Unit(models.TextChoices):
        DAY = "day", _("days")
        WEEK = "week", _("weeks")
        MONTH = "month", _("months")

    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    target = models.CharField(_("applies to"), max_length=20, choices=Target.choices)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.ONCE)
    # the date the schedule counts from: a date field of the record ("warranty_end", "fields.<key>",
    # "created_at") or, when empty, `fixed_date`
    anchor_field = models.CharField(_("from date field"), max_length=80, blank=True)
    fixed_date = models.DateField(_("fixed date"), null=True, blank=True)
    every = models.PositiveIntegerField(_("every"), default=1)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.MONTH)
    lead_days = models.PositiveIntegerField(_("days in advance"), default=0)
    notify_owner = models.BooleanField(_("remind the owner"), default=True)
    notify_team_leader = models.BooleanField(_("remind the team leader"), default=False)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                   verbose_name=_("named users"))
    sms_contact = models.BooleanField(_("text the customer's contact"), default=False)
    sms_template = models.CharField(_("SMS text"), max_length=300, blank=True)
    is_active = models.BooleanField(_("enabled"), default=True)
    sent_count = models.PositiveIntegerField(_("sent"), default=0)

    class Meta:
        db_table = "customers_reminderrule"  # the table it had in customers (issue 9 moved the model here)
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name


class Reminder(TenantModel):
    """A rule attached to one customer or product, with its next due date."""

    rule = models.ForeignKey(ReminderRule, on_delete=models.CASCADE, related_name="reminders")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    next_due = models.DateField(_("next reminder"), null=True, blank=True, db_index=True)
    # the due date of the last sending: the next one is after it, so a date is never reminded twice
    last_due = models.DateField(_("last reminded for"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        db_table = "customers_reminder"  # the table it had in customers (issue 9 moved the model here)
        verbose_name = _("reminder")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "rule", "content_type", "object_id"], name="uniq_reminder")
        ]


class ReminderDelivery(TenantModel):
    """One sending of a reminder for one due date; the unique key makes the task send it once."""

    class SmsStatus(models.TextChoices):
        NONE = "", _("No SMS")
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    due_date = models.DateField(_("due date"))
    recipients = models.JSONField(default=list, blank=True)  # [{"id", "name"}] of the people notified
    sms_phone = models.CharField(_("SMS to"), max_length=20, blank=True)
    sms_content = models.CharField(_("SMS text"), max_length=500, blank=True)
    sms_status = models.CharField(_("SMS status"), max_length=10, choices=SmsStatus.choices, blank=True,
                                  default=SmsStatus.NONE, db_index=True)
    sms_error = models.CharField(_("SMS error"), max_length=300, blank=True)

    class Meta:
        db_table = "customers_reminderdelivery"  # the table it had in customers (issue 9 moved the model here)
        verbose_name = _("reminder delivery")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "reminder", "due_date"], name="uniq_reminder_delivery")
        ]
