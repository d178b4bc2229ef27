"""Test data of recurring plans, built through shouhou/plans/services.py."""

import datetime as dt
import itertools

_seq = itertools.count(1)


class PlansFactory:
    def __init__(self, actor):
        self.actor = actor

    def plan(self, *, order_type=None, customer=None, freq="monthly", start_date=None, dispatch_mode="assignee",
             assignee=None, **values):
        """A monthly plan assigned to the actor, for a new customer with a new type unless given."""
        from shouhou.customers.factories import CustomersFactory
        from shouhou.plans import services
        from shouhou.workorders.factories import WorkordersFactory

        if dispatch_mode == "assignee" and assignee is None:
            assignee = self.actor
        return services.create_plan(
            actor=self.actor, name=values.pop("name", f"测试计划{next(_seq)}"),
            order_type=order_type or WorkordersFactory(self.actor).order_type(),
            customer=customer or CustomersFactory(self.actor).customer(), freq=freq,
            start_date=start_date or services.company_today(self.actor.tenant) + dt.timedelta(days=1),
            dispatch_mode=dispatch_mode, assignee=assignee, **values)
