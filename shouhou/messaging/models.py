"""In-app notifications and the SMS message log (消息记录)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import TenantModel


class Notification(TenantModel):
    class Category(models.TextChoices):
        WORK_ORDER = "workorder", _("Work orders")
        APPROVAL = "approval", _("Approvals")
        PARTS = "parts", _("Spare parts")
        PERMISSION = "permission", _("Permission changes")
        DIGEST = "digest", _("Daily digest")
        DESK = "desk", _("Service desk")
        ANNOUNCEMENT = "announcement", _("Announcements")
        SYSTEM = "system", _("System notices")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.SYSTEM)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    event_id = models.UUIDField(null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "user", "read_at"])]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "event_id", "user"], name="uniq_notification_per_event")
        ]


class SmsMessage(TenantModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    phone = models.CharField(_("mobile phone"), max_length=20)
    content = models.TextField(_("content"))
    template = models.CharField(_("template"), max_length=50, blank=True)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    provider_id = models.CharField(max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    segments = models.PositiveIntegerField(_("billed segments"), default=1)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("sent by"))
    event_id = models.UUIDField(null=True, blank=True)

    class Meta:
        verbose_name = _("SMS message")
        ordering = ["-created_at", "-id"]


class Subscription(TenantModel):
    """订阅 (SYS-05): a user follows a list of the console ("workorders.pool": 工单池 …). The module that
    owns the list registers its topic (messaging.subscriptions.register_topic) and tells the subscribers
    itself: always when something on the list waits too long, and of each new item when `each_new`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(_("topic"), max_length=50)
    each_new = models.BooleanField(_("tell me of each new item"), default=False)

    class Meta:
        verbose_name = _("subscription")
        constraints = [models.UniqueConstraint(fields=["tenant", "topic", "user"], name="uniq_subscription")]
