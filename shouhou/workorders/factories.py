"""Test data of work orders (types, orders, components and their entries, service options, approvals,
notes), built through the work-order services (shouhou/workorders/services/)."""

import itertools

_seq = itertools.count(1)


class WorkordersFactory:
    def __init__(self, actor):
        self.actor = actor

    def order_type(self, *, name=None, flow=None, **values):
        """A work-order type with the default flow unless `flow` is given."""
        from shouhou.workorders.services import types as type_services

        return type_services.save_type(actor=self.actor, name=name or f"测试工单类型{next(_seq)}", flow=flow, **values)

    def approving_type(self, approver, *, node="assign", name=None):
        """A type whose `node` (assign or finish) asks `approver` for approval."""
        from shouhou.workorders import flow

        config = flow.default_flow()
        config[node]["approval"] = {"rule": "users", "user_ids": [approver.pk], "role_id": None}
        return self.order_type(name=name, flow=config)

    def order(self, *, order_type=None, customer=None, priority="normal", description=None, **values):
        """A pending order of a new type for a new customer unless given."""
        from shouhou.customers.factories import CustomersFactory
        from shouhou.workorders.services import orders as order_services

        return order_services.create_work_order(
            actor=self.actor, order_type=order_type or self.order_type(),
            customer=customer or CustomersFactory(self.actor).customer(), priority=priority,
            description=description or f"测试工单描述{next(_seq)}", **values)

    def assigned(self, *, assignee=None, **values):
        from shouhou.workorders.services import actions as order_actions

        return order_actions.assign(actor=self.actor, order=self.order(**values), assignee=assignee or self.actor)

    def finished(self, *, content=None, **values):
        """An order assigned to the actor, accepted, started and completed (回执并完成) with a receipt of
        `content`."""
        from shouhou.workorders.services import actions as order_actions

        order = order_actions.accept(actor=self.actor, order=self.assigned(**values))
        order = order_actions.start(actor=self.actor, order=order)
        return order_actions.complete(actor=self.actor, order=order, content=content or f"测试回执{next(_seq)}")

    def receipt(self, *, content=None, **values):
        """The submitted receipt of a finished order."""
        return self.finished(content=content, **values).receipt

    def approval(self, approver, *, order_type=None, **values):
        """A pending approval of `approver`: an order (of `order_type`, a type whose assignment asks
        `approver`) whose assignment waits for them."""
        order = self.assigned(order_type=order_type or self.approving_type(approver), **values)
        return order.approvals.get(state="pending")

    def note(self, *, order=None, content=None):
        from shouhou.workorders.services import orders as order_services

        return order_services.add_note(actor=self.actor, order=order or self.order(),
                                 content=content or f"测试工单备注{next(_seq)}")

    def component(self, *, name=None, fields=None, **values):
        """An add-on component; `fields` (form-engine field dicts) become its form."""
        from shouhou.workorders.services import types as type_services

        component = type_services.save_component(actor=self.actor, name=name or f"测试组件{next(_seq)}", **values)
        if fields:
            type_services.save_component_form(actor=self.actor, component=component, fields=fields)
        return component

    def service_option(self, *, kind="service_type", name=None, **values):
        from shouhou.workorders.services import types as type_services

        return type_services.save_service_option(actor=self.actor, kind=kind, name=name or f"测试选项{next(_seq)}",
                                                 **values)

    def component_entry(self, *, order=None, component=None, values=None):
        """An entry of `component` (a new repeatable one) on `order`, the component enabled for its type."""
        from shouhou.workorders.services import orders as order_services
        from shouhou.workorders.services import types as type_services

        order = order or self.order()
        component = component or self.component(repeatable=True)
        type_services.update_type(actor=self.actor, type=order.order_type, component_ids=[component.pk])
        return order_services.save_component_entry(actor=self.actor, order=order, component=component, values=values or {})
