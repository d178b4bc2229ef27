"""Work-order jobs (architecture §10): node timeouts and reminders, every minute, safe to run twice."""

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from shouhou.core.models import Tenant
from shouhou.core.tenancy import tenant_context

from .models import WorkOrder
from .services import timeouts as timeout_services

log = logging.getLogger(__name__)


def run_timeouts(now=None):
    """Process every company with a running node deadline; returns the number of reminders sent."""
    now = now or timezone.now()
    tenant_ids = (WorkOrder.all_tenants.filter(deadline_at__isnull=False).order_by()
                  .values_list("tenant_id", flat=True).distinct())
    sent = 0
    for tenant in Tenant.objects.filter(pk__in=list(tenant_ids), is_active=True):
        with tenant_context(tenant):
            try:
                sent += timeout_services.process_timeouts(now=now)
            except Exception:  # one company's failure must not stop the others; the next run retries
                log.exception("work-order timeouts failed for company %s", tenant.pk)
    return sent


@db_periodic_task(crontab(minute="*"))
def check_timeouts():
    return run_timeouts()
