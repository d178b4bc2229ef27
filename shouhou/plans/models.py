"""Recurring plans (计划任务, WO-22): a plan creates a customer's work orders on a schedule. Each
occurrence is created once: PlanOccurrence has one row per (plan, date), unique in the database."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import TenantModel


class Plan(TenantModel):
    class Freq(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    class Dispatch(models.TextChoices):
        ASSIGNEE = "assignee", _("Assignee")
        POOL = "pool", _("Work-order pool")
        AUTO = "auto", _("Auto-assign")

    name = models.CharField(_("plan name"), max_length=100)
    order_type = models.ForeignKey("workorders.WorkOrderType", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("work-order type"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("customer"))
    product = models.ForeignKey("products.Product", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("product"))
    priority = models.CharField(_("priority"), max_length=10, default="normal")
    description = models.TextField(_("description"), blank=True)
    fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    freq = models.CharField(_("repeat"), max_length=10, choices=Freq.choices, default=Freq.MONTHLY)
    interval = models.PositiveSmallIntegerField(_("every"), default=1)
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)
    day_of_month = models.PositiveSmallIntegerField(_("day of month"), null=True, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    count = models.PositiveIntegerField(_("occurrences"), null=True, blank=True)
    planned_time = models.TimeField(_("planned time"), default=datetime.time(9, 0))
    days_ahead = models.PositiveSmallIntegerField(_("days ahead"), default=0)
    dispatch_mode = models.CharField(_("dispatch"), max_length=10, choices=Dispatch.choices,
                                     default=Dispatch.ASSIGNEE)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("assignee"))
    is_paused = models.BooleanField(_("paused"), default=False)
    # occurrences before this day are never created: the day the plan was saved or resumed
    skip_before = models.DateField(_("counts from"))
    next_date = models.DateField(_("next occurrence"), null=True, blank=True)
    created_count = models.PositiveIntegerField(_("orders created"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(interval__gte=1), name="plans_plan_interval_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def next_create_date(self):
        """下次创建时间: the day the next occurrence's order is created."""
        if self.next_date is None or self.is_paused:
            return None
        return self.next_date - datetime.timedelta(days=self.days_ahead)


class PlanOccurrence(TenantModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="occurrences")
    date = models.DateField(_("date"))
    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "date"], name="plans_occurrence_once"),
        ]

    def __str__(self):
        return f"{self.plan_id}@{self.date}"
