"""The plans' periodic job: every ten minutes each company's due plan occurrences become work orders
(services.generate_due; exactly once each, catching up after downtime)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from shouhou.core.models import Tenant
from shouhou.core.tenancy import tenant_context

from . import services
from .models import Plan

log = logging.getLogger(__name__)


def run_due_plans(now=None):
    total = 0
    tenant_ids = (Plan.all_tenants.filter(is_paused=False).exclude(next_date=None).order_by()
                  .values_list("tenant_id", flat=True).distinct())
    for tenant in Tenant.objects.filter(pk__in=list(tenant_ids), is_active=True).order_by("pk"):
        with tenant_context(tenant):
            try:
                total += services.generate_due(now)
            except Exception:
                log.exception("plans failed for company %s", tenant.pk)
    return total


@db_periodic_task(crontab(minute="*/10"))
def generate_planned_orders():
    return run_due_plans()
