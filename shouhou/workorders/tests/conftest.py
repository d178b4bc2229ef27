"""Shared set-up of the work-order tests: a company with a dispatcher, engineers, a customer and a
factory for types with any flow variant."""

import datetime
import itertools

import pytest

from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import make_team, make_user, owner_of
from shouhou.customers.factories import CustomersFactory
from shouhou.parts import services as part_services
from shouhou.workorders import flow
from shouhou.workorders.models import Status
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import approvals as approval_services
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import types as type_services

_seq = itertools.count(1)

VARIANTS = ["all_on", "accept_off", "start_off", "approval_assign", "approval_complete"]


def flow_variant(name, approver=None):
    """The flow of a named variant of the issue's "done when" list."""
    config = flow.default_flow()
    if name == "accept_off":
        config["accept"]["enabled"] = False
    elif name == "start_off":
        config["start"]["enabled"] = False
    elif name == "approval_assign":
        config["assign"]["approval"] = {"rule": "users", "user_ids": [approver.pk], "role_id": None}
    elif name == "approval_complete":
        config["finish"]["approval"] = {"rule": "users", "user_ids": [approver.pk], "role_id": None}
    return config


def make_customer(tenant, name=None, *, service_team=None, contact_name="张三", contact_phone="13900000000",
                  city="上海", address_detail="人民路1号", latitude="31.230416", longitude="121.473701", **values):
    """A customer of `tenant` with one contact and one address, made by the company's owner through the
    customers factory (customers.services.create_customer)."""
    n = next(_seq)
    values.setdefault("number", f"CUS{n:05d}")
    with tenant_context(tenant):
        return CustomersFactory(owner_of(tenant)).customer(
            name=name or f"客户{n}", service_team_id=getattr(service_team, "pk", None),
            contacts=[{"name": contact_name, "phone": contact_phone}],
            addresses=[{"city": city, "detail": address_detail, "latitude": latitude, "longitude": longitude}],
            **values)


class World:
    """Everyone a flow test needs, in one company (activated by the `tenant` fixture)."""

    def __init__(self, tenant, owner):
        self.tenant, self.owner = tenant, owner
        self.team = make_team(tenant, name=f"维修组{next(_seq)}")
        self.dispatcher = make_user(tenant, roles=("director",), name="调度员")
        self.engineer = make_user(tenant, roles=("engineer",), teams=[self.team], name="工程师甲")
        self.engineer2 = make_user(tenant, roles=("engineer",), teams=[self.team], name="工程师乙")
        self.approver = make_user(tenant, roles=("manager",), name="审批人")
        self.customer = make_customer(tenant)

    def make_type(self, variant="all_on", **extra):
        return type_services.save_type(
            actor=self.owner, name=f"类型{next(_seq)}",
            flow=extra.pop("flow", None) or flow_variant(variant, self.approver), **extra)

    def make_order(self, order_type=None, *, actor=None, **extra):
        extra.setdefault("customer", self.customer)
        extra.setdefault("priority", "normal")
        return order_services.create_work_order(actor=actor or self.dispatcher, order_type=order_type or self.make_type(),
                                          **extra)

    def assigned(self, variant="all_on", assignee=None, order_type=None, **type_extra):
        """An order of `order_type` (or a fresh type of `variant`), assigned to the engineer (approved when
        the flow asks for it)."""
        order = self.make_order(order_type or self.make_type(variant, **type_extra))
        order = order_actions.assign(actor=self.dispatcher, order=order, assignee=assignee or self.engineer)
        if order.awaiting_approval:
            approval = order.approvals.get(state="pending")
            order = approval_services.approve(actor=self.approver, approval=approval)
        return order

    def in_progress(self, variant="all_on", order_type=None, **type_extra):
        """Assigned, accepted and started as far as the flow has those steps."""
        order = self.assigned(variant, order_type=order_type, **type_extra)
        if order.status == Status.ASSIGNED:
            order = order_actions.accept(actor=self.engineer, order=order)
        if flow.is_enabled(flow.normalize(order.order_type.flow), "start"):
            order = order_actions.start(actor=self.engineer, order=order)
        return order


@pytest.fixture
def world(tenant, owner):
    return World(tenant, owner)


@pytest.fixture
def module_nodes(monkeypatch):
    """自动回访, 结算 and 回访 as if their modules (return visits, settlement) had registered performers."""
    monkeypatch.setattr(flow.KIND, "performers", {node: object() for node in flow.MODULE_NODES})


@pytest.fixture
def shop(factories, owner):
    """An engineer holding 5 of a part (sale 100) and serial units of another, a service item (sale 80),
    a customer's product in warranty, and a started order assigned to the engineer."""
    f = factories
    engineer = f.accounts.user(name="工程师乙", roles=("engineer",))
    warehouse = f.parts.warehouse(name="总仓")
    category = f.parts.category(name="压缩机")
    part = f.parts.part(name="压缩机", sale_price="100.00", category_id=category.pk)
    tracked = f.parts.part(name="主板", sale_price="300.00", serial_tracked=True)
    f.parts.stock(warehouse, part, 10)
    f.parts.stock(warehouse, tracked, 2, serials=["SN1", "SN2"])
    part_services.allocate(actor=owner, warehouse_id=warehouse.pk, holder_id=engineer.pk,
                           lines=[{"part_id": part.pk, "quantity": "5"},
                                  {"part_id": tracked.pk, "quantity": "2", "serials": ["SN1", "SN2"]}])
    item = f.parts.service_item(name="上门检测", sale_price="80.00", category="检测")
    customer = f.customers.customer(name="甲公司")
    product = f.products.product(customer=customer, warranty_end=datetime.date.today() + datetime.timedelta(days=30))
    order = f.workorders.assigned(assignee=engineer, customer=customer, product=product)
    order = order_actions.accept(actor=engineer, order=order)
    order = order_actions.start(actor=engineer, order=order)

    class Shop:
        pass

    shop = Shop()
    shop.__dict__.update(engineer=engineer, warehouse=warehouse, part=part, tracked=tracked, item=item,
                         customer=customer, product=product, order=order, category=category)
    return shop
