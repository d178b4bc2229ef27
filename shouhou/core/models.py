"""Tenancy and shared models: Tenant, TenantModel, counters, the activity timeline, the outbox."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tenancy import require_tenant


class Tenant(models.Model):
    """A company using Shouhou. Everything a company owns points here."""

    class Plan(models.TextChoices):
        TRIAL = "trial", _("Trial")
        STANDARD = "standard", _("Standard")
        ENTERPRISE = "enterprise", _("Enterprise")

    name = models.CharField(_("company name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30)
    slug = models.SlugField(_("company code"), max_length=40, unique=True)
    phone = models.CharField(_("company phone"), max_length=30, blank=True)
    email = models.EmailField(_("company e-mail"), blank=True)
    address = models.CharField(_("company address"), max_length=200, blank=True)
    profile = models.TextField(_("company profile"), blank=True)
    show_short_name = models.BooleanField(_("show short name to customers"), default=True)
    time_zone = models.CharField(max_length=50, default="Asia/Shanghai")
    plan = models.CharField(_("purchase type"), max_length=20, choices=Plan.choices, default=Plan.TRIAL)
    seat_limit = models.PositiveIntegerField(_("account quota"), default=50)
    sms_limit = models.PositiveIntegerField(_("SMS quota"), default=200)
    sms_used = models.PositiveIntegerField(_("SMS used"), default=0)
    storage_limit_mb = models.PositiveIntegerField(_("storage quota (MB)"), default=2048)
    storage_used_bytes = models.BigIntegerField(_("storage used"), default=0)
    starts_at = models.DateTimeField(_("order start"), default=timezone.now)
    expires_at = models.DateTimeField(_("order expiry"), null=True, blank=True)
    is_active = models.BooleanField(default=True)
    # The demo company (`seed_demo`): its made-up customers are never texted through a real SMS gateway.
    is_demo = models.BooleanField(default=False, editable=False)
    settings = models.JSONField(default=dict, blank=True)
    # Bumped (in the same transaction) whenever a role or a user's roles change: the key of the
    # process-wide cache of users' grants (core.permissions). Only ever moves up: see save().
    grants_version = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """A full save never writes grants_version: an object loaded before a role change must not put
        the old version back (the grants cached under it would be served again)."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [f.attname for f in self._meta.concrete_fields
                                       if not f.primary_key and f.attname != "grants_version"]
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        return self.short_name if self.show_short_name and self.short_name else self.name

    @property
    def sms_remaining(self):
        return max(self.sms_limit - self.sms_used, 0)


class TenantManager(models.Manager):
    """Filters by the active tenant; raises when none is active (fail closed)."""

    def get_queryset(self):
        return super().get_queryset().filter(tenant=require_tenant())


class TenantModel(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+", editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = TenantManager()
    all_tenants = models.Manager()  # noqa: DJ012 — platform admin and migrations only

    class Meta:
        abstract = True
        base_manager_name = "all_tenants"

    def save(self, *args, **kwargs):
        if self.tenant_id is None:
            self.tenant = require_tenant()
        super().save(*args, **kwargs)


class Counter(TenantModel):
    """Per-tenant sequence for numbers shown to users (工单编号, 客户编号 …)."""

    key = models.CharField(max_length=50)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="uniq_counter_tenant_key")]

    def __str__(self):
        return f"{self.key}={self.value}"


class Activity(TenantModel):
    """One entry of an object's timeline (动态): who did what, which fields changed, a note."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    verb = models.CharField(max_length=50)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=list, blank=True)  # [{"field", "label", "old", "new"}]
    note = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)  # [{"name", "url", "size"}]

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "content_type", "object_id", "-created_at"])]

    def __str__(self):
        return f"{self.verb} {self.summary}"


class OutboxEvent(TenantModel):
    """A domain event written in the same transaction as the change (architecture §9)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=80, db_index=True)
    payload = models.JSONField(default=dict)
    delivered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.name} {self.pk}"


class ListPreference(TenantModel):
    """A user's remembered list settings (columns, page size) per list key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    list_key = models.CharField(max_length=80)
    columns = models.JSONField(default=list)
    page_size = models.PositiveIntegerField(null=True, blank=True, default=None)  # None: the list's default

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "list_key"], name="uniq_listpref_user_key")
        ]

    def __str__(self):
        return self.list_key


class IdempotencyRecord(TenantModel):
    """The stored response of a create sent with an `Idempotency-Key` header (architecture §11).

    A retry with the same key by the same user within 24 hours gets this response again instead of
    creating a second object. Written in the same transaction as the create (core.api_utils).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="uniq_idempotency_user_key")
        ]

    def __str__(self):
        return f"{self.key} ({self.status_code})"


from .forms_engine.models import FormSchema  # noqa: E402,F401


class StoredFile(TenantModel):
    """One uploaded file (architecture §7): served only by `core.files.serve`, never from a public path.

    `key` is the unguessable part of its address (/files/<key>); `owner_*` name the object whose
    JSON first referenced it (the serving view checks the viewer may see that object). A file is
    `committed` once an object saved in a successful transaction references it; uncommitted files are
    removed at the end of their request, or by the orphan sweep.
    """

    key = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=300)
    name = models.CharField(max_length=200)
    size = models.BigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    public = models.BooleanField(default=False, help_text="served to anyone holding the address")
    committed = models.BooleanField(default=False, db_index=True)
    owner_label = models.CharField(max_length=100, blank=True)  # e.g. "workorders.workorder"
    owner_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        indexes = [models.Index(fields=["committed", "created_at"], name="core_file_pending")]

    def __str__(self):
        return self.name


# Models defined beside their services, imported here so that Django registers them with core.
from .audit import SystemLog  # noqa: E402,F401
from .jobs import DataJob  # noqa: E402,F401
