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


def test_two_periodic_consumers_share_the_batches_and_create_each_occurrence_once(tenant, owner, factories,
                                                                                   monkeypatch):
    """The bulk path (orders_bulk) in small batches, two periodic runners at once over three plans: each
    batch under its plan's lock (SKIP LOCKED), every occurrence once, numbers never twice."""
    monkeypatch.setattr(services, "BATCH", 3)
    plans = [factories.plans.plan(freq="daily", start_date=services.company_today(tenant)) for _index in range(3)]
    later = timezone.now() + dt.timedelta(days=9)
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            with tenant_context(tenant):
                barrier.wait()
                created = 0
                for _round in range(10):
                    done = services.generate_due(now=later)
                    created += done
                    if not done:
                        break
                results.append(created)
        except Exception as exc:  # the outcome is what the test checks
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(result, int) for result in results) and sum(results) == 30, results
    assert PlanOccurrence.objects.count() == 30 == WorkOrder.objects.count()
    assert PlanOccurrence.objects.filter(plan__in=plans).values("order").distinct().count() == 30
    assert len(set(WorkOrder.objects.values_list("number", flat=True))) == 30
