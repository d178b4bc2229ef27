"""Product services: their rules, refusals that change nothing, templates, types, batch edits, QR tokens."""

import datetime as dt

import pytest

from shouhou.core import timeline
from shouhou.core.audit import SystemLog
from shouhou.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shouhou.core.models import Activity, OutboxEvent
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import make_team, make_user
from shouhou.products import queries, services
from shouhou.products.models import Product, ProductTemplate, ProductType, RevokedQrToken

from .conftest import make_customer, make_product


def snapshot():
    """Everything a refused write must leave as it was."""
    return (list(Product.objects.order_by("pk").values()), Activity.objects.count(), OutboxEvent.objects.count())


# --- create -------------------------------------------------------------------------------------------

def test_create_records_timeline_event_and_creator(tenant, owner, custom_fields):
    product_type = services.create_product_type(actor=owner, name="空调")
    customer = make_customer(owner, name="华东制冷")
    product = services.create_product(
        actor=owner, name="格力空调", number="AC-001", serial_number="SN-1", product_type_id=product_type.pk,
        customer_id=customer.pk, purchase_date="2025-01-02", install_date=dt.date(2025, 1, 5),
        warranty_end="2027-01-04", location="3号楼", latitude="31.2304161", longitude=121.4737,
        fields={"color": "white", "power": "3"})
    product.refresh_from_db()
    assert product.customer == customer and product.product_type == product_type and product.created_by == owner
    assert product.install_date == dt.date(2025, 1, 5) and str(product.latitude) == "31.230416"
    assert product.fields == {"color": "white", "power": 3}
    assert len(product.qr_token) >= 24
    assert timeline.entries_for(product)[0].verb == "product.created"
    assert OutboxEvent.objects.filter(name="product.created", payload__product_id=product.pk).exists()


REFUSALS = [
    ({"number": ""}, "number"),
    ({"name": "  "}, "name"),
    ({"number": "X" * 51}, "number"),
    ({"fields": {"color": "purple"}}, "fields.color"),
    ({"fields": {}}, "fields.color"),  # required custom field missing
    ({"fields": {"color": "white", "nope": 1}}, "fields.nope"),
    ({"purchase_date": "2025-13-01"}, "purchase_date"),
    ({"latitude": "31.2"}, "latitude"),  # longitude missing
    ({"latitude": "91", "longitude": "100"}, "latitude"),
    ({"product_type_id": 999999}, "product_type_id"),
    ({"warranty_end": "2020-01-01", "purchase_date": "2021-01-01"}, "warranty_end"),
]


@pytest.mark.parametrize("values,key", REFUSALS)
def test_create_refusals_change_nothing(tenant, owner, custom_fields, values, key):
    before = snapshot()
    data = {"name": "新产品", "number": "N-1", "fields": {"color": "white"}, **values}
    with pytest.raises(ValidationFailed) as exc:
        services.create_product(actor=owner, **data)
    assert key in exc.value.details, exc.value.details
    assert snapshot() == before


def test_duplicate_number_is_refused_and_changes_nothing(tenant, owner):
    make_product(owner, number="DUP-1")
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        services.create_product(actor=owner, name="另一个", number="DUP-1")
    assert "number" in exc.value.details
    assert snapshot() == before


def test_same_number_in_another_company_is_fine(tenant, owner, other_company):
    make_product(owner, number="SAME-1")
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        assert services.create_product(actor=other_owner, name="X", number="SAME-1").number == "SAME-1"


def test_another_companys_customer_is_not_found_and_nothing_changes(tenant, owner, other_company):
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        foreign = make_customer(other_owner)
    before = snapshot()
    with pytest.raises(NotFound) as exc:
        services.create_product(actor=owner, name="X", number="X-1", customer_id=foreign.pk)
    assert "customer_id" in exc.value.details
    assert snapshot() == before


def test_a_customer_outside_the_actors_scope_is_not_found(tenant, owner):
    team = make_team(tenant)
    engineer = make_user(tenant, roles=("engineer",), teams=[team])
    hidden = make_customer(owner)  # no team, not owned by the engineer
    other_team = make_team(tenant)
    from shouhou.customers import services as customer_services

    customer_services.update_customer(actor=owner, customer=hidden, service_team_id=other_team.pk)
    with pytest.raises(NotFound):
        services.create_product(actor=engineer, name="X", number="X-2", customer_id=hidden.pk)
    assert not Product.objects.exists()


def test_create_needs_the_permission(tenant):
    visitor = make_user(tenant, roles=("visitor",))
    with pytest.raises(PermissionDenied):
        services.create_product(actor=visitor, name="X", number="X-3")
    assert not Product.objects.exists()


# --- templates (PRD-03, PRD-07) ------------------------------------------------------------------------

def test_create_from_template_copies_and_derives(tenant, owner, custom_fields):
    product_type = services.create_product_type(actor=owner, name="空调")
    template = services.create_template(actor=owner, name="格力 KFR-35", number="KFR35", product_type_id=product_type.pk,
                                        warranty_months=24, fields={"color": "grey", "memo": "标准安装"})
    first = services.create_from_template(actor=owner, template_id=template.pk, install_date="2024-02-29")
    second = services.create_from_template(actor=owner, template_id=template.pk, purchase_date="2025-03-10",
                                           name="格力 KFR-35 二号", fields={"color": "white"})
    assert (first.name, first.number, first.product_type, first.template) == (
        "格力 KFR-35", "KFR35-0001", product_type, template)
    assert first.warranty_end == dt.date(2026, 2, 28)  # 24 months after a leap day
    assert first.fields == {"color": "grey", "memo": "标准安装"}
    assert second.number == "KFR35-0002" and second.name == "格力 KFR-35 二号"
    assert second.warranty_end == dt.date(2027, 3, 10)  # from the purchase date when not installed
    assert second.fields == {"color": "white", "memo": "标准安装"}
    assert "KFR-35" in timeline.entries_for(first)[0].summary


def test_template_numbering_skips_numbers_taken_by_hand(tenant, owner):
    template = services.create_template(actor=owner, name="模板", number="T1")
    make_product(owner, number="T1-0001")
    assert services.create_from_template(actor=owner, template_id=template.pk).number == "T1-0002"


def test_template_may_leave_required_fields_empty_but_products_may_not(tenant, owner, custom_fields):
    template = services.create_template(actor=owner, name="无颜色", number="NC")
    assert template.fields == {}
    with pytest.raises(ValidationFailed) as exc:
        services.create_from_template(actor=owner, template_id=template.pk)
    assert "fields.color" in exc.value.details
    assert not Product.objects.exists()


def test_template_refusals(tenant, owner, custom_fields):
    services.create_template(actor=owner, name="A", number="A1")
    with pytest.raises(ValidationFailed) as exc:
        services.create_template(actor=owner, name="B", number="A1", warranty_months=999,
                                 fields={"color": "pink"})
    assert {"number", "warranty_months", "fields.color"} <= set(exc.value.details)
    assert ProductTemplate.objects.count() == 1
    engineer = make_user(tenant, roles=("engineer",))
    with pytest.raises(PermissionDenied):
        services.create_template(actor=engineer, name="C", number="C1")


def test_another_companys_template_is_refused(tenant, owner, other_company):
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        foreign = services.create_template(actor=other_owner, name="外部", number="EXT")
    with pytest.raises(ValidationFailed) as exc:
        services.create_from_template(actor=owner, template_id=foreign.pk)
    assert "template_id" in exc.value.details
    assert not Product.objects.exists()


def test_update_and_batch_update_templates(tenant, owner):
    kind = services.create_product_type(actor=owner, name="电脑")
    one = services.create_template(actor=owner, name="A", number="A1")
    two = services.create_template(actor=owner, name="B", number="B1")
    services.update_template(actor=owner, template=one, name="A 型", warranty_months=12)
    one.refresh_from_db()
    assert (one.name, one.warranty_months) == ("A 型", 12)
    assert {c["field"] for c in timeline.entries_for(one)[0].changes} == {"name", "warranty_months"}
    assert services.batch_update_templates(actor=owner, templates=[one, two], product_type_id=kind.pk) == 2
    assert set(ProductTemplate.objects.values_list("product_type", flat=True)) == {kind.pk}
    assert services.delete_templates(actor=owner, templates=[two]) == 1
    assert SystemLog.objects.filter(kind=SystemLog.Kind.DELETE, detail__object="product_template").exists()


# --- update, batch edit, delete ------------------------------------------------------------------------------

def test_update_records_field_changes(tenant, owner, custom_fields):
    customer = make_customer(owner, name="老客户")
    product = make_product(owner, name="旧名", fields={"color": "white"})
    services.update_product(actor=owner, product=product, name="新名", customer_id=customer.pk,
                            fields={"color": "grey"})
    product.refresh_from_db()
    assert product.name == "新名" and product.customer == customer and product.fields["color"] == "grey"
    changes = {c["field"]: c for c in timeline.entries_for(product)[0].changes}
    assert set(changes) == {"name", "customer", "fields.color"}
    assert (changes["name"]["old"], changes["name"]["new"]) == ("旧名", "新名")
    assert (changes["fields.color"]["old"], changes["fields.color"]["new"]) == ("白色", "灰色")


def test_update_refusals_change_nothing(tenant, owner, custom_fields, other_company):
    make_product(owner, number="TAKEN", fields={"color": "white"})
    product = make_product(owner, number="MINE", fields={"color": "white"})
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        foreign = make_customer(other_owner)
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        services.update_product(actor=owner, product=product, number="TAKEN", fields={"color": "x"})
    assert {"number", "fields.color"} <= set(exc.value.details)
    with pytest.raises(NotFound):
        services.update_product(actor=owner, product=product, customer_id=foreign.pk)
    assert snapshot() == before


def test_update_keeps_a_customer_the_actor_no_longer_sees(tenant, owner):
    team = make_team(tenant)
    engineer = make_user(tenant, roles=("engineer",), teams=[team])
    customer = make_customer(owner)
    product = services.create_product(actor=engineer, name="X", number="K-1")
    services.update_product(actor=owner, product=product, customer_id=customer.pk)
    # the engineer created the product (own scope) but cannot see its customer; saving it as it is works
    services.update_product(actor=engineer, product=product, customer_id=customer.pk, name="Y")
    product.refresh_from_db()
    assert product.name == "Y" and product.customer == customer


def test_batch_update_is_all_or_nothing(tenant, owner, custom_fields):
    kind = services.create_product_type(actor=owner, name="机械")
    one = make_product(owner, fields={"color": "white"})
    two = make_product(owner, fields={"color": "white"})
    assert services.batch_update_products(actor=owner, products=[one, two], product_type_id=kind.pk,
                                          field_key="power", field_value=5) == 2
    assert set(Product.objects.values_list("product_type", flat=True)) == {kind.pk}
    assert all(p.fields["power"] == 5 for p in Product.objects.all())
    before = snapshot()
    with pytest.raises(ValidationFailed):
        services.batch_update_products(actor=owner, products=[one, two], product_type_id=None,
                                       field_key="color", field_value="nope")
    assert snapshot() == before
    with pytest.raises(ValidationFailed):
        services.batch_update_products(actor=owner, products=[one])  # nothing to change


def test_delete_logs_and_forgets_revoked_tokens(tenant, owner):
    product = make_product(owner)
    services.regenerate_qr_token(actor=owner, product=product)
    assert services.delete_products(actor=owner, products=[product]) == 1
    assert not Product.objects.exists() and not RevokedQrToken.objects.exists()
    log = SystemLog.objects.get(kind=SystemLog.Kind.DELETE, detail__object="product")
    assert product.number in log.action


def test_delete_is_refused_while_work_orders_point_at_the_product(tenant, owner):
    from shouhou.workorders.models import WorkOrder, WorkOrderType

    product = make_product(owner, customer_id=make_customer(owner).pk)
    order_type = WorkOrderType.objects.create(name="维修")
    WorkOrder.objects.create(number="WO1", order_type=order_type, customer=product.customer, product=product)
    with pytest.raises(Conflict):
        services.delete_products(actor=owner, products=[product])
    assert Product.objects.filter(pk=product.pk).exists()


def test_out_of_scope_products_cannot_be_changed(tenant, owner):
    product = make_product(owner)
    engineer = make_user(tenant, roles=("engineer",))
    with pytest.raises(NotFound):
        services.update_product(actor=engineer, product=product, name="X")
    with pytest.raises(NotFound):
        services.regenerate_qr_token(actor=make_user(tenant, roles=("team_admin",)), product=product)


# --- data scope ---------------------------------------------------------------------------------------------------

def test_data_scope_own_team_all(tenant, owner):
    team = make_team(tenant)
    engineer = make_user(tenant, roles=("engineer",), teams=[team])  # team scope
    teammate = make_user(tenant, roles=("engineer",), teams=[team])
    served = make_customer(owner, service_team_id=team.pk)
    by_teammate = services.create_product(actor=teammate, name="队友的", number="S-1")
    of_team_customer = make_product(owner, customer_id=served.pk)
    elsewhere = make_product(owner)
    visible = set(queries.visible_products(engineer))
    assert {by_teammate, of_team_customer} <= visible and elsewhere not in visible
    assert set(queries.visible_products(owner)) == {by_teammate, of_team_customer, elsewhere}


# --- types (PRD-11) ------------------------------------------------------------------------------------------------

def test_types_are_a_company_managed_ordered_list(tenant, owner):
    a = services.create_product_type(actor=owner, name="电脑办公")
    b = services.create_product_type(actor=owner, name="机械类")
    c = services.create_product_type(actor=owner, name="手机数码")
    assert list(queries.product_types()) == [a, b, c]
    services.move_product_type(actor=owner, product_type=c, offset=-1)
    assert list(queries.product_types()) == [a, c, b]
    services.reorder_product_types(actor=owner, ordered_ids=[b.pk, a.pk, c.pk])
    assert list(queries.product_types()) == [b, a, c]
    with pytest.raises(ValidationFailed):
        services.reorder_product_types(actor=owner, ordered_ids=[b.pk, a.pk])
    with pytest.raises(ValidationFailed):
        services.create_product_type(actor=owner, name="机械类")
    services.rename_product_type(actor=owner, product_type=a, name="办公设备")
    a.refresh_from_db()
    assert a.name == "办公设备"
    make_product(owner, product_type_id=b.pk)
    with pytest.raises(Conflict):
        services.delete_product_type(actor=owner, product_type=b)
    services.delete_product_type(actor=owner, product_type=c)
    assert list(ProductType.objects.order_by("sort_order")) == [b, a]
    with pytest.raises(PermissionDenied):
        services.create_product_type(actor=make_user(tenant, roles=("engineer",)), name="X")


# --- QR tokens -------------------------------------------------------------------------------------------------------

def test_regenerate_keeps_the_old_token_as_revoked(tenant, owner):
    product = make_product(owner)
    old = product.qr_token
    services.regenerate_qr_token(actor=owner, product=product)
    product.refresh_from_db()
    assert product.qr_token != old and RevokedQrToken.objects.filter(product=product, token=old).exists()
    assert timeline.entries_for(product)[0].verb == "product.qrcode_regenerated"
    with pytest.raises(PermissionDenied):
        services.regenerate_qr_token(actor=make_user(tenant, roles=("engineer",)), product=product)


def test_settings_only_take_product_keys(tenant, owner):
    services.update_product_settings(actor=owner, values={"product.qrcode_hide_contact": False})
    from shouhou.core import company_settings

    assert company_settings.get("product.qrcode_hide_contact") is False
    with pytest.raises(ValidationFailed):
        services.update_product_settings(actor=owner, values={"customer.allow_duplicate_names": True})
    with pytest.raises(PermissionDenied):
        services.update_product_settings(actor=make_user(tenant, roles=("engineer",)),
                                         values={"product.qrcode_enabled": False})
