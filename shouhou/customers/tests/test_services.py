"""Customer services: numbering, contacts and addresses kept in step with the customer row, the
timeline with field-level changes, batch edit, SMS, notes — and every refusal leaving nothing changed."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhou.core import company_settings, timeline
from shouhou.core.audit import SystemLog
from shouhou.core.company_settings import update_settings
from shouhou.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from shouhou.core.models import Activity, Counter, OutboxEvent, Tenant
from shouhou.core.tenancy import require_tenant, tenant_context
from shouhou.core.testing import make_team, make_user
from shouhou.customers import batch_services, contact_services, services
from shouhou.customers.models import Address, Contact, Customer
from shouhou.messaging.models import SmsMessage

from .conftest import SHANGHAI, make_customer


def world_state():
    """Everything a customer write may touch; a refused write must leave it exactly as it was."""
    tenant = Tenant.objects.get(pk=require_tenant().pk)
    return {
        "customers": list(Customer.objects.values_list("pk", "name", "status", "fields", "tags", "contact_phone",
                                                       "address_detail", "service_team_id")),
        "contacts": list(Contact.objects.values_list("pk", "name", "phone", "is_default")),
        "addresses": list(Address.objects.values_list("pk", "detail", "is_default")),
        "owners": list(Customer.owners.through.objects.values_list("customer_id", "user_id")),
        "activities": Activity.objects.count(), "events": OutboxEvent.objects.count(),
        "counter": list(Counter.objects.values_list("key", "value")), "storage": tenant.storage_used_bytes,
    }


def refused(call, field_key):
    """Run a service call that must be refused with an error on `field_key`, changing nothing."""
    before = world_state()
    with pytest.raises(ValidationFailed) as exc:
        call()
    assert field_key in exc.value.details, exc.value.details
    assert world_state() == before
    return exc.value.details[field_key]


# --- creating ------------------------------------------------------------------------------------------

def test_create_numbers_from_the_counter_with_the_company_prefix(tenant, owner):
    first = make_customer(owner)
    second = make_customer(owner)
    assert (first.number, second.number) == ("CUS00001", "CUS00002")
    update_settings(actor=owner, values={"customer.number_prefix": "KH"}, permission="customer.settings")
    assert make_customer(owner).number == "KH00003"
    assert make_customer(owner, number="OLD-7").number == "OLD-7"
    make_customer(owner, number="KH00005")  # given by hand, e.g. imported
    assert [make_customer(owner).number for _ in range(2)] == ["KH00004", "KH00006"]


def test_create_copies_the_default_contact_and_address_onto_the_customer(tenant, owner, english):
    team = make_team(tenant, name="上海组")
    helper = make_user(tenant, roles=("engineer",))
    customer = services.create_customer(
        actor=owner, name="星辰科技", status="potential", service_team_id=team.pk, owner_ids=[helper.pk],
        tags="VIP、华东, VIP",
        contacts=[{"name": "张三", "phone": "138-0013-8000"}, {"name": "李四", "phone": "021-12345678",
                                                              "is_default": True}],
        addresses=[{"city": "北京", "detail": "中关村 1 号"}, {**SHANGHAI, "is_default": True}])
    customer.refresh_from_db()
    assert (customer.contact_name, customer.contact_phone) == ("李四", "02112345678")
    assert customer.address_detail == SHANGHAI["detail"] and customer.latitude == Decimal("31.230416")
    assert customer.tags == ["VIP", "华东"] and list(customer.owners.all()) == [helper]
    assert customer.created_by == owner and customer.service_team == team
    assert list(Contact.objects.filter(customer=customer, is_default=True).values_list("name", flat=True)) == ["李四"]
    beijing = Address.objects.get(customer=customer, city="北京市")  # names are stored as the divisions spell them
    assert beijing.latitude is not None, "an address without coordinates is located (city level offline)"
    entry = timeline.entries_for(customer)[0]
    assert entry.verb == "customer.created" and entry.actor == owner
    assert OutboxEvent.objects.filter(name="customer.created", payload__customer_id=customer.pk).exists()


def test_refusals_change_nothing(tenant, owner, custom_fields, other_company, english):
    make_customer(owner, name="已有客户", fields={"level": "a"})
    with tenant_context(other_company[0]):
        foreign = make_customer(other_company[1], name="别家客户")

    def create(**values):
        values = {"name": "新客户", "fields": {"level": "a"}, "addresses": [SHANGHAI], **values}
        return lambda: services.create_customer(actor=owner, **values)

    assert "phone" in str(refused(create(contacts=[{"name": "张三", "phone": "12345"}]), "contacts.0.phone")[0])
    refused(create(fields={}), "fields.level")
    assert "not one of the available choices" in str(refused(create(fields={"level": "z"}), "fields.level")[0])
    assert "does not exist" in str(refused(create(fields={"level": "a", "parent": foreign.pk}), "fields.parent")[0])
    assert "already exists" in str(refused(create(name="已有客户"), "name")[0])
    refused(create(addresses=[]), "addresses")
    refused(create(fields={"level": "a", "nope": 1}), "fields.nope")
    refused(create(status="bogus"), "status")
    refused(create(service_team_id=987654), "service_team")
    refused(create(contacts=[{"name": "", "phone": "13800138000"}]), "contacts.0.name")
    refused(create(addresses=[{"city": "上海", "latitude": "95", "longitude": "121"}]), "addresses.0.latitude")


def test_settings_relax_the_refusals(tenant, owner):
    make_customer(owner, name="同名客户")
    update_settings(actor=owner, values={"customer.allow_duplicate_names": True,
                                         "customer.address_required": False}, permission="customer.settings")
    twin = make_customer(owner, name="同名客户", address=None)
    assert twin.pk and twin.full_address == "" and twin.latitude is None


def test_create_needs_the_permission(tenant, owner):
    visitor = make_user(tenant, roles=("visitor",))
    with pytest.raises(PermissionDenied):
        make_customer(visitor)
    assert not Customer.objects.exists()


# --- updating ------------------------------------------------------------------------------------------

def test_update_records_field_level_changes(tenant, owner, custom_fields, english):
    team = make_team(tenant, name="杭州组")
    helper = make_user(tenant, name="小王")
    customer = make_customer(owner, name="旧名", fields={"level": "a", "amount": 10})
    services.update_customer(actor=owner, customer=customer, name="新名", status="inactive",
                             service_team_id=team.pk, owner_ids=[helper.pk], tags=["重点"],
                             fields={"level": "b", "amount": None})
    customer.refresh_from_db()
    assert customer.fields == {"level": "b"} and customer.name == "新名"
    changes = {c["field"]: c for c in timeline.entries_for(customer)[0].changes}
    assert (changes["name"]["old"], changes["name"]["new"]) == ("旧名", "新名")
    assert changes["service_team"]["new"] == "杭州组"
    assert changes["owners"]["new"] == "小王" and changes["tags"]["new"] == "重点"
    assert (changes["fields.level"]["old"], changes["fields.level"]["new"]) == ("A 级", "B 级")
    assert changes["fields.amount"]["new"] == ""


def test_update_of_nothing_records_nothing(tenant, owner):
    customer = make_customer(owner, name="不变")
    count = Activity.objects.count()
    services.update_customer(actor=owner, customer=customer, name="不变")
    assert Activity.objects.count() == count


def test_update_refusals_change_nothing(tenant, owner, custom_fields):
    make_customer(owner, name="甲", fields={"level": "a"})
    customer = make_customer(owner, name="乙", fields={"level": "a"})
    refused(lambda: services.update_customer(actor=owner, customer=customer, name="甲", tags=["x"]), "name")
    refused(lambda: services.update_customer(actor=owner, customer=customer, fields={"level": None},
                                             name="丙"), "fields.level")
    refused(lambda: services.update_customer(actor=owner, customer=customer, default_address=None),
            "address.detail")
    refused(lambda: services.update_customer(actor=owner, customer=customer,
                                             default_contact={"name": "王五", "phone": "999"}), "contact.phone")


def test_update_of_the_default_contact_and_address(tenant, owner):
    customer = make_customer(owner, contacts=[])
    services.update_customer(actor=owner, customer=customer, default_contact={"name": "新联系人", "phone": "13700001111"},
                             default_address={"city": "杭州", "detail": "文三路 1 号"})
    customer.refresh_from_db()
    assert (customer.contact_name, customer.contact_phone) == ("新联系人", "13700001111")
    assert customer.city == "杭州市" and customer.latitude == Decimal("30.274085")  # located again
    assert Address.objects.filter(customer=customer).count() == 1


def test_out_of_scope_customer_is_not_found(tenant, owner):
    engineer = make_user(tenant, roles=("engineer",))
    customer = make_customer(owner)
    with pytest.raises(NotFound):
        services.update_customer(actor=engineer, customer=customer, name="改名")


# --- contacts and addresses --------------------------------------------------------------------------------

def test_contacts_keep_one_default_in_step_with_the_customer(tenant, owner):
    customer = make_customer(owner, contacts=[{"name": "甲", "phone": "13800000001"}])
    second = contact_services.add_contact(actor=owner, customer=customer, name="乙", phone="13800000002")
    customer.refresh_from_db()
    assert customer.contact_name == "甲" and not second.is_default
    contact_services.update_contact(actor=owner, contact=second, is_default=True)
    customer.refresh_from_db()
    assert customer.contact_name == "乙"
    assert Contact.objects.filter(customer=customer, is_default=True).count() == 1
    contact_services.delete_contact(actor=owner, contact=second)
    customer.refresh_from_db()
    assert (customer.contact_name, customer.contact_phone) == ("甲", "13800000001")
    verbs = [entry.verb for entry in timeline.entries_for(customer)]
    assert {"customer.contact_added", "customer.contact_updated", "customer.contact_deleted"} <= set(verbs)
    with pytest.raises(ValidationFailed):
        contact_services.add_contact(actor=owner, customer=customer, name="丙", phone="abc", email="x")


def test_addresses_keep_one_default_and_the_last_one_stays_when_required(tenant, owner):
    customer = make_customer(owner)
    first = Address.objects.get(customer=customer)
    other = contact_services.add_address(actor=owner, customer=customer, city="深圳", detail="科技园",
                                         is_default=True)
    customer.refresh_from_db()
    assert customer.city == "深圳市" and customer.latitude == other.latitude is not None
    contact_services.delete_address(actor=owner, address=other)
    customer.refresh_from_db()
    assert customer.address_detail == first.detail
    with pytest.raises(DomainError):
        contact_services.delete_address(actor=owner, address=first)
    assert Address.objects.filter(customer=customer).exists()


def test_a_moved_address_is_located_again(tenant, owner):
    customer = make_customer(owner)
    address = Address.objects.get(customer=customer)
    contact_services.update_address(actor=owner, address=address, province="广东省", city="广州", district="天河区",
                                    detail="天河路 1 号")
    address.refresh_from_db()
    assert address.latitude == Decimal("23.129110")


# --- deleting --------------------------------------------------------------------------------------------

def test_delete_logs_and_removes_children(tenant, owner):
    customer = make_customer(owner)
    services.delete_customer(actor=owner, customer=customer)
    assert not Customer.objects.exists() and not Contact.objects.exists() and not Address.objects.exists()
    assert SystemLog.objects.filter(kind=SystemLog.Kind.DELETE, detail__id=customer.pk).exists()


def test_delete_is_refused_while_work_orders_exist(tenant, owner):
    from shouhou.workorders.services import orders as order_services
    from shouhou.workorders.services import types as type_services

    customer = make_customer(owner, name="有工单的客户")
    spare = make_customer(owner, name="无工单的客户")
    order_type = type_services.save_type(actor=owner, name="维修")
    order_services.create_work_order(actor=owner, order_type=order_type, customer=customer)
    with pytest.raises(Conflict) as exc:
        services.delete_customers(actor=owner, customers=[spare, customer])
    assert "有工单的客户" in str(exc.value.message)
    assert Customer.objects.count() == 2


# --- batch edit ------------------------------------------------------------------------------------------

def test_batch_update_changes_all_or_none(tenant, owner, custom_fields):
    team = make_team(tenant, name="北京组")
    helper = make_user(tenant)
    one = make_customer(owner, fields={"level": "a"}, tags=["老客户"])
    two = make_customer(owner, fields={"level": "a"})
    batch_services.batch_update(actor=owner, customers=[one, two], status="inactive", service_team_id=team.pk,
                                owner_ids=[helper.pk], owners_mode="add", tags=["VIP"], tags_mode="add",
                                field_key="level", field_value="b")
    for customer in (one, two):
        customer.refresh_from_db()
        assert customer.status == "inactive" and customer.service_team == team
        assert customer.fields["level"] == "b" and helper in customer.owners.all()
        assert timeline.entries_for(customer)[0].verb == "customer.batch_updated"
    one.refresh_from_db()
    assert one.tags == ["老客户", "VIP"]
    batch_services.batch_update(actor=owner, customers=[one], tags=["老客户"], tags_mode="remove")
    one.refresh_from_db()
    assert one.tags == ["VIP"]
    refused(lambda: batch_services.batch_update(actor=owner, customers=[one, two], field_key="level",
                                                field_value="zz"), "fields.level")
    refused(lambda: batch_services.batch_update(actor=owner, customers=[one, two], field_key="level",
                                                field_value=None), "fields.level")
    refused(lambda: batch_services.batch_update(actor=owner, customers=[one], field_key="unknown",
                                                field_value="x"), "field_key")


# --- SMS -------------------------------------------------------------------------------------------------

def test_sms_goes_to_default_contacts_within_the_quota(tenant, owner):
    mobile = make_customer(owner, contacts=[{"name": "甲", "phone": "13800001111"}])
    landline = make_customer(owner, contacts=[{"name": "乙", "phone": "021-12345678"}])
    none = make_customer(owner, contacts=[])
    report = batch_services.send_sms_to_customers(actor=owner, customers=[mobile, landline, none],
                                                  content="您好，设备保养提醒")
    assert (report.sent, report.failed, report.skipped) == (1, 0, 2)
    assert SmsMessage.objects.filter(phone="13800001111", purpose="customer").count() == 1
    assert timeline.entries_for(mobile)[0].verb == "customer.sms"
    tenant_row = Tenant.objects.get(pk=tenant.pk)
    tenant_row.sms_used = tenant_row.sms_limit
    tenant_row.save()
    report = batch_services.send_sms_to_customers(actor=owner, customers=[mobile], content="第二条")
    assert (report.sent, report.failed) == (0, 1) and report.errors
    with pytest.raises(ValidationFailed):
        batch_services.send_sms_to_customers(actor=owner, customers=[mobile], content=" ")
    engineer = make_user(tenant, roles=("engineer",))
    with pytest.raises(PermissionDenied):
        batch_services.send_sms_to_customers(actor=engineer, customers=[mobile], content="x")


# --- notes ------------------------------------------------------------------------------------------------

def test_notes_with_attachments_go_on_the_timeline(tenant, owner):
    customer = make_customer(owner)
    upload = SimpleUploadedFile("报价单.pdf", b"%PDF-1.4 quote", content_type="application/pdf")
    entry = services.add_note(actor=owner, customer=customer, content="客户要求下周上门", files=[upload])
    assert entry.note == "客户要求下周上门" and entry.attachments[0]["name"] == "报价单.pdf"
    assert entry.attachments[0]["url"].startswith("/files/")
    before = world_state()
    with pytest.raises(ValidationFailed):
        services.add_note(actor=owner, customer=customer, content="", files=[])
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationFailed):
        services.add_note(actor=owner, customer=customer, content="x", files=[bad])
    assert world_state() == before


# --- settings ---------------------------------------------------------------------------------------------

def test_settings_are_checked_and_logged(tenant, owner):
    with pytest.raises(ValidationFailed):
        services.update_customer_settings(actor=owner, values={"customer.number_prefix": "客户"})
    changes = services.update_customer_settings(actor=owner, values={"customer.number_prefix": "kh",
                                                                     "customer.partition_by_team": False})
    assert changes["customer.number_prefix"] == ["CUS", "KH"]
    assert company_settings.get("customer.partition_by_team") is False
    assert SystemLog.objects.filter(kind=SystemLog.Kind.SETTINGS).exists()
    with pytest.raises(PermissionDenied):
        services.update_customer_settings(actor=make_user(tenant, roles=("engineer",)), values={})
