"""Reminder rules, attaching them, and the periodic sending (CUS-07, CUS-11, PRD-10)."""

import datetime as dt
import itertools
import threading
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from shouhou.core.errors import NotFound, PermissionDenied, ValidationFailed
from shouhou.core.forms_engine import get_schema, save_schema
from shouhou.core.models import Activity, Tenant
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import client_for, make_company, make_team, make_user
from shouhou.customers import services as customer_services
from shouhou.customers.models import Customer
from shouhou.messaging.models import Notification, SmsMessage
from shouhou.products import services as product_services
from shouhou.reminders import services
from shouhou.reminders import tasks as reminder_tasks
from shouhou.reminders.models import Reminder, ReminderDelivery, ReminderRule

Rule, Delivery = ReminderRule, ReminderDelivery
D = dt.date
_seq = itertools.count(1)
ADDRESS = {"province": "上海市", "city": "上海市", "district": "浦东新区", "detail": "张江路 100 号",
           "latitude": "31.230416", "longitude": "121.473701"}


# --- set-up through the services -------------------------------------------------------------------------

@pytest.fixture
def today(tenant):
    return services.company_today()


@pytest.fixture
def people(tenant, owner):
    """The customer's owner, its service team's leader, and a colleague named on rules."""
    account_owner = make_user(tenant, roles=("manager",), name="负责人甲")
    leader = make_user(tenant, roles=("engineer",), name="组长乙")
    named = make_user(tenant, roles=("engineer",), name="同事丙")
    team = make_team(tenant, name="华东服务组", leaders=[leader])
    return {"owner": account_owner, "leader": leader, "named": named, "team": team}


def make_customer(actor, *, name=None, phone="13912345678", people=None, **values):
    n = next(_seq)
    if people is not None:
        values.setdefault("owner_ids", [people["owner"].pk])
        values.setdefault("service_team_id", people["team"].pk)
    contacts = [{"name": f"联系人{n}", "phone": phone}] if phone else []
    return customer_services.create_customer(actor=actor, name=name or f"提醒测试客户{n}", contacts=contacts,
                                             addresses=[ADDRESS], **values)


def make_product(actor, customer=None, **values):
    n = next(_seq)
    return product_services.create_product(actor=actor, name=values.pop("name", f"空调{n}"), number=f"P-R-{n}",
                                           customer_id=customer.pk if customer else None, **values)


def rule_values(**overrides):
    values = {"name": "季度回访", "target": "customer", "kind": "periodic", "anchor_field": "created_at",
              "every": 3, "unit": "month", "lead_days": 0, "notify_owner": True}
    values.update(overrides)
    return values


def make_rule(actor, **overrides):
    return services.save_rule(actor=actor, **rule_values(**overrides))


def due_today_rule(actor, today, **overrides):
    """A monthly rule from a fixed date one month ago: attached today, it is due today."""
    return make_rule(actor, **{"anchor_field": "", "fixed_date": services.add_months(today, -1), "every": 1,
                               **overrides})


def deliveries():
    return list(Delivery.objects.order_by("pk"))


# === the schedule ============================================================================================

class TestSchedule:
    def test_months_clamp_to_the_month_end_without_drifting(self):
        start = D(2026, 1, 31)
        assert services.add_months(start, 1) == D(2026, 2, 28)
        assert services.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
        assert services.add_months(start, 2) == D(2026, 3, 31)
        assert services.next_occurrence(start, 1, "month", D(2026, 2, 1)) == D(2026, 2, 28)
        # counted from the start, not from Feb 28: March is back on the 31st
        assert services.next_occurrence(start, 1, "month", D(2026, 3, 1)) == D(2026, 3, 31)
        assert services.next_occurrence(start, 12, "month", D(2026, 2, 1)) == D(2027, 1, 31)
        assert services.add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)

    def test_days_and_weeks(self):
        assert services.next_occurrence(D(2026, 1, 1), 10, "day", D(2026, 1, 15)) == D(2026, 1, 21)
        assert services.next_occurrence(D(2026, 1, 1), 10, "day", D(2026, 1, 21)) == D(2026, 1, 21)
        # the first reminder is one interval after the start, even when the start is today
        assert services.next_occurrence(D(2026, 1, 1), 10, "day", D(2026, 1, 1)) == D(2026, 1, 11)
        assert services.next_occurrence(D(2026, 1, 5), 2, "week", D(2026, 1, 20)) == D(2026, 2, 2)
        assert services.next_occurrence(D(2026, 1, 5), 1, "week", D(2025, 6, 1)) == D(2026, 1, 12)

    @given(start=st.dates(D(2000, 1, 1), D(2040, 12, 31)), offset=st.integers(-400, 4000),
           every=st.integers(1, 40), unit=st.sampled_from(["day", "week", "month"]))
    def test_next_occurrence_is_the_first_one_on_or_after_the_floor(self, start, offset, every, unit):
        floor = start + dt.timedelta(days=offset)
        found = services.next_occurrence(start, every, unit, floor)
        k = 1
        while services.add_interval(start, k * every, unit) < floor:
            k += 1
        assert found == services.add_interval(start, k * every, unit)

    def test_next_due_of_one_time_and_periodic_rules(self, tenant, owner, today):
        customer = make_customer(owner)
        once = Rule(kind="once", anchor_field="", fixed_date=today + dt.timedelta(days=3), every=0, unit="day")
        assert services.compute_next_due(once, customer, today=today) == today + dt.timedelta(days=3)
        once.every, once.unit = 1, "week"
        assert services.compute_next_due(once, customer, today=today) == today + dt.timedelta(days=10)
        assert services.compute_next_due(once, customer, today=today, last_due=today) is None
        once.fixed_date = today - dt.timedelta(days=30)
        assert services.compute_next_due(once, customer, today=today) is None  # the date has passed
        periodic = Rule(kind="periodic", anchor_field="", fixed_date=today - dt.timedelta(days=14), every=7,
                        unit="day")
        assert services.compute_next_due(periodic, customer, today=today) == today
        assert services.compute_next_due(periodic, customer, today=today, last_due=today) == today + dt.timedelta(days=7)


# === rules: validation and refusals ==============================================================================

class TestRules:
    def test_a_valid_rule_is_saved_with_its_people(self, tenant, owner, people):
        rule = make_rule(owner, user_ids=[people["named"].pk], notify_team_leader=True, description="说明")
        assert (rule.target, rule.kind, rule.every, rule.unit) == ("customer", "periodic", 3, "month")
        assert list(rule.users.all()) == [people["named"]]
        assert Activity.objects.filter(object_id=str(rule.pk), verb="created").exists()

    def test_periodic_without_an_interval_is_refused(self, tenant, owner):
        for every in (0, "", None):
            with pytest.raises(ValidationFailed) as refused:
                make_rule(owner, every=every)
            assert "every" in refused.value.details
        assert not Rule.objects.exists()

    def test_sms_without_a_template_is_refused(self, tenant, owner):
        with pytest.raises(ValidationFailed) as refused:
            make_rule(owner, notify_owner=False, sms_contact=True, sms_template="  ")
        assert "sms_template" in refused.value.details
        assert not Rule.objects.exists()

    def test_unknown_or_misplaced_placeholders_are_refused(self, tenant, owner):
        with pytest.raises(ValidationFailed) as refused:
            make_rule(owner, sms_contact=True, sms_template="尊敬的{客户名}，请注意")
        assert "sms_template" in refused.value.details
        with pytest.raises(ValidationFailed) as refused:
            make_rule(owner, sms_contact=True, sms_template="{客户}的{产品}需要保养")  # a customer rule
        assert "sms_template" in refused.value.details
        rule = make_rule(owner, target="product", anchor_field="install_date", sms_contact=True,
                         sms_template="{客户}的{产品}将于{日期}保养")
        assert rule.sms_template == "{客户}的{产品}将于{日期}保养"

    def test_named_users_of_another_company_are_not_found(self, tenant, owner, other_company):
        _other_tenant, stranger = other_company
        with pytest.raises(NotFound):
            make_rule(owner, user_ids=[stranger.pk])
        with pytest.raises(NotFound):
            make_rule(owner, user_ids=["x"])
        assert not Rule.objects.exists()

    def test_other_refusals(self, tenant, owner):
        cases = [
            ({"notify_owner": False}, "recipients"),
            ({"anchor_field": ""}, "fixed_date"),
            ({"anchor_field": "warranty_end"}, "anchor_field"),  # a product date on a customer rule
            ({"name": ""}, "name"),
            ({"lead_days": 400}, "lead_days"),
            ({"unit": "year"}, "unit"),
            ({"target": "order"}, "target"),
        ]
        for overrides, key in cases:
            with pytest.raises(ValidationFailed) as refused:
                make_rule(owner, **overrides)
            assert key in refused.value.details, overrides
        assert not Rule.objects.exists()

    def test_without_the_remind_permission_the_rule_is_refused(self, tenant):
        engineer = make_user(tenant, roles=("engineer",))
        with pytest.raises(PermissionDenied):
            make_rule(engineer)

    def test_custom_date_fields_can_be_counted_from(self, tenant, owner, today):
        built_in = [{"key": f["key"], "system": True} for f in get_schema("customer").fields if f.get("system")]
        save_schema(actor=owner, target="customer", permission="customer.settings", fields=[
            *built_in, {"key": "signed_on", "label": "签订日期", "kind": "date"}])
        rule = make_rule(owner, anchor_field="fields.signed_on", every=1, unit="month")
        signed = services.add_months(today, -1)
        customer = make_customer(owner, fields={"signed_on": signed.isoformat()})
        [reminder] = services.attach_rule(actor=owner, rule=rule, objects=[customer]).added
        assert reminder.next_due == today

    def test_changing_the_target_of_an_attached_rule_is_refused(self, tenant, owner):
        rule = make_rule(owner)
        services.attach_rule(actor=owner, rule=rule, objects=[make_customer(owner)])
        with pytest.raises(ValidationFailed) as refused:
            services.save_rule(actor=owner, rule=rule, **rule_values(target="product", anchor_field="install_date"))
        assert "target" in refused.value.details
        rule.refresh_from_db()
        assert rule.target == "customer"

    def test_editing_the_schedule_reschedules_the_reminders(self, tenant, owner, today):
        rule = due_today_rule(owner, today)
        [reminder] = services.attach_rule(actor=owner, rule=rule, objects=[make_customer(owner)]).added
        assert reminder.next_due == today
        services.save_rule(actor=owner, rule=rule, **rule_values(anchor_field="", fixed_date=today, every=2,
                                                                 unit="week"))
        reminder.refresh_from_db()
        assert reminder.next_due == today + dt.timedelta(days=14)


# === attaching rules ==============================================================================================

class TestAttach:
    def test_attach_to_one_and_to_many(self, tenant, owner, today):
        rule = due_today_rule(owner, today)
        first, second, third = (make_customer(owner) for _ in range(3))
        single = services.attach_rule(actor=owner, rule=rule, objects=[first])
        assert len(single.added) == 1 and single.already == 0
        batch = services.attach_rule(actor=owner, rule=rule, objects=[first, second, third])
        assert len(batch.added) == 2 and batch.already == 1
        reminders = Reminder.objects.filter(rule=rule)
        assert reminders.count() == 3
        assert set(reminders.values_list("next_due", flat=True)) == {today}
        assert Activity.objects.filter(verb="reminder_added", object_id=str(second.pk)).count() == 1

    def test_records_without_a_date_get_no_due_date(self, tenant, owner):
        rule = make_rule(owner, target="product", kind="once", anchor_field="warranty_end", every=0, lead_days=30)
        result = services.attach_rule(actor=owner, rule=rule, objects=[make_product(owner)])
        assert result.without_date == 1

    def test_another_companys_records_are_not_found(self, tenant, owner, other_company):
        rule = make_rule(owner)
        other_tenant, stranger = other_company
        with tenant_context(other_tenant):
            foreign = make_customer(stranger)
        with pytest.raises(NotFound):
            services.attach_rule(actor=owner, rule=rule, objects=[make_customer(owner), foreign.pk])
        assert not Reminder.objects.exists()

    def test_records_of_another_type_or_outside_the_scope_are_not_found(self, tenant, owner, people):
        rule = make_rule(owner)
        product = make_product(owner)
        with pytest.raises(NotFound):
            services.attach_rule(actor=owner, rule=rule, objects=[product])
        other_team = make_team(tenant, name="华北服务组")
        team_admin = make_user(tenant, roles=("team_admin",), teams=[people["team"]])
        outside = make_customer(owner, service_team_id=other_team.pk)
        with pytest.raises(NotFound):
            services.attach_rule(actor=team_admin, rule=rule, objects=[outside])
        inside = make_customer(owner, service_team_id=people["team"].pk)
        assert len(services.attach_rule(actor=team_admin, rule=rule, objects=[inside]).added) == 1

    def test_a_disabled_rule_cannot_be_attached(self, tenant, owner):
        rule = make_rule(owner)
        services.set_rule_active(actor=owner, rule=rule, active=False)
        with pytest.raises(ValidationFailed):
            services.attach_rule(actor=owner, rule=rule, objects=[make_customer(owner)])

    def test_detach(self, tenant, owner):
        rule = make_rule(owner)
        customers = [make_customer(owner), make_customer(owner)]
        services.attach_rule(actor=owner, rule=rule, objects=customers)
        assert services.detach_rule(actor=owner, rule=rule, objects=[customers[0]]) == 1
        [left] = Reminder.objects.filter(rule=rule)
        assert left.object_id == customers[1].pk
        services.detach(actor=owner, reminder=left)
        assert not Reminder.objects.exists()
        assert Activity.objects.filter(verb="reminder_removed").count() == 2


# === sending ======================================================================================================

class TestSending:
    def test_sends_once_when_run_twice(self, tenant, owner, people, today):
        rule = due_today_rule(owner, today, notify_team_leader=True, user_ids=[people["named"].pk])
        customer = make_customer(owner, people=people)
        services.attach_rule(actor=owner, rule=rule, objects=[customer])
        assert services.send_due_reminders(today=today) == 1
        assert services.send_due_reminders(today=today) == 0
        [delivery] = deliveries()
        assert delivery.due_date == today
        assert {p["id"] for p in delivery.recipients} == {people["owner"].pk, people["leader"].pk, people["named"].pk}
        assert Notification.objects.count() == 3
        rule.refresh_from_db()
        assert rule.sent_count == 1
        reminder = Reminder.objects.get()
        assert (reminder.last_due, reminder.next_due) == (today, services.add_months(today, 1))

    def test_a_stale_due_date_is_not_sent_again(self, tenant, owner, people, today):
        """The unique delivery is the last wall: a reminder put back on a date already sent sends nothing."""
        rule = due_today_rule(owner, today)
        services.attach_rule(actor=owner, rule=rule, objects=[make_customer(owner, people=people)])
        services.send_due_reminders(today=today)
        Reminder.objects.update(next_due=today, last_due=None)
        assert services.send_due_reminders(today=today) == 0
        assert len(deliveries()) == 1 and Notification.objects.count() == 1
        assert Reminder.objects.get().next_due == services.add_months(today, 1)

    def test_lead_time(self, tenant, owner, people, today):
        due = today + dt.timedelta(days=7)
        early = make_rule(owner, name="提前七天", kind="once", anchor_field="", fixed_date=due, every=0, lead_days=7)
        late = make_rule(owner, name="提前六天", kind="once", anchor_field="", fixed_date=due, every=0, lead_days=6)
        customer = make_customer(owner, people=people)
        services.attach_rule(actor=owner, rule=early, objects=[customer])
        services.attach_rule(actor=owner, rule=late, objects=[customer])
        assert services.send_due_reminders(today=today) == 1
        assert [d.reminder.rule_id for d in deliveries()] == [early.pk]
        assert services.send_due_reminders(today=today + dt.timedelta(days=1)) == 1
        assert {d.reminder.rule_id for d in deliveries()} == {early.pk, late.pk}
        assert {d.due_date for d in deliveries()} == {due}

    def test_sms_is_counted_against_the_quota(self, tenant, owner, people, today):
        rule = due_today_rule(owner, today, notify_owner=False, sms_contact=True,
                              sms_template="{客户}您好，您的设备将于{日期}保养。")
        customer = make_customer(owner, name="东方酒店", phone="139 1234 5678", people=people)
        services.attach_rule(actor=owner, rule=rule, objects=[customer])
        used = Tenant.objects.get(pk=tenant.pk).sms_used
        services.send_due_reminders(today=today)
        [delivery] = deliveries()
        assert delivery.sms_status == Delivery.SmsStatus.SENT
        [message] = SmsMessage.objects.all()
        assert message.phone == "13912345678"
        assert message.content == f"东方酒店您好，您的设备将于{today.isoformat()}保养。"
        assert Tenant.objects.get(pk=tenant.pk).sms_used == used + 1
        services.send_due_reminders(today=today)
        assert SmsMessage.objects.count() == 1

    def test_an_exhausted_quota_is_recorded_on_the_delivery(self, tenant, owner, people, today):
        rule = due_today_rule(owner, today, sms_contact=True, sms_template="{客户}：保养提醒 {日期}")
        services.attach_rule(actor=owner, rule=rule, objects=[make_customer(owner, people=people)])
        Tenant.objects.filter(pk=tenant.pk).update(sms_limit=5, sms_used=5)
        assert services.send_due_reminders(today=today) == 1
        [delivery] = deliveries()
        assert delivery.sms_status == Delivery.SmsStatus.FAILED
        assert delivery.sms_error
        assert not SmsMessage.objects.exists()
        assert Tenant.objects.get(pk=tenant.pk).sms_used == 5
        assert Notification.objects.filter(user=people["owner"]).count() == 1  # the in-app part still went

    def test_a_contact_without_a_mobile_number_is_skipped(self, tenant, owner, people, today):
        rule = due_today_rule(owner, today, sms_contact=True, sms_template="{客户}：保养提醒")
        services.attach_rule(actor=owner, rule=rule, objects=[make_customer(owner, phone="021-55556666",
                                                                            people=people)])
        services.send_due_reminders(today=today)
        [delivery] = deliveries()
        assert delivery.sms_status == Delivery.SmsStatus.SKIPPED
        assert not SmsMessage.objects.exists()

    def test_the_timeline_records_the_sending(self, tenant, owner, people, today):
        rule = due_today_rule(owner, today, name="月度巡检")
        customer = make_customer(owner, people=people)
        services.attach_rule(actor=owner, rule=rule, objects=[customer])
        services.send_due_reminders(today=today)
        entry = Activity.objects.get(verb="reminder_sent",
                                     content_type=ContentType.objects.get_for_model(Customer),
                                     object_id=str(customer.pk))
        assert "月度巡检" in entry.summary and today.isoformat() in entry.summary
        assert people["owner"].name in entry.note

    def test_product_reminders_go_to_the_customers_people(self, tenant, owner, people, today):
        rule = make_rule(owner, target="product", kind="once", anchor_field="warranty_end", every=0, lead_days=30,
                         notify_team_leader=True, sms_contact=True, sms_template="{客户}的{产品}保修将于{日期}到期")
        customer = make_customer(owner, name="南方商场", people=people)
        product = make_product(owner, customer, name="中央空调", warranty_end=today + dt.timedelta(days=20))
        services.attach_rule(actor=owner, rule=rule, objects=[product])
        services.send_due_reminders(today=today)
        [delivery] = deliveries()
        assert {p["id"] for p in delivery.recipients} == {people["owner"].pk, people["leader"].pk}
        due = (today + dt.timedelta(days=20)).isoformat()
        assert SmsMessage.objects.get().content == f"南方商场的中央空调保修将于{due}到期"
        assert Activity.objects.filter(verb="reminder_sent", object_id=str(product.pk)).exists()

    def test_a_one_time_rule_stops_after_sending(self, tenant, owner, people, today):
        rule = make_rule(owner, kind="once", anchor_field="", fixed_date=today, every=0)
        services.attach_rule(actor=owner, rule=rule, objects=[make_customer(owner, people=people)])
        assert services.send_due_reminders(today=today) == 1
        assert Reminder.objects.get().next_due is None
        for later in (1, 40, 400):
            assert services.send_due_reminders(today=today + dt.timedelta(days=later)) == 0
        assert len(deliveries()) == 1

    def test_a_disabled_rule_sends_nothing_and_skips_what_it_missed(self, tenant, owner, people, today):
        rule = make_rule(owner, anchor_field="", fixed_date=today - dt.timedelta(days=7), every=7, unit="day")
        services.attach_rule(actor=owner, rule=rule, objects=[make_customer(owner, people=people)])
        services.set_rule_active(actor=owner, rule=rule, active=False)
        assert services.send_due_reminders(today=today) == 0
        assert services.send_due_reminders(today=today + dt.timedelta(days=7)) == 0
        assert not deliveries()
        with tenant_context(tenant):
            services.set_rule_active(actor=owner, rule=rule, active=True)
        assert Reminder.objects.get().next_due >= today

    def test_the_daily_pass_picks_up_a_date_set_later(self, tenant, owner, today):
        rule = make_rule(owner, target="product", kind="once", anchor_field="warranty_end", every=0, lead_days=0)
        product = make_product(owner)
        services.attach_rule(actor=owner, rule=rule, objects=[product])
        assert Reminder.objects.get().next_due is None
        product_services.update_product(actor=owner, product=product, warranty_end=today + dt.timedelta(days=5))
        assert services.reschedule_all(today=today) == 1
        assert Reminder.objects.get().next_due == today + dt.timedelta(days=5)

    def test_the_task_runs_every_company_with_its_own_data(self, db):
        companies = [make_company() for _ in range(2)]
        for tenant, owner in companies:
            with tenant_context(tenant):
                rule = due_today_rule(owner, services.company_today())
                services.attach_rule(actor=owner, rule=rule, objects=[make_customer(owner, owner_ids=[owner.pk])])
        assert reminder_tasks.send_reminders.call_local() == 2
        assert reminder_tasks.run_due_reminders() == 0
        for tenant, owner in companies:
            with tenant_context(tenant):
                [delivery] = deliveries()
                assert delivery.recipients == [{"id": owner.pk, "name": owner.name}]
                assert Notification.objects.get().user == owner


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: real concurrent transactions (SQLite serialises writers)")
def test_two_workers_at_once_send_once(monkeypatch):
    """Two task runs at the same moment: the row lock (or, failing that, the unique delivery) lets one send."""
    tenant, owner = make_company()
    with tenant_context(tenant):
        today = services.company_today()
        rule = due_today_rule(owner, today)
        services.attach_rule(actor=owner, rule=rule, objects=[make_customer(owner, owner_ids=[owner.pk])])
    claim = services._claim_delivery

    def slow_claim(reminder, due):  # hold the reminder's row lock a moment, so the workers surely overlap
        time.sleep(0.3)
        return claim(reminder, due)

    monkeypatch.setattr(services, "_claim_delivery", slow_claim)
    barrier, outcomes = threading.Barrier(2), []

    def worker():
        try:
            with tenant_context(tenant):
                barrier.wait()
                outcomes.append(services.send_due_reminders(today=today))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == [0, 1]
    with tenant_context(tenant):
        assert len(deliveries()) == 1
        assert Notification.objects.count() == 1
        assert Rule.objects.get().sent_count == 1


# === console pages ================================================================================================

@pytest.fixture
def console(owner):
    return client_for(owner)


class TestPages:
    def test_rule_list(self, tenant, owner, console, today):
        rule = due_today_rule(owner, today, name="年度保养", description="每年一次")
        services.attach_rule(actor=owner, rule=rule, objects=[make_customer(owner, owner_ids=[owner.pk])])
        services.send_due_reminders(today=today)
        page = console.get(reverse("reminders:rules"))
        assert page.status_code == 200
        body = page.content.decode()
        assert "年度保养" in body and "每年一次" in body
        assert reverse("reminders:rule_create") in body and reverse("reminders:rule_edit", args=[rule.pk]) in body
        row = page.context["rows"][0]
        assert [c.key for c in page.context["columns"]] == ["name", "description", "is_active", "target",
                                                            "sent_count", "actions"]
        assert row["cells"][4]["value"] == 1

    def test_create_and_edit_through_the_editor(self, tenant, owner, console, people):
        data = {"name": "保修到期提醒", "description": "", "target": "product", "kind": "once",
                "anchor_customer": "created_at", "anchor_product": "warranty_end", "fixed_date": "", "every": "0",
                "unit": "day", "lead_days": "30", "notify_owner": "on", "user_ids": [str(people["named"].pk)],
                "sms_template": ""}
        response = console.post(reverse("reminders:rule_create"), data)
        rule = Rule.objects.get()
        assert response.status_code == 302 and response.url == reverse("reminders:rule_detail", args=[rule.pk])
        assert (rule.target, rule.anchor_field, rule.lead_days) == ("product", "warranty_end", 30)
        assert console.get(reverse("reminders:rule_edit", args=[rule.pk])).status_code == 200
        refused = console.post(reverse("reminders:rule_edit", args=[rule.pk]),
                               {**data, "kind": "periodic", "sms_contact": "on"})
        assert refused.status_code == 400
        assert set(refused.context["form"].errors) >= {"every", "sms_template"}
        rule.refresh_from_db()
        assert rule.kind == "once"

    def test_toggle_and_delete(self, tenant, owner, console):
        rule = make_rule(owner)
        console.post(reverse("reminders:rule_toggle", args=[rule.pk]), {"active": "0"})
        rule.refresh_from_db()
        assert not rule.is_active
        console.post(reverse("reminders:rule_delete", args=[rule.pk]))
        assert not Rule.objects.exists()

    def test_batch_reminder_dialog(self, tenant, owner, console, today):
        rule = due_today_rule(owner, today, name="巡检提醒")
        services.set_rule_active(actor=owner, rule=make_rule(owner, name="停用的规则"), active=False)
        customers = [make_customer(owner), make_customer(owner)]
        query = f"?target=customer&ids={customers[0].pk}&ids={customers[1].pk}"
        dialog = console.get(reverse("reminders:attach") + query, headers={"HX-Request": "true"})
        assert dialog.status_code == 200
        assert "巡检提醒" in dialog.content.decode() and "停用的规则" not in dialog.content.decode()
        response = console.post(reverse("reminders:attach_customers"),
                                {"rule": rule.pk, "ids": [c.pk for c in customers]}, headers={"HX-Request": "true"})
        assert response.status_code == 200 and response.headers.get("HX-Refresh") == "true"
        assert Reminder.objects.filter(rule=rule).count() == 2

    def test_a_records_reminders_and_history(self, tenant, owner, console, today):
        rule = due_today_rule(owner, today, name="回访提醒")
        customer = make_customer(owner, owner_ids=[owner.pk])
        services.attach_rule(actor=owner, rule=rule, objects=[customer])
        services.send_due_reminders(today=today)
        part = console.get(reverse("reminders:for_object", kwargs={"customer_id": customer.pk}))
        assert part.status_code == 200
        body = part.content.decode()
        assert "回访提醒" in body and owner.name in body
        assert reverse("reminders:attach_customers") + f"?ids={customer.pk}" in body
        product = make_product(owner, customer)
        assert console.get(reverse("reminders:for_object", kwargs={"product_id": product.pk})).status_code == 200

    def test_other_companies_and_missing_permissions(self, tenant, owner, other_company):
        rule = make_rule(owner)
        other_tenant, stranger = other_company
        stranger_console = client_for(stranger)
        for name in ("rule_detail", "rule_edit"):
            assert stranger_console.get(reverse(f"reminders:{name}", args=[rule.pk])).status_code == 404
        assert stranger_console.post(reverse("reminders:rule_delete", args=[rule.pk])).status_code == 404
        assert Rule.objects.filter(pk=rule.pk).exists()
        engineer = make_user(tenant, roles=("engineer",))
        assert client_for(engineer).get(reverse("reminders:rules")).status_code == 403
        assert client_for(engineer).get(reverse("reminders:rule_create")).status_code == 403
