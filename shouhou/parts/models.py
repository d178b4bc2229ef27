"""Spare parts (PART-01…14) and service items (SVC-01): the catalogue, warehouses, the stock ledger with
its on-hand rows, serial units, requisitions and returns.

Stock is a ledger: every change is a `StockMovement` row affecting ONE place (a warehouse or a person's
personal stock) by a signed quantity; `StockLevel` holds the on-hand quantity of each (place, part) and is
changed in the same transaction under a row lock (services/stock.py). The sum of a place's movements is
its on-hand quantity (`manage.py rebuild_stock --check`).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shouhou.core.forms_engine.models import CustomFieldsMixin
from shouhou.core.models import TenantModel

MONEY = {"max_digits": 12, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 3}
ZERO = Decimal("0")
ONE_PLACE = Q(warehouse__isnull=False, holder__isnull=True) | Q(warehouse__isnull=True, holder__isnull=False)


class PartCategory(TenantModel):
    """备件类别: a company tree."""

    name = models.CharField(_("name"), max_length=50)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("parent category"))
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("part category")
        verbose_name_plural = _("part categories")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="uniq_part_category_name")]

    def __str__(self):
        return self.name


class Part(CustomFieldsMixin, TenantModel):
    """备件 (PART-01), keyed by its number within the company; custom fields in `fields` (form target "part")."""

    form_target = "part"

    number = models.CharField(_("part number"), max_length=50)
    name = models.CharField(_("part name"), max_length=100)
    category = models.ForeignKey(PartCategory, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="parts", verbose_name=_("part category"))
    specification = models.CharField(_("specification"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    sale_price = models.DecimalField(_("sale price"), default=ZERO, **MONEY)
    cost_price = models.DecimalField(_("cost price"), default=ZERO, **MONEY)
    image = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("image"))
    description = models.TextField(_("description"), blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    in_mall = models.BooleanField(_("listed in the mall"), default=False)
    serial_tracked = models.BooleanField(_("serial-tracked"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["number", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="uniq_part_number")]
        indexes = [models.Index(fields=["tenant", "name"])]

    def __str__(self):
        return f"{self.name}（{self.number}）"


class Warehouse(TenantModel):
    """仓库 (PART-03): 备件库, 不良品库 or 区域库, with its managers."""

    class Kind(models.TextChoices):
        SPARE = "spare", _("Spare-parts warehouse")
        DEFECTIVE = "defective", _("Defective-parts warehouse")
        REGIONAL = "regional", _("Regional warehouse")

    name = models.CharField(_("warehouse name"), max_length=50)
    kind = models.CharField(_("warehouse kind"), max_length=20, choices=Kind.choices, default=Kind.SPARE)
    region = models.CharField(_("region"), max_length=100, blank=True)
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="managed_warehouses",
                                      verbose_name=_("warehouse managers"))
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="uniq_warehouse_name")]

    def __str__(self):
        return self.name


class StockLevel(TenantModel):
    """On hand of one part at one place: a warehouse, or a person's personal stock (个人备件库)."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="levels", verbose_name=_("part"))
    warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="levels",
                                  verbose_name=_("warehouse"))
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="part_levels", verbose_name=_("holder"))
    quantity = models.DecimalField(_("quantity on hand"), default=ZERO, **QUANTITY)
    reserved = models.DecimalField(_("unavailable quantity"), default=ZERO, **QUANTITY)
    safety_quantity = models.DecimalField(_("safety stock"), null=True, blank=True, **QUANTITY)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["part__number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "part", "warehouse"], condition=Q(warehouse__isnull=False),
                                    name="uniq_stock_warehouse_part"),
            models.UniqueConstraint(fields=["tenant", "part", "holder"], condition=Q(holder__isnull=False),
                                    name="uniq_stock_holder_part"),
            models.CheckConstraint(condition=ONE_PLACE,
                                   name="stock_level_one_place"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_level_not_negative"),
        ]

    def __str__(self):
        return f"{self.part} @ {self.warehouse or self.holder}: {self.quantity}"

    @property
    def below_safety(self):
        return self.safety_quantity is not None and self.quantity < self.safety_quantity


class StockRequest(TenantModel):
    """申领 (a requisition: warehouse → the requester's personal stock) or 退回 (a return: personal stock →
    warehouse), approved in whole or in part, refused, or withdrawn by the requester."""

    class Kind(models.TextChoices):
        REQUISITION = "requisition", _("Requisition")
        RETURN = "return", _("Return")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        PARTLY = "partly", _("Partly approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=30)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stock_requests",
                                  verbose_name=_("requester"))
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="requests",
                                  verbose_name=_("warehouse"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("stock request")
        verbose_name_plural = _("stock requests")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="uniq_stock_request_number")]

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.status == self.Status.PENDING


class StockRequestLine(TenantModel):
    request = models.ForeignKey(StockRequest, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+", verbose_name=_("part"))
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    approved_quantity = models.DecimalField(_("approved quantity"), null=True, blank=True, **QUANTITY)
    serials = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.part} × {self.quantity}"


class StockMovement(TenantModel):
    """One change of one place's on-hand quantity (出入库记录): `quantity` is signed (+ in, - out)."""

    class Kind(models.TextChoices):
        IN = "in", _("Stock in")
        OUT = "out", _("Stock out")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        ALLOCATE = "allocate", _("Allocation")
        REQUISITION_ISSUE = "requisition_issue", _("Requisition issue")
        RETURN = "return", _("Return")
        USED_ON_ORDER = "used_on_order", _("Used on a work order")
        FAULTY_RETURN = "faulty_return", _("Faulty part returned")
        ADJUSTMENT = "adjustment", _("Adjustment")
        REMOVAL = "removal", _("Removal (scrapped or lost)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="movements", verbose_name=_("part"))
    warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="movements", verbose_name=_("warehouse"))
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="part_movements", verbose_name=_("holder"))
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_cost = models.DecimalField(_("unit cost"), default=ZERO, **MONEY)
    balance = models.DecimalField(_("balance after"), **QUANTITY)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    batch = models.CharField(_("batch"), max_length=32, db_index=True,
                             help_text="Rows written by one action share it (a transfer's two sides)")
    counterpart = models.CharField(_("counterpart"), max_length=100, blank=True)
    request = models.ForeignKey(StockRequest, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="movements", verbose_name=_("requisition or return"))
    work_order = models.ForeignKey("workorders.WorkOrder", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("work order"))
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("customer"))
    product = models.ForeignKey("products.Product", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("product"))
    serials = models.JSONField(_("serial numbers"), default=list, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("operator"))

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=ONE_PLACE,
                                              name="stock_movement_one_place")]
        indexes = [models.Index(fields=["tenant", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.part} {self.quantity}"


class SerialUnit(TenantModel):
    """One unit of a serial-tracked part, where it is now; its history is `events`."""

    class State(models.TextChoices):
        IN_STOCK = "in_stock", _("In a warehouse")
        HELD = "held", _("With an engineer")
        INSTALLED = "installed", _("Installed")
        GONE = "gone", _("Out of stock")

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="serial_units", verbose_name=_("part"))
    serial = models.CharField(_("serial number"), max_length=80)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.IN_STOCK)
    warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")

    class Meta:
        verbose_name = _("serial unit")
        ordering = ["serial", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "part", "serial"], name="uniq_part_serial")]

    def __str__(self):
        return self.serial


class SerialEvent(TenantModel):
    unit = models.ForeignKey(SerialUnit, on_delete=models.CASCADE, related_name="events")
    movement = models.ForeignKey(StockMovement, on_delete=models.CASCADE, related_name="serial_events")

    class Meta:
        ordering = ["created_at", "id"]


class ServiceItem(TenantModel):
    """服务项目 (SVC-01): a priced service; catalogue only in this slice."""

    name = models.CharField(_("service item name"), max_length=100)
    number = models.CharField(_("service item number"), max_length=50)
    category = models.CharField(_("category"), max_length=50, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    sale_price = models.DecimalField(_("sale price"), default=ZERO, **MONEY)
    cost_price = models.DecimalField(_("cost price"), default=ZERO, **MONEY)
    enabled = models.BooleanField(_("enabled"), default=True)
    in_mall = models.BooleanField(_("listed in the mall"), default=False)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["number", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="uniq_service_item_number")]

    def __str__(self):
        return self.name


class PricingRule(TenantModel):
    """收费标准的规则 (issue 11): what a receipt line costs the customer, by warranty state (保内/保外), the
    kind of line (parts, service items), their category and the customer. The enabled rules are tried in
    priority order (the smallest first) and the first that matches a line prices it
    (parts.pricing.quote); a line no rule matches is charged at its sale price."""

    class AppliesTo(models.TextChoices):
        PARTS = "parts", _("Parts")
        SERVICES = "services", _("Service items")
        ALL = "all", _("Parts and service items")

    class Warranty(models.TextChoices):
        ANY = "any", _("In or out of warranty")
        IN = "in", pgettext_lazy("pricing", "In warranty")
        OUT = "out", pgettext_lazy("pricing", "Out of warranty")

    class Customers(models.TextChoices):
        ANY = "any", _("Every customer")
        TAG = "tag", _("Customers with the tag")

    class Effect(models.TextChoices):
        FREE = "free", _("Free")
        PERCENT = "percent", _("Percent of the sale price")
        FIXED = "fixed", _("Fixed unit price")
        DISCOUNT = "discount", _("Discount (%)")

    name = models.CharField(_("rule name"), max_length=50)
    priority = models.PositiveIntegerField(_("priority"), default=100,
                                           help_text=_("Rules are tried from the smallest number up."))
    enabled = models.BooleanField(_("enabled"), default=True)
    applies_to = models.CharField(_("applies to"), max_length=20, choices=AppliesTo.choices, default=AppliesTo.ALL)
    part_category = models.ForeignKey(PartCategory, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="+", verbose_name=_("part category"))
    service_category = models.CharField(_("service item category"), max_length=50, blank=True)
    warranty = models.CharField(_("warranty state"), max_length=10, choices=Warranty.choices, default=Warranty.ANY)
    customers = models.CharField(_("customers"), max_length=10, choices=Customers.choices, default=Customers.ANY)
    customer_tag = models.CharField(_("customer tag"), max_length=30, blank=True)
    effect = models.CharField(_("effect"), max_length=10, choices=Effect.choices, default=Effect.FREE)
    value = models.DecimalField(_("value"), default=ZERO, **MONEY)

    class Meta:
        verbose_name = _("pricing rule")
        verbose_name_plural = _("pricing rules")
        ordering = ["priority", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="uniq_pricing_rule_name")]

    def __str__(self):
        return self.name


class ServiceRecord(TenantModel):
    """服务记录 (SVC-03): the ledger of service items used on work orders. Completing an order writes a row
    per service line (工单销售); reopening it writes the reversing rows (quantity negated)."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Work-order sale")
        REVERSAL = "reversal", _("Reversed (order reopened)")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.SALE)
    service_item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="records",
                                     verbose_name=_("service item"))
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_price = models.DecimalField(_("unit price"), default=ZERO, **MONEY)
    amount = models.DecimalField(_("amount"), default=ZERO, **MONEY)
    work_order = models.ForeignKey("workorders.WorkOrder", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("work order"))
    order_number = models.CharField(_("work-order number"), max_length=40, blank=True)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("customer"))
    product = models.ForeignKey("products.Product", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("product"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("operator"))

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"])]

    def __str__(self):
        return f"{self.service_item} × {self.quantity}"
