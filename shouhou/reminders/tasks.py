"""Reminder jobs (architecture §10): send due customer/product reminders every ten minutes, and once a day
recompute the dates of reminders counted from a record's date (the date may have been edited).
Both are safe to run twice; each company runs with its tenant active, and one company's failure
does not stop the others (the next run retries)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from shouhou.core.models import Tenant
from shouhou.core.tenancy import tenant_context

from . import services as reminder_services
from .models import ReminderRule

log = logging.getLogger(__name__)


def _companies_with_rules():
    """Active companies with at least one enabled rule (no tenant is active here: `all_tenants`)."""
    tenant_ids = (ReminderRule.all_tenants.filter(is_active=True).order_by().values_list("tenant_id", flat=True)
                  .distinct())
    return Tenant.objects.filter(pk__in=list(tenant_ids), is_active=True).order_by("pk")


def _each_company(job, label):
    total = 0
    for tenant in _companies_with_rules():
        with tenant_context(tenant):
            try:
                total += job()
            except Exception:
                log.exception("%s failed for company %s", label, tenant.pk)
    return total


def run_due_reminders():
    """Send every company's due reminders; returns the number of deliveries made."""
    return _each_company(reminder_services.send_due_reminders, "reminders")


def run_reschedule():
    return _each_company(reminder_services.reschedule_all, "reminder rescheduling")


@db_periodic_task(crontab(minute="*/10"))
def send_reminders():
    return run_due_reminders()


@db_periodic_task(crontab(hour="16", minute="7"))  # 00:07 in China: huey's crontab runs on UTC
def reschedule_reminders():
    return run_reschedule()
