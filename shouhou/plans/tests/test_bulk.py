"""The bulk path of a plan's occurrences (workorders.services.orders_bulk): the orders, their spans, timeline
entries and outbox events are exactly those the single path (create, the plan's note, assign — one order per
transaction) makes; the statements do not grow with the number of occurrences; what the bulk path cannot
reproduce (an assign step needing approval, pool dispatch) still goes one by one."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shouhou.core.models import Activity, OutboxEvent
from shouhou.core.testing import make_user
from shouhou.plans import services
from shouhou.plans.models import PlanOccurrence
from shouhou.workorders import flow as order_flow
from shouhou.workorders.models import Status, StatusSpan, WorkOrder
from shouhou.workorders.services import kernel, orders_bulk

pytestmark = pytest.mark.django_db

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)  # the plans count from the real today
SKIPPED = {"id", "number", "updated_at"}


def row(instance, skipped=SKIPPED):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
            if field.attname not in skipped}


def history(order):
    """What the order's timeline and outbox hold, without ids, times and the order's own id and number."""
    entries = [row(entry, {"id", "object_id", "created_at", "updated_at"})
               for entry in Activity.objects.filter(content_type=ContentType.objects.get_for_model(WorkOrder),
                                                   object_id=str(order.pk))
               .order_by("pk")]
    events = sorted((event.name, {k: v for k, v in event.payload.items() if k not in ("order_id", "number")},
               event.payload["order_id"] == order.pk and event.payload["number"] == order.number,
               event.delivered_at is None)
              for event in OutboxEvent.objects.filter(payload__order_id=order.pk))  # its keys are UUIDs: by name
    spans = [row(span, {"id", "order_id", "created_at", "updated_at"})
             for span in StatusSpan.objects.filter(order=order).order_by("pk")]
    return entries, events, spans, sorted(order.collaborators.values_list("pk", flat=True))


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(kernel, "now", lambda: NOW)
    return NOW


def twin_plans(factories, tenant, owner, **values):
    """Two plans alike (same name, type, customer, assignee, schedule): one to run one by one, one in bulk."""
    first = factories.plans.plan(freq="daily", start_date=services.company_today(tenant, NOW), name="每日巡检",
                                 description="按计划巡检", priority="high", **values)
    values["customer"] = first.customer
    second = factories.plans.plan(freq="daily", start_date=first.start_date, name="每日巡检",
                                  order_type=first.order_type, description="按计划巡检", priority="high", **values)
    return first, second


def test_bulk_orders_are_the_single_paths_field_by_field(tenant, owner, factories, frozen, monkeypatch):
    tenant.settings = {**(tenant.settings or {}), "customer.owner_as_collaborator": True}
    tenant.save(update_fields=["settings"])
    colleague = make_user(tenant, roles=("engineer",), name="客户负责人")
    customer = factories.customers.customer(owner_ids=[owner.pk, colleague.pk])
    one_by_one, bulk = twin_plans(factories, tenant, owner, customer=customer)
    later = NOW + dt.timedelta(days=4)
    with monkeypatch.context() as patch:
        patch.setattr(services, "_bulk", lambda plan: False)
        single = services.generate(actor=owner, plan=one_by_one, now=later)
    batched = services.generate(actor=owner, plan=bulk, now=later)
    assert len(single) == len(batched) == 5
    for mine, theirs in zip(sorted(batched, key=lambda o: o.planned_at), sorted(single, key=lambda o: o.planned_at),
                            strict=True):
        mine, theirs = WorkOrder.objects.get(pk=mine.pk), WorkOrder.objects.get(pk=theirs.pk)
        assert mine.status == Status.ASSIGNED and mine.assignee == owner and mine.version == theirs.version
        assert row(mine) == row(theirs)
        for part, (a, b) in enumerate(zip(history(mine), history(theirs), strict=True)):
            assert a == b, part
        assert len(history(mine)[3]) == 2  # the customer's owners are collaborators (customer.owner_as_collaborator)
        assert mine.number[:-4] == theirs.number[:-4]
    numbers = sorted(int(order.number[-4:]) for order in [*single, *batched])
    assert numbers == list(range(1, 11))  # one counter, no gap, none twice
    assert PlanOccurrence.objects.filter(plan=bulk).count() == 5


def test_bulk_statements_do_not_grow_with_the_occurrences(tenant, owner, factories, frozen):
    warm_up, small = twin_plans(factories, tenant, owner)
    large = factories.plans.plan(freq="daily", start_date=small.start_date, order_type=small.order_type,
                                 customer=small.customer)

    def statements(plan, days):
        with CaptureQueriesContext(connection) as captured:
            created = services.generate(actor=owner, plan=plan, now=NOW + dt.timedelta(days=days - 1))
        assert len(created) == days
        return len(captured.captured_queries)

    statements(warm_up, 1)  # the caches (content types, the form schema) filled
    assert statements(small, 2) == statements(large, 20)


def test_batches_hold_the_lock_briefly_and_a_catch_up_is_created_in_several(tenant, owner, factories, frozen,
                                                                              monkeypatch):
    monkeypatch.setattr(services, "BATCH", 3)
    plan, _twin = twin_plans(factories, tenant, owner)
    created = services.generate(actor=owner, plan=plan, now=NOW + dt.timedelta(days=7))
    assert len(created) == 8 == len({order.pk for order in created})
    assert sorted(PlanOccurrence.objects.filter(plan=plan).values_list("order_id", flat=True)) == sorted(
        order.pk for order in created)
    assert services.generate(actor=owner, plan=plan, now=NOW + dt.timedelta(days=7)) == []


def test_an_assign_step_with_approval_goes_one_by_one(tenant, owner, factories, frozen):
    plan, _twin = twin_plans(factories, tenant, owner)
    order_type = plan.order_type
    config = order_flow.normalize(order_type.flow)
    approver = make_user(tenant, roles=("admin",), name="审批人")
    config["assign"]["approval"] = {"rule": "users", "user_ids": [approver.pk], "role_id": None}
    type(order_type).objects.filter(pk=order_type.pk).update(flow=config)
    plan.refresh_from_db()
    assert not orders_bulk.supports(plan.order_type)
    created = services.generate(actor=owner, plan=plan, now=NOW + dt.timedelta(days=1))
    assert len(created) == 2
    assert all(WorkOrder.objects.get(pk=order.pk).awaiting_approval for order in created)


def test_bulk_refuses_what_the_single_path_refuses_and_writes_nothing(tenant, owner, factories, frozen):
    plan, _twin = twin_plans(factories, tenant, owner)
    with pytest.raises(ValueError):
        orders_bulk.create_assigned(actor=owner, order_type=plan.order_type, customer=plan.customer,
                                    planned_ats=[NOW], assignee=owner, notes=[])
    from shouhou.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        orders_bulk.create_assigned(actor=owner, order_type=plan.order_type, customer=plan.customer,
                                    planned_ats=[NOW, "not a time"], assignee=owner,
                                    notes=[("planned", "a"), ("planned", "b")])
    assert "planned_at" in refused.value.details
    assert WorkOrder.objects.count() == 0 and StatusSpan.objects.count() == 0
