"""Test data of settlement, built through the services (settlement.services, workorders' and parts')."""

import itertools
from decimal import Decimal

_seq = itertools.count(1)


class SettlementFactory:
    def __init__(self, actor):
        self.actor = actor

    def settling_type(self, *, approver=None, name=None):
        """A work-order type whose flow has 结算 on (approved by `approver` when given)."""
        from shouhou.workorders import flow
        from shouhou.workorders.factories import WorkordersFactory

        config = flow.default_flow()
        config["settle"]["enabled"] = True
        if approver is not None:
            config["settle"]["approval"] = {"rule": "users", "user_ids": [approver.pk], "role_id": None}
        return WorkordersFactory(self.actor).order_type(name=name or f"结算类型{next(_seq)}", flow=config)

    def service_item(self, price="80.00"):
        from shouhou.parts.factories import PartsFactory

        return PartsFactory(self.actor).service_item(sale_price=Decimal(price))

    def finished(self, *, order_type=None, item=None, quantity="1", **values):
        """A finished order of a settling type whose receipt charges `quantity` × `item` (a new ¥80 service)."""
        from shouhou.workorders.factories import WorkordersFactory
        from shouhou.workorders.services import actions as order_actions

        item = item or self.service_item()
        factory = WorkordersFactory(self.actor)
        order = order_actions.accept(actor=self.actor, order=factory.assigned(
            order_type=order_type or self.settling_type(), **values))
        order = order_actions.start(actor=self.actor, order=order)
        return order_actions.complete(actor=self.actor, order=order, content=f"结算回执{next(_seq)}",
                                      service_items=[{"service_item_id": item.pk, "quantity": quantity}])

    def settled(self, *, adjustment=None, reason="", **values):
        from shouhou.settlement import services

        order = self.finished(**values)
        return services.settle(actor=self.actor, order=order, adjustment=adjustment, reason=reason)
