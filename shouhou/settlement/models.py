"""Settlement (审核结算, WO-15/16): the frozen record of what a finished work order was settled for.

A `Settlement` is written by the flow's 结算 node (services.apply_settle, run by the work-order flow runner,
directly or once an approval is granted). It copies the order's fee lines and total at that moment, with
the adjustment, its reason and the company's own settlement fields, so a later price change — a pricing
rule, a part's price — never alters what was settled. An order reopened and settled again gets a new row;
the older one stops being `is_current` (kept for the record)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import TenantModel

FORM_TARGET = "settlement"  # the company's settlement form (WO-16, the form engine)


class Settlement(TenantModel):
    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="settlements",
                              verbose_name=_("work order"))
    is_current = models.BooleanField(default=True)
    lines = models.JSONField(_("fee lines"), default=list, blank=True)
    fees_total = models.DecimalField(_("total fees"), max_digits=12, decimal_places=2, default=0)
    adjustment = models.DecimalField(_("adjustment"), max_digits=12, decimal_places=2, default=0)
    reason = models.CharField(_("reason for the adjustment"), max_length=200, blank=True)
    amount = models.DecimalField(_("settled amount"), max_digits=12, decimal_places=2, default=0)
    fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("settled by"))
    settled_at = models.DateTimeField(_("settled at"))

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "order"], condition=models.Q(is_current=True),
                                    name="settlement_one_current_per_order"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="settlement_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["tenant", "is_current", "settled_at"])]

    def __str__(self):
        return f"{self.order_id}: {self.amount}"
