"""batch_services.create_customers, the Excel import's commit: the same checks and records as
services.create_customer, all or none, with the refused rows listed by their index."""

import pytest

from shouhou.core.errors import PermissionDenied
from shouhou.core.models import Activity, Counter, OutboxEvent
from shouhou.core.testing import make_team, make_user
from shouhou.customers import batch_services, services
from shouhou.customers.models import Address, Contact, Customer

from .conftest import SHANGHAI, make_customer


def row(name, **values):
    return {"name": name, "contacts": [{"name": f"{name}联系人", "phone": "13911112222"}],
            "addresses": [dict(SHANGHAI)], "fields": {"level": "a"}, **values}


def test_creates_every_row_with_what_create_customer_records(tenant, owner, custom_fields):
    team = make_team(tenant, name="上海组")
    colleague = make_user(tenant, name="李四")
    make_customer(owner, name="手填编号", number="CUS00002", fields={"level": "b"})
    first, second, third = batch_services.create_customers(actor=owner, rows=[
        row("甲公司", service_team_id=team.pk, owner_ids=[colleague.pk], tags="VIP、华东"),
        row("乙公司", number="OLD-7", status=Customer.Status.POTENTIAL,
            contacts=[{"name": "前台", "phone": "02155556666"}, {"name": "经理", "phone": "13800001111",
                                                                 "is_default": True}]),
        row("丙公司", tags=["重点"]),
    ])
    assert [first.number, second.number, third.number] == ["CUS00001", "OLD-7", "CUS00003"], "skips CUS00002"
    assert Counter.objects.get(key=services.COUNTER_KEY).value == 3
    first.refresh_from_db()
    assert (first.service_team, list(first.owners.all()), first.tags) == (team, [colleague], ["VIP", "华东"])
    assert (first.created_by, first.fields, str(first.latitude)) == (owner, {"level": "a"}, "31.230416")
    second.refresh_from_db()
    assert (second.status, second.contact_name, second.contact_phone) == ("potential", "经理", "13800001111")
    assert list(Contact.objects.filter(customer=second, is_default=True).values_list("name", flat=True)) == ["经理"]
    assert Address.objects.filter(customer=third, is_default=True).count() == 1 and third.province == "上海市"
    for customer in (first, second, third):
        assert Activity.objects.filter(object_id=str(customer.pk), verb="customer.created").count() == 1
    assert OutboxEvent.objects.filter(name="customer.created").count() == 4  # with make_customer's own


def test_one_bad_row_creates_nothing_and_every_bad_row_is_listed(tenant, owner, custom_fields):
    make_customer(owner, name="老客户", fields={"level": "a"})
    before = Customer.objects.count()
    with pytest.raises(batch_services.RowsRefused) as refused:
        batch_services.create_customers(actor=owner, rows=[
            row("新客户"),
            row("老客户"),
            row("坏团队", service_team_id=999_999),
            row("无等级", fields={}),
            row("重号一", number="DUP-1"),
            row("重号二", number="DUP-1"),
            row("无地址", addresses=[]),  # customer.address_required is on by default
        ])
    details = refused.value.details
    assert sorted(details) == [1, 2, 3, 5, 6]
    assert "name" in details[1] and "service_team" in details[2] and "fields.level" in details[3]
    assert "number" in details[5] and "addresses" in details[6]
    assert Customer.objects.count() == before
    assert not OutboxEvent.objects.filter(name="customer.created").exclude(
        payload__customer_id=Customer.objects.get(name="老客户").pk).exists()


def test_needs_the_create_permission_unless_the_caller_checked_it(tenant, owner, custom_fields):
    finance = make_user(tenant, roles=("finance",))  # may view customers, not create them
    with pytest.raises(PermissionDenied):
        batch_services.create_customers(actor=finance, rows=[row("越权客户")])
    assert not Customer.objects.filter(name="越权客户").exists()
    batch_services.create_customers(actor=finance, rows=[row("导入客户")], check_perm=False)
    assert Customer.objects.filter(name="导入客户", created_by=finance).exists()
