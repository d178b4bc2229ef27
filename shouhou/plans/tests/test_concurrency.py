"""Two runners generating one plan at once (the periodic job twice, or 立即生成 beside it): every
occurrence becomes one order. Real threads with their own PostgreSQL connections."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from shouhou.core.tenancy import tenant_context
from shouhou.plans import services
from shouhou.plans.models import PlanOccurrence
from shouhou.workorders.models import WorkOrder

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: the row lock (SELECT … FOR UPDATE) is what this test proves"),
]


def test_two_concurrent_runners_create_each_occurrence_once(tenant, owner, factories):
    plan = factories.plans.plan(freq="daily", start_date=services.company_today(tenant))
    later = timezone.now() + dt.timedelta(days=5)
    barrier = threading.Barrier(4)
    results = []

    def run(on_demand):
        try:
            with tenant_context(tenant):
                barrier.wait()
                if on_demand:
                    results.append(len(services.generate(actor=owner, plan=plan, now=later)))
                else:
                    results.append(services.generate_due(now=later))
        except Exception as exc:  # the outcome is what the test checks
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index % 2 == 0,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(result, int) for result in results) and sum(results) == 6, results
    assert PlanOccurrence.objects.count() == 6 == WorkOrder.objects.count()
