"""Plans: validation and refusals, the company's day, exactly-once generation, catching up, pause/resume
and the pool/auto dispatch hook."""

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.core import company_settings
from shouhou.core.errors import Conflict, ValidationFailed
from shouhou.core.models import Activity
from shouhou.core.tenancy import tenant_context
from shouhou.plans import services, tasks
from shouhou.plans.models import Plan, PlanOccurrence
from shouhou.workorders.models import Status, WorkOrder

pytestmark = pytest.mark.django_db


def today(tenant):
    return services.company_today(tenant)


def test_a_daily_plan_creates_todays_order_assigned_and_planned_at_the_companys_time(tenant, owner, factories):
    plan = factories.plans.plan(freq="daily", start_date=today(tenant), description="月度远程巡检")
    assert plan.next_create_date == today(tenant)
    orders = services.generate(actor=owner, plan=plan)
    assert len(orders) == 1
    order = WorkOrder.objects.get(pk=orders[0].pk)
    assert order.status == Status.ASSIGNED and order.assignee == owner
    assert order.customer == plan.customer and order.description == "月度远程巡检"
    local = order.planned_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert (local.date(), local.time()) == (today(tenant), dt.time(9, 0))
    plan.refresh_from_db()
    assert plan.created_count == 1 and plan.next_date == today(tenant) + dt.timedelta(days=1)
    assert Activity.objects.filter(object_id=str(plan.pk), verb="generated").count() == 1
    assert services.generate(actor=owner, plan=plan) == []  # a second call creates none
    assert WorkOrder.objects.count() == 1


def test_the_company_day_decides_what_is_due(tenant, owner, factories):
    # 17:00 UTC on 7 December is already 8 December in Shanghai
    now = dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.UTC)
    assert services.company_today(tenant, now) == dt.date(2026, 12, 8)
    tenant.time_zone = "UTC"
    tenant.save()
    assert services.company_today(tenant, now) == dt.date(2026, 12, 7)


def test_days_ahead_creates_orders_before_their_date(tenant, owner, factories):
    start = today(tenant) + dt.timedelta(days=5)
    plan = factories.plans.plan(freq="daily", interval=2, start_date=start, days_ahead=5)
    assert plan.next_create_date == today(tenant)
    orders = services.generate(actor=owner, plan=plan)
    assert [order.planned_at.astimezone(timezone.get_current_timezone()).date() for order in orders] or orders
    assert len(orders) == 1
    assert PlanOccurrence.objects.get().date == start


def test_the_job_catches_up_after_downtime_without_duplicates(tenant, owner, factories):
    plan = factories.plans.plan(freq="daily", start_date=today(tenant))
    later = timezone.now() + dt.timedelta(days=3)
    assert tasks.run_due_plans(now=later) == 4  # today and the three days it missed
    assert tasks.run_due_plans(now=later) == 0
    assert services.generate(actor=owner, plan=plan, now=later) == []
    assert sorted(PlanOccurrence.objects.values_list("date", flat=True)) == [
        today(tenant) + dt.timedelta(days=n) for n in range(4)]
    plan.refresh_from_db()
    assert plan.created_count == 4


def test_a_plan_stops_after_its_count(tenant, owner, factories):
    plan = factories.plans.plan(freq="daily", start_date=today(tenant), count=2)
    later = timezone.now() + dt.timedelta(days=10)
    assert len(services.generate(actor=owner, plan=plan, now=later)) == 2
    plan.refresh_from_db()
    assert plan.next_date is None and plan.next_create_date is None


def test_occurrences_before_the_plan_was_saved_are_not_created(tenant, owner, factories):
    plan = factories.plans.plan(freq="daily", start_date=today(tenant) - dt.timedelta(days=30))
    assert len(services.generate(actor=owner, plan=plan)) == 1


def test_a_paused_plan_creates_nothing_and_resumes_from_today(tenant, owner, factories):
    plan = factories.plans.plan(freq="daily", start_date=today(tenant))
    plan = services.pause_plan(actor=owner, plan=plan)
    assert plan.is_paused and plan.next_create_date is None
    assert tasks.run_due_plans(now=timezone.now() + dt.timedelta(days=2)) == 0
    with pytest.raises(Conflict):
        services.generate(actor=owner, plan=plan)
    with pytest.raises(Conflict):
        services.pause_plan(actor=owner, plan=plan)
    plan = services.resume_plan(actor=owner, plan=plan)
    assert not plan.is_paused
    with pytest.raises(Conflict):
        services.resume_plan(actor=owner, plan=plan)
    assert len(services.generate(actor=owner, plan=plan)) == 1
    verbs = set(Activity.objects.filter(object_id=str(plan.pk)).values_list("verb", flat=True))
    assert {"created", "paused", "resumed", "generated"} <= verbs


def test_pool_mode_publishes_to_the_pool_when_it_is_on_else_leaves_the_order_pending(tenant, owner, factories):
    plan = factories.plans.plan(freq="daily", start_date=today(tenant), dispatch_mode="pool")
    order = services.generate(actor=owner, plan=plan)[0]  # the pool is off: 待指派, and the timeline says why
    assert order.status == Status.PENDING and order.assignee is None
    assert Activity.objects.filter(object_id=str(order.pk),
                                   summary__startswith="Could not publish to the work-order pool").exists()

    company_settings.update_settings(actor=owner, values={"workorder.pool_enabled": True})
    pooled = factories.plans.plan(freq="daily", start_date=today(tenant), dispatch_mode="pool")
    order = services.generate(actor=owner, plan=pooled)[0]
    assert order.status == Status.POOLED and order.assignee is None


def test_auto_mode_calls_the_registered_dispatcher(tenant, owner, factories):
    plan = factories.plans.plan(freq="daily", start_date=today(tenant), dispatch_mode="auto")
    order = services.generate(actor=owner, plan=plan)[0]  # the auto-assignment rules: none yet, so it waits
    assert order.status == Status.PENDING
    assert Activity.objects.filter(object_id=str(order.pk),
                                   summary__startswith="Auto-assignment found no enabled rule").exists()

    called = []
    registered = services._DISPATCHERS.get("auto")
    services.register_dispatcher("auto", lambda actor, order, plan: called.append((order.pk, plan.pk)))
    try:
        auto = factories.plans.plan(freq="daily", start_date=today(tenant), dispatch_mode="auto")
        order = services.generate(actor=owner, plan=auto)[0]
        assert called == [(order.pk, auto.pk)]
    finally:
        services.register_dispatcher("auto", registered)


def test_auto_mode_assigns_through_the_first_rule_that_yields_someone(tenant, owner, factories):
    from shouhou.workorders.services import dispatch_rules

    dispatch_rules.create_rule(actor=owner, name="都给负责人", target={"kind": "user", "user_id": owner.pk})
    plan = factories.plans.plan(freq="daily", start_date=today(tenant), dispatch_mode="auto")
    order = services.generate(actor=owner, plan=plan)[0]
    assert order.status == Status.ASSIGNED and order.assignee_id == owner.pk
    assert services.generate(actor=owner, plan=plan) == []  # the same occurrence: nothing twice


@pytest.mark.parametrize(("values", "key"), [
    ({"freq": "yearly"}, "recurrence.freq"),
    ({"interval": 0}, "recurrence.interval"),
    ({"freq": "weekly", "weekdays": [7]}, "recurrence.weekdays"),
    ({"day_of_month": 32}, "recurrence.day_of_month"),
    ({"end_date": dt.date(2000, 1, 1)}, "end_date"),
    ({"end_date": dt.date(2099, 1, 1), "count": 3}, "count"),
    ({"days_ahead": 400}, "days_ahead"),
    ({"name": "  "}, "name"),
    ({"dispatch_mode": "robot"}, "dispatch.mode"),
    ({"fields": {"no_such_field": 1}}, None),
])
def test_bad_values_are_refused_and_nothing_is_written(tenant, owner, factories, values, key):
    with pytest.raises(ValidationFailed) as refused:
        factories.plans.plan(**values)
    if key:
        assert key in refused.value.details
    assert not Plan.objects.exists()


def test_assignee_mode_needs_an_assignee(tenant, owner, factories):
    from shouhou.customers.factories import CustomersFactory

    customer = CustomersFactory(owner).customer()
    with pytest.raises(ValidationFailed) as refused:
        services.create_plan(actor=owner, name="x", order_type=factories.workorders.order_type(), customer=customer,
                             freq="daily", start_date=today(tenant), dispatch_mode="assignee", assignee=None)
    assert "dispatch.assignee_id" in refused.value.details


def test_another_companys_customer_cannot_be_used(tenant, owner, factories, factories_for, other_company):
    theirs = factories_for(other_company[1])
    with theirs.active():
        customer = theirs.customers.customer()
    with pytest.raises(ValidationFailed) as refused:
        factories.plans.plan(customer=customer.pk)
    assert "customer" in refused.value.details


def test_editing_reschedules_and_checks_the_version(tenant, owner, factories):
    plan = factories.plans.plan(freq="daily", start_date=today(tenant))
    plan = services.update_plan(actor=owner, plan=plan, expected_version=1, freq="weekly",
                                start_date=today(tenant) + dt.timedelta(days=7), weekdays=[])
    assert plan.version == 2 and plan.next_date == today(tenant) + dt.timedelta(days=7)
    with pytest.raises(Conflict):
        services.update_plan(actor=owner, plan=plan, expected_version=1, name="again")


def test_a_plan_whose_creator_left_is_noted_once_a_day_and_others_go_on(tenant, owner, factories):
    from shouhou.core.testing import make_user

    colleague = make_user(tenant, roles=("admin",))
    with tenant_context(tenant):
        mine = factories.plans.plan(freq="daily", start_date=today(tenant))
    from shouhou.plans.factories import PlansFactory

    theirs = PlansFactory(colleague).plan(freq="daily", start_date=today(tenant))
    colleague.is_active = False
    colleague.save()
    assert tasks.run_due_plans() == 1
    assert PlanOccurrence.objects.get().plan == mine
    assert Activity.objects.filter(object_id=str(theirs.pk), verb="failed").count() == 1
    assert tasks.run_due_plans() == 0
    assert Activity.objects.filter(object_id=str(theirs.pk), verb="failed").count() == 1  # once a day


def test_planned_time_keeps_the_local_hour_across_a_daylight_saving_change(tenant, owner, factories):
    """A company in a zone with summer time: the orders stay at 09:30 local on both sides of the change
    (2027-03-14 in New York), so their UTC instants move by an hour."""
    tenant.time_zone = "America/New_York"
    tenant.save()
    plan = factories.plans.plan(freq="daily", planned_time=dt.time(9, 30))
    zone = services.zone_of(tenant)
    before = services._create_order(owner, plan, dt.date(2027, 3, 13))
    after = services._create_order(owner, plan, dt.date(2027, 3, 15))
    assert [order.planned_at.astimezone(zone).time() for order in (before, after)] == [dt.time(9, 30)] * 2
    utc = [order.planned_at.astimezone(dt.UTC).hour for order in (before, after)]
    assert utc == [14, 13]  # EST is UTC-5, EDT UTC-4


def test_monthly_on_the_29th_through_a_common_february(tenant):
    from shouhou.plans import recurrence

    rule = recurrence.rule(freq="monthly", interval=1, start_date=dt.date(2027, 1, 29), day_of_month=29)
    assert list(recurrence.dates(rule, until=dt.date(2027, 3, 31))) == [
        dt.date(2027, 1, 29), dt.date(2027, 2, 28), dt.date(2027, 3, 29)]
