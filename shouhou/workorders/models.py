"""Work-order types, their flows and forms, work orders, receipts, approvals and notes (SPEC §3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.flow.approvals import FlowApproval
from shouhou.core.forms_engine.models import CustomFieldsMixin
from shouhou.core.models import TenantModel

USER = settings.AUTH_USER_MODEL


class Status(models.TextChoices):
    PENDING = "pending", _("To be assigned")  # 待指派
    POOLED = "pooled", _("In pool")  # 工单池
    ASSIGNED = "assigned", _("Assigned")  # 已指派
    ACCEPTED = "accepted", _("Accepted")  # 已接受
    IN_PROGRESS = "in_progress", _("In progress")  # 进行中
    FINISHED = "finished", _("Finished")  # 已完成
    SETTLED = "settled", _("Settled")  # 已结算
    VISITED = "visited", _("Visited")  # 已回访
    CLOSED = "closed", _("Closed")  # 已关闭
    CANCELLED = "cancelled", _("Cancelled")  # 已取消


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Medium")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class ServiceOption(TenantModel):
    """Company-managed option lists: 服务类型 (service_type) and 服务内容 (service_content)."""

    class Kind(models.TextChoices):
        SERVICE_TYPE = "service_type", _("Service type")
        SERVICE_CONTENT = "service_content", _("Service content")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["kind", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "kind", "name"], name="uniq_service_option")]

    def __str__(self):
        return self.name


class WorkOrderType(TenantModel):
    """工单类型 (WOSET-T1): its form ("workorder_type:<id>"), flow, receipt form ("receipt:<id>")."""

    name = models.CharField(_("type name"), max_length=50)
    color = models.CharField(_("colour"), max_length=20, default="#1677ff")
    is_enabled = models.BooleanField(_("enabled"), default=True)
    sort_order = models.PositiveIntegerField(default=0)
    teams = models.ManyToManyField("accounts.Team", blank=True, related_name="+", verbose_name=_("available to teams"))
    required_skills = models.ManyToManyField("accounts.Skill", blank=True, related_name="+",
                                             verbose_name=_("required skills"))
    # {node: {"enabled": bool, "timeout_hours": float|None, "approval": {"rule": ..., "user_ids": [], "role_id": ..}}}
    flow = models.JSONField(default=dict, blank=True)
    # WOSET-F2: {"related": ["assignee", "collaborators", "creator"], "user_ids": [], "when": "before"|"after",
    #            "minutes": int}
    timeout_reminder = models.JSONField(default=dict, blank=True)
    # receipt options: {"require_signature": bool, "require_attachments": bool, "parts": bool,
    # "service_items": bool} (services/types.RECEIPT_FLAGS; the sections are on unless switched off, WOSET-R1)
    receipt_options = models.JSONField(default=dict, blank=True)
    components = models.ManyToManyField("AddonComponent", blank=True, related_name="types",
                                        verbose_name=_("add-on components"))

    class Meta:
        verbose_name = _("work-order type")
        verbose_name_plural = _("work-order types")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="uniq_workorder_type_name")]

    def __str__(self):
        return self.name

    @property
    def form_target(self):
        return f"workorder_type:{self.pk}"

    @property
    def receipt_target(self):
        return f"receipt:{self.pk}"


class AddonComponent(TenantModel):
    """附加组件 (WO-28): a form, single or repeatable, attached to types; shown as tabs on the detail."""

    name = models.CharField(_("name"), max_length=50)
    description = models.CharField(_("description"), max_length=200, blank=True)
    repeatable = models.BooleanField(_("repeatable"), default=False)
    is_enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("add-on component")
        verbose_name_plural = _("add-on components")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="uniq_component_name")]

    def __str__(self):
        return self.name

    @property
    def form_target(self):
        return f"component:{self.pk}"


class WorkOrder(CustomFieldsMixin, TenantModel):
    number = models.CharField(_("work-order number"), max_length=30)
    order_type = models.ForeignKey(WorkOrderType, on_delete=models.PROTECT, related_name="orders",
                                   verbose_name=_("work-order type"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="work_orders",
                                 verbose_name=_("customer"))
    contact = models.ForeignKey("customers.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("contact"))
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.ForeignKey("customers.Address", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("address"))
    address_text = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    product = models.ForeignKey("products.Product", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="work_orders", verbose_name=_("product"))
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    service_type = models.ForeignKey(ServiceOption, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("service type"))
    service_content = models.ForeignKey(ServiceOption, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("service content"))
    planned_at = models.DateTimeField(_("planned time"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)

    status = models.CharField(_("work-order status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    assignee = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_work_orders", verbose_name=_("assignee"))
    collaborators = models.ManyToManyField(USER, blank=True, related_name="collaborating_work_orders",
                                           verbose_name=_("collaborators"))
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    dispatcher = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("dispatcher"))

    # flags beside the status (异常工单 = any of them)
    is_paused = models.BooleanField(_("paused"), default=False)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    is_rejected = models.BooleanField(_("rejected back"), default=False)
    awaiting_approval = models.BooleanField(_("awaiting approval"), default=False)
    location_anomaly = models.BooleanField(_("location anomaly"), default=False)
    is_exception = models.BooleanField(_("exception"), default=False, db_index=True)  # OR of the flags

    deadline_node = models.CharField(max_length=20, blank=True)
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)

    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    total_amount = models.DecimalField(_("total fees"), max_digits=12, decimal_places=2, default=0)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="uniq_workorder_number")]
        indexes = [
            models.Index(fields=["tenant", "status", "-created_at"], name="wo_tenant_status_created"),
            models.Index(fields=["tenant", "-created_at"], name="wo_tenant_created"),
            models.Index(fields=["tenant", "assignee", "status"], name="wo_tenant_assignee_status"),
            models.Index(fields=["tenant", "order_type", "status"], name="wo_tenant_type_status"),
            models.Index(fields=["tenant", "is_exception", "status"], name="wo_tenant_exception"),
            # the ranked candidates' loads (派单推荐, issue 10): each person's open orders with a planned time,
            # read from the index alone, the id too (bench/candidates.py); the status list is queries.pickers.OPEN_WORK's,
            # in its order, so PostgreSQL matches the query's condition to the index's
            models.Index(fields=["tenant", "assignee", "planned_at", "id"], name="wo_open_by_assignee",
                         condition=models.Q(status__in=["assigned", "accepted", "in_progress"],
                                            planned_at__isnull=False)),
        ]

    def __str__(self):
        return self.number

    def get_form_target(self):
        return f"workorder_type:{self.order_type_id}"


class Receipt(TenantModel):
    """工单回执 (WO-11, MOB-17): saved as a draft (暂存) until the order is completed with it."""

    order = models.OneToOneField(WorkOrder, on_delete=models.CASCADE, related_name="receipt")
    content = models.TextField(_("receipt content"), blank=True)
    attachments = models.JSONField(_("receipt attachments"), default=list, blank=True)
    signature = models.JSONField(_("customer signature"), default=dict, blank=True)
    fields = models.JSONField(default=dict, blank=True)
    # 备件 and 服务项目 (issue 11): the priced lines (services/receipt_lines.py); once the order is
    # completed they are its fee lines, their total WorkOrder.total_amount
    lines = models.JSONField(_("parts and service items"), default=list, blank=True)
    # what the draft holds back at the stock place (StockLevel.reserved): {"place": {...}, "parts": [[id, qty]]}
    reserved = models.JSONField(default=dict, blank=True)
    is_draft = models.BooleanField(default=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("receipt")


class Approval(FlowApproval):
    """工单审批 (WO-14): a requested action waiting for an approver. The shared fields, the rules and the
    decisions are the flow engine's (core.flow.approvals); the order and its approvers are the work order's."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="approvals")
    approvers = models.ManyToManyField(USER, related_name="work_order_approvals", verbose_name=_("approvers"))

    class Meta:
        verbose_name = _("approval")
        ordering = ["-created_at", "-id"]
        constraints = [
            # the flow allows one open approval per order at a time; this is the database's backstop
            models.UniqueConstraint(fields=["tenant", "order"], condition=models.Q(state="pending"),
                                    name="uniq_pending_approval_per_order")
        ]


class Note(TenantModel):
    """工单备注 (WO-31), optionally texted to the customer's contact."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    content = models.TextField(_("note"))
    attachments = models.JSONField(default=list, blank=True)
    sms_phone = models.CharField(_("texted to"), max_length=30, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class StatusSpan(TenantModel):
    """A stretch of time the order spent in one status, paused or not (WO-32 time tracking)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="spans")
    status = models.CharField(max_length=20, choices=Status.choices)
    paused = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["order", "ended_at"], name="wo_span_order_open")]


class ComponentEntry(TenantModel):
    """One filled-in add-on component on an order (one per order unless the component repeats)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="component_entries")
    component = models.ForeignKey(AddonComponent, on_delete=models.CASCADE, related_name="entries")
    fields = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]


class TimeoutReminder(TenantModel):
    """One timeout reminder sent for one node deadline (the unique key makes the task send it once)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="+")
    node = models.CharField(max_length=20)
    deadline_at = models.DateTimeField()
    kind = models.CharField(max_length=10)  # "before" / "after" / "overdue"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "order", "node", "deadline_at", "kind"],
                                    name="uniq_timeout_reminder")
        ]


class PoolClaim(TenantModel):
    """One claim (接单) of a pooled order: the daily cap (WOSET-P7) and the pool's "today's claims" count these."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["tenant", "user", "claimed_at"], name="wo_poolclaim_user_day"),
                   models.Index(fields=["tenant", "claimed_at"], name="wo_poolclaim_day")]


class DispatchRule(TenantModel):
    """An auto-assignment rule (自动派单规则, issue 10): the first enabled rule, lowest `priority` first, whose
    `conditions` the order meets and whose target yields an eligible person assigns the order
    (services/dispatch_rules.py). `conditions` holds the cleaned lists {order_type_ids, priorities,
    service_type_ids, team_ids, regions: [{province, city, district, *_code}], product_type_ids, tags,
    fields}; an absent or empty list matches every order. `last_user` is the round robin's cursor, changed
    only under the rule's row lock."""

    class Target(models.TextChoices):
        USER = "user", _("A named person")
        TEAM_ROUND_ROBIN = "team_round_robin", _("A team, in turn (round robin)")
        TEAM_LEAST_LOADED = "team_least_loaded", _("The least-loaded member of a team")
        BEST_CANDIDATE = "best_candidate", _("The best-ranked candidate")

    name = models.CharField(_("rule name"), max_length=50)
    priority = models.PositiveIntegerField(_("priority"), default=0)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    target_kind = models.CharField(_("assign to"), max_length=20, choices=Target.choices)
    target_user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("person"))
    target_team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("team"))
    radius_km = models.DecimalField(_("within (km)"), max_digits=7, decimal_places=2, null=True, blank=True)
    last_user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["priority", "id"]
        indexes = [models.Index(fields=["tenant", "is_enabled", "priority"], name="wo_dispatchrule_order")]

    def __str__(self):
        return self.name
