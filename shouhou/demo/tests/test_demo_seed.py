"""`seed_demo`'s business data (issues 3 and 4): customers, products, reminder rules and work orders in
every status and flag, made through the services with a backdated history; a second run adds nothing.

The company is seeded once for the module at 5 % of its full size (~100 work orders), inside a
transaction that is rolled back when the module is done; each test runs in a savepoint within it.
"""

import datetime as dt
from collections import Counter
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from shouhou.accounts.models import Role, Skill, Team
from shouhou.core import company_settings, forms_engine
from shouhou.core.models import Activity, Tenant
from shouhou.core.tenancy import tenant_context
from shouhou.core.validators import MAINLAND_MOBILE
from shouhou.customers.models import Contact, Customer
from shouhou.demo import customers as customer_demo
from shouhou.demo import products as product_demo
from shouhou.demo import settlement as settlement_demo
from shouhou.demo import workorders as demo
from shouhou.demo.payments import ORDERS as PAYMENT_ORDERS
from shouhou.demo.plans import DEMO_PLANS
from shouhou.demo.reminders import DEMO_RULES
from shouhou.demo.seed import seed_all
from shouhou.messaging.models import Notification
from shouhou.plans.models import Plan
from shouhou.products.models import Product, ProductTemplate
from shouhou.reminders.models import Reminder, ReminderRule
from shouhou.workorders import flow
from shouhou.workorders.models import (
    Approval,
    DispatchRule,
    Receipt,
    ServiceOption,
    Status,
    StatusSpan,
    WorkOrder,
    WorkOrderType,
)

SCALE = 0.05
# the work-order demo's orders, and those the payments demo completes with fees (issue 12)
ORDERS = round(demo.TARGET_ORDERS * SCALE) + len(PAYMENT_ORDERS)
OPEN_FLAGS = ("is_paused", "is_overdue", "is_rejected", "awaiting_approval", "location_anomaly")


def run_command():
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", "--scale", str(SCALE), stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """(tenant, the command's output)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            output = run_command()
            yield Tenant.objects.get(slug="demo"), output
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def company(seeded, db):
    tenant, _output = seeded
    with tenant_context(tenant):
        yield tenant


def history_orders():
    """The orders of the 90 days' history (demo/workorders.py), without settlement's few (demo/settlement.py)."""
    return WorkOrder.objects.exclude(order_type__name=settlement_demo.TYPE_NAME)


def activities(order):
    return Activity.objects.filter(content_type__model="workorder", object_id=str(order.pk)).order_by("created_at",
                                                                                                    "id")


def test_every_status_and_flag(company):
    orders = history_orders()
    assert orders.count() == ORDERS
    assert set(orders.values_list("status", flat=True)) == {
        Status.PENDING, Status.POOLED, Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS, Status.FINISHED,
        Status.CLOSED, Status.CANCELLED}
    still_open = orders.filter(status__in=flow.OPEN_STATUSES)
    for name in OPEN_FLAGS:
        assert still_open.filter(**{name: True}).exists(), name
    assert all(order.is_exception == any(getattr(order, name) for name in OPEN_FLAGS) for order in orders)
    waiting = set(Approval.objects.filter(state=Approval.State.PENDING).values_list("order__order_type__name", "node"))
    assert {("回访", "assign"), ("安装", "finish")} <= waiting
    assert set(Approval.objects.values_list("state", flat=True)) >= {Approval.State.APPROVED, Approval.State.PENDING}
    closed = Counter(orders.values_list("status", flat=True))
    assert closed[Status.CLOSED] + closed[Status.FINISHED] > ORDERS / 2  # most of 90 days' work is done


def test_spread_over_ninety_days_and_the_engineers(company):
    now = timezone.now()
    created = sorted(history_orders().values_list("created_at", flat=True))
    assert now - dt.timedelta(days=demo.HISTORY_DAYS + 1) <= created[0] and created[-1] < now
    assert (created[-1] - created[0]).days >= 60
    assert {t.name for t in WorkOrderType.objects.all()} == {"安装", "维修", "巡检", "保养", "回访",
                                                            settlement_demo.TYPE_NAME}
    assert len(set(WorkOrder.objects.values_list("order_type__name", flat=True))) == 6
    engineers = set(WorkOrder.objects.exclude(assignee=None).values_list("assignee__name", flat=True))
    assert len(engineers) >= 12
    recent = Notification.objects.filter(created_at__gte=now - dt.timedelta(days=2))
    assert Notification.objects.filter(created_at__lt=now - dt.timedelta(days=30)).exists()
    assert not Notification.objects.filter(read_at=None, created_at__lt=now - dt.timedelta(days=2)).exists()
    assert recent.filter(read_at=None).exists()


def test_types_flows_options_and_settings(company):
    types = {t.name: flow.normalize(t.flow) for t in WorkOrderType.objects.all()}
    install, repair, inspection, upkeep, visit = (types[n] for n in ("安装", "维修", "巡检", "保养", "回访"))
    assert flow.is_enabled(install, "accept") and flow.is_enabled(install, "start")
    assert flow.approval_rule(install, "finish")["rule"] == "team_leader"
    assert flow.timeout_hours(repair, "accept") and flow.timeout_hours(repair, "start")
    assert not flow.is_enabled(inspection, "accept") and flow.is_enabled(inspection, "start")
    assert flow.is_enabled(upkeep, "accept") and not flow.is_enabled(upkeep, "start")
    assert flow.approval_rule(visit, "assign") == {
        "rule": "role", "user_ids": [], "role_id": Role.objects.get(system_key="manager").pk}
    names = {kind: set(ServiceOption.objects.filter(kind=kind).values_list("name", flat=True))
             for kind in ServiceOption.Kind.values}
    assert names == {"service_type": {"保内免费", "保外收费", "免费"},
                     "service_content": set(demo.SERVICE_CONTENTS)}
    assert not WorkOrder.objects.filter(service_content__name=F("order_type__name")).exists()  # says more than the type
    assert company_settings.get("workorder.location_check_enabled") is True


def test_histories_read_like_real_ones(company):
    now = timezone.now()
    for order in WorkOrder.objects.select_related("order_type"):
        entries = list(activities(order))
        assert entries[0].verb == "created" and entries[0].created_at == order.created_at
        assert all(entry.created_at <= now for entry in entries)
        spans = list(StatusSpan.objects.filter(order=order).order_by("started_at", "id"))
        assert spans[0].started_at == order.created_at and spans[-1].ended_at is None
        assert all(a.ended_at == b.started_at for a, b in zip(spans, spans[1:], strict=False))
        assert spans[-1].status == order.status and spans[-1].paused == order.is_paused
        day = timezone.localtime(order.created_at).strftime("%y%m%d")
        assert order.number.startswith(f"T{day}")
        if order.status in (Status.FINISHED, Status.CLOSED):
            assert Receipt.objects.get(order=order).submitted_at == order.finished_at
            assert order.created_at < order.finished_at <= (order.closed_at or now)
    # the workday rhythm: people act in office hours, so a backdated history is no pile of "just now"
    hours = Counter(timezone.localtime(a.created_at).hour for a in Activity.objects.filter(
        content_type__model="workorder", actor__isnull=False))
    assert sum(count for hour, count in hours.items() if 8 <= hour < 20) / sum(hours.values()) > 0.9


def test_overdue_orders_are_past_their_deadline(company):
    overdue = WorkOrder.objects.filter(is_overdue=True)
    assert overdue.exists()
    assert all(order.deadline_at < timezone.now() and order.status in flow.OPEN_STATUSES for order in overdue)
    assert not WorkOrder.objects.filter(is_overdue=False, deadline_at__lt=timezone.now()).exists()


def test_customers_with_contacts_places_owners_and_custom_values(company):
    customers = list(Customer.objects.select_related("service_team").prefetch_related("owners"))
    assert len(customers) == sum(customer_demo.scaled(n, SCALE) for *_rest, n in customer_demo.TEAM_AREAS.values())
    schema_keys = {field.key for field in forms_engine.get_schema("customer").parsed.value_fields()}
    assert {"grade", "contract_amount", "signed_on"} <= schema_keys
    for customer in customers:
        city, _districts, _count = customer_demo.TEAM_AREAS[customer.service_team.name]
        assert customer.city == city.city
        assert abs(float(customer.latitude) - city.latitude) <= customer_demo.SPREAD + 1e-6
        assert abs(float(customer.longitude) - city.longitude) <= customer_demo.SPREAD + 1e-6
        members = set(customer.service_team.members.all()) | set(customer.service_team.leaders.all())
        assert customer.owners.exists() and set(customer.owners.all()) <= members
        assert customer.fields["grade"] in ("A", "B", "C")
        assert customer.created_at < timezone.now() - dt.timedelta(days=demo.HISTORY_DAYS)
    phones = Contact.objects.values_list("phone", flat=True)
    assert phones and all(MAINLAND_MOBILE.match(phone) for phone in phones)
    assert any(customer.tags for customer in customers)


def test_products_with_serials_warranties_templates_and_custom_values(company):
    products = list(Product.objects.select_related("product_type"))
    assert len(products) == customer_demo.scaled(product_demo.TARGET_PRODUCTS, SCALE)
    assert {p.product_type.name for p in products} <= set(product_demo.CATALOGUE)
    assert len({p.serial_number for p in products}) == len(products)
    today = timezone.localdate()
    assert any(p.warranty_end < today for p in products) and any(p.warranty_end >= today for p in products)
    assert ProductTemplate.objects.count() == 4 and any(p.template_id for p in products)
    for product in products:
        assert product.fields["power_w"] > 0
        assert product.fields["color"] in product_demo.COLORS
        assert product.purchase_date <= (product.install_date or product.purchase_date) <= product.warranty_end
    schema_keys = {field.key for field in forms_engine.get_schema("product").parsed.value_fields()}
    assert {"color", "power_w"} <= schema_keys
    assert set(ReminderRule.objects.values_list("name", flat=True)) == {rule["name"] for rule in DEMO_RULES}
    assert Reminder.objects.exists()


def test_the_same_choices_every_run(company):
    specs = customer_demo.CustomerFactory(customer_demo.random.Random(customer_demo.SEED),
                                          timezone.localdate()).specs(SCALE)
    assert {spec.name for spec in specs} == set(Customer.objects.values_list("name", flat=True))
    plans = [(p.outcome.name, p.type_name) for p in demo.make_plans(ORDERS, demo.random.Random(demo.SEED + 3))]
    assert plans == [(p.outcome.name, p.type_name) for p in demo.make_plans(ORDERS, demo.random.Random(demo.SEED + 3))]


def test_the_command_reports_what_it_made_and_a_second_run_adds_nothing(seeded, company):
    _tenant, first_output = seeded
    customers = Customer.objects.count()
    made = ORDERS + len(settlement_demo.ORDERS)
    assert (f"Created {customers} customers, {Product.objects.count()} products and {made} work orders."
            in first_output)
    from shouhou.parts.models import PricingRule, ServiceRecord, StockMovement, StockRequest

    watched = [Customer, Contact, Product, ProductTemplate, ReminderRule, Reminder, WorkOrder, WorkOrderType,
               Approval, StatusSpan, Activity, Notification, Team, Plan, DispatchRule, Skill, StockMovement,
               StockRequest, ServiceRecord, PricingRule]
    before = {model: model.objects.count() for model in watched}
    assert "nothing was changed" in run_command()
    seed_all(scale=SCALE)
    assert {model: model.objects.count() for model in watched} == before



def test_service_reports_with_one_uploaded_excel_template(company):
    from shouhou.reports.models import ReportSettings, ServiceReport

    assert ReportSettings.objects.filter(report_enabled=True).exists()
    custom = ReportSettings.objects.filter(report_kind="custom").exclude(report_template={})
    assert custom.count() == 1 and custom.get().order_type.name == "维修"
    assert ServiceReport.objects.filter(status=ServiceReport.Status.READY).exists()

# --- planning, without a database ------------------------------------------------------------------------

def test_every_outcome_is_planned_and_each_plan_fits_the_window():
    for total in (20, 100, 2000):
        counts = demo.allocate(total)
        assert sum(counts.values()) == total and all(counts.values())
    now = timezone.now()
    types = {spec.name: SimpleNamespace(flow=spec.flow) for spec in demo.demo_types(manager_role_id=1)}
    rng = demo.random.Random(7)
    for plan in demo.make_plans(2000, demo.random.Random(demo.SEED)):
        script = demo.Script(plan, types[plan.type_name], rng, creator_dispatches=rng.random() < 0.5)
        timing = demo.schedule(plan, script, rng, now)
        moments = timing.moments
        assert moments[0] == timing.created >= now - dt.timedelta(days=demo.HISTORY_DAYS)
        assert moments == sorted(moments) and moments[-1] < now, plan
        actions = [step.action for step in script.steps]
        assert actions[0] == "create" and actions.count("create") == 1
        if plan.outcome.name == "closed":
            assert actions[-1] == "close"
        if plan.outcome.name in ("approval_assign", "approval_finish", "pending", "rejected", "paused"):
            assert actions[-1] in ("create", "assign", "complete", "reject", "pause")


def test_ten_recurring_plans(company):
    plans = list(Plan.objects.all())
    assert sorted(plan.name for plan in plans) == sorted(values["name"] for values in DEMO_PLANS)
    assert all(plan.next_date for plan in plans)
    assert {plan.dispatch_mode for plan in plans} == {"assignee", "pool", "auto"}


def test_five_auto_assignment_rules(company):
    from shouhou.workorders.models import DispatchRule

    rules = list(DispatchRule.objects.order_by("priority", "pk"))
    assert len(rules) == 5 and all(rule.is_enabled for rule in rules)
    assert {rule.target_kind for rule in rules} == {"user", "team_round_robin", "team_least_loaded",
                                                    "best_candidate"}


def test_skills_positions_and_the_pool(company):
    """Engineers with skills and recent positions around 上海 and 杭州; the pool on, with orders in it."""
    from shouhou.accounts.models import Skill, User
    from shouhou.core import company_settings
    from shouhou.demo import dispatch as dispatch_demo

    assert set(Skill.objects.values_list("name", flat=True)) >= set(dispatch_demo.DEMO_SKILLS)
    assert set(User.objects.filter(skills__name="空调维修").values_list("name", flat=True)) >= {"李强", "高峰"}
    placed = User.objects.filter(teams__name__in=["上海一组", "上海二组", "杭州组"]).exclude(last_latitude=None)
    assert placed.filter(teams__name__startswith="上海").exists() and placed.filter(teams__name="杭州组").exists()
    assert company_settings.get("workorder.pool_enabled")
    pooled = WorkOrder.objects.filter(status=Status.POOLED)
    assert 1 <= pooled.count() <= dispatch_demo.POOL_ORDERS and all(order.assignee_id is None for order in pooled)


def test_payments_in_every_state(company):
    """Issue 12: orders with fees paid by WeChat Pay and Alipay (sandbox notifications), one QR code open,
    cash with its photo, refunds, one unpaid; the company collects at completion."""
    from shouhou.demo.payments import DEMO_MARK, ORDERS
    from shouhou.payments.models import Payment
    from shouhou.workorders import order_facts

    assert company_settings.get("payments.collect_on_completion")
    orders = list(WorkOrder.objects.filter(description__endswith=DEMO_MARK))
    assert len(orders) == len(ORDERS) and all(order.total_amount > 0 for order in orders)
    assert {p.status for p in Payment.objects.all()} == {"paid", "pending", "partly_refunded", "refunded"}
    assert {p.method for p in Payment.objects.all()} == {"wechat", "alipay", "cash", "transfer"}
    assert all(p.provider == "sandbox" for p in Payment.objects.filter(method__in=("wechat", "alipay")))
    assert Payment.objects.get(method="cash").photo["url"].startswith("/files/")
    assert sorted(order_facts.many("payment_status", orders).values()) == [
        "paid", "paid", "paid", "refunded", "unpaid", "unpaid"]


def test_settled_and_unsettled_orders_with_fees(company):
    from decimal import Decimal

    from shouhou.settlement.models import Settlement

    orders = WorkOrder.objects.filter(order_type__name=settlement_demo.TYPE_NAME)
    settled = sum(1 for spec in settlement_demo.ORDERS if spec[1])
    assert Counter(orders.values_list("status", flat=True)) == {
        Status.SETTLED: settled, Status.FINISHED: len(settlement_demo.ORDERS) - settled}
    assert all(order.total_amount > 0 for order in orders)
    assert Settlement.objects.filter(is_current=True).count() == settled
    assert Settlement.objects.exclude(adjustment=0).exclude(reason="").exists()
    assert all(row.amount == row.fees_total + row.adjustment >= Decimal("0") for row in Settlement.objects.all())


def test_visits_with_ratings_and_tags(company):
    """回访 (issue 12): manual visits and answered surveys with levels, a rating per dimension and tags."""
    from shouhou.visits.models import Survey, Visit

    manual = list(Visit.objects.filter(kind="manual"))
    assert manual and all(visit.level in ("good", "fair", "bad") and len(visit.scores) == 3 for visit in manual)
    assert any(visit.tags for visit in manual)
    assert Survey.objects.filter(answered_at__isnull=False).exists()
    assert Visit.objects.filter(kind="auto").count() == Survey.objects.filter(answered_at__isnull=False).count()


def test_finished_orders_used_parts_and_priced_service_items(company):
    """Issue 11: the finished orders' receipts consumed the engineers' parts and priced service items, at
    the moment of the completion; fees, service records and the ledger agree."""
    from decimal import Decimal

    from django.db.models import Sum

    from shouhou.parts import services as part_services
    from shouhou.parts.models import PricingRule, ServiceRecord, StockLevel, StockMovement

    done = WorkOrder.objects.filter(status__in=[Status.FINISHED, Status.CLOSED])
    used = StockMovement.objects.filter(kind="used_on_order")
    assert used.exists() and not used.filter(work_order=None).exists()
    assert used.exclude(product=None).exists() and not used.filter(customer=None).exists()
    for movement in used.select_related("work_order")[:20]:  # at the completion's moment, on the history clock
        assert movement.created_at >= movement.work_order.created_at
    assert StockLevel.objects.exclude(holder=None).filter(quantity__gt=0).count() >= 12  # engineers still hold parts
    records = ServiceRecord.objects.filter(kind="sale")
    assert records.exists() and PricingRule.objects.exists()
    priced = done.filter(total_amount__gt=0)
    assert priced.exists()
    for order in priced[:20]:
        lines = order.receipt.lines
        assert order.total_amount == sum(Decimal(line["line_total"]) for line in lines if line["kind"] != "old_part")
    assert done.aggregate(total=Sum("total_amount"))["total"] > 0
    assert {line["warranty"] for order in done for line in order.receipt.lines or ()
            if line["kind"] != "old_part"} == {"in", "out"}
    assert part_services.ledger_differences() == []
