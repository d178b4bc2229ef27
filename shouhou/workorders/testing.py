"""Isolation-walk declarations for work orders (see core/testing/isolation.py)."""

from shouhou.core.testing.isolation import populator, route_params
from shouhou.customers.models import Customer

ORDER, TYPE, APPROVAL = "workorders.WorkOrder", "workorders.WorkOrderType", "workorders.Approval"


@populator
def workorders_data(tenant, owner, marker):
    from shouhou.core.testing import make_user
    from shouhou.workorders import flow
    from shouhou.workorders.services import actions as order_actions
    from shouhou.workorders.services import orders as order_services
    from shouhou.workorders.services import types as type_services

    customer = Customer.objects.create(tenant=tenant, number=f"WOC{tenant.pk:05d}", name=f"{marker}工单客户")
    approver = make_user(tenant, roles=("manager",), name=f"{marker}审批人")  # the requester never approves
    approving = flow.default_flow()
    approving["assign"]["approval"] = {"rule": "users", "user_ids": [approver.pk], "role_id": None}
    order_type = type_services.save_type(actor=owner, name=f"{marker}维修", flow=approving)
    order = order_services.create_work_order(actor=owner, order_type=order_type, customer=customer, priority="normal",
                                       description=f"{marker}工单描述")
    order_services.add_note(actor=owner, order=order, content=f"{marker}备注")
    order_actions.assign(actor=owner, order=order, assignee=owner, note=f"{marker}指派")  # asks for approval


@populator
def receipt_fees_data(tenant, owner, marker):
    """A completed order with a service item on its receipt: a service record (parts.ServiceRecord)."""
    from shouhou.parts import services as part_services
    from shouhou.workorders.services import actions as order_actions
    from shouhou.workorders.services import orders as order_services
    from shouhou.workorders.services import types as type_services

    item = part_services.create_service_item(actor=owner, name=f"{marker}收费服务", number=f"FWR-{tenant.pk}",
                                             sale_price="50")
    customer = Customer.objects.create(tenant=tenant, number=f"WOF{tenant.pk:05d}", name=f"{marker}收费客户")
    order_type = type_services.save_type(actor=owner, name=f"{marker}收费维修")
    order = order_services.create_work_order(actor=owner, order_type=order_type, customer=customer,
                                             priority="normal", description=f"{marker}收费工单")
    order = order_actions.assign(actor=owner, order=order, assignee=owner)
    order = order_actions.accept(actor=owner, order=order)
    order = order_actions.start(actor=owner, order=order)
    order_actions.complete(actor=owner, order=order, content=f"{marker}回执",
                           service_items=[{"service_item_id": item.pk, "quantity": "1"}])


for name in ("get_work_order", "update_work_order", "assign", "accept", "reject", "transfer", "start", "pause",
             "resume", "complete", "close", "cancel", "reopen", "order_timeline", "list_notes", "add_note",
             "order_approvals", "assignee_candidates", "ranked_candidates", "order_time", "publish", "claim"):
    route_params(f"api:workorders_{name}", order_id=ORDER)
for name in ("get_type", "update_type"):
    route_params(f"api:workorders_{name}", type_id=TYPE)
for name in ("get_approval", "approve", "refuse", "withdraw"):
    route_params(f"api:workorders_{name}", approval_id=APPROVAL)


# --- console pages (views/, urls.py) ---------------------------------------------------------------------

@populator
def workorders_console_data(tenant, owner, marker):
    """A component with an entry and a service option, so the console's settings routes have B's rows."""
    from shouhou.workorders.models import WorkOrder
    from shouhou.workorders.services import orders as order_services
    from shouhou.workorders.services import types as type_services

    component = type_services.save_component(actor=owner, name=f"{marker}组件", repeatable=True)
    type_services.save_service_option(actor=owner, kind="service_type", name=f"{marker}保内")
    order = WorkOrder.objects.order_by("pk").first()
    type_services.update_type(actor=owner, type=order.order_type, component_ids=[component.pk])
    order_services.save_component_entry(actor=owner, order=order, component=component, values={})


_CONSOLE_ORDER_ROUTES = ("detail", "edit", "copy", "print", "note_add", "action_assign", "action_accept",
                         "action_reject", "action_transfer", "action_start", "action_pause", "action_resume",
                         "action_complete", "action_close", "action_cancel", "action_reopen", "action_publish",
                         "pool_claim", "map_distances", "map_assign", "receipt_quote")
for _name in _CONSOLE_ORDER_ROUTES:
    route_params(f"workorders:{_name}", pk=ORDER)
route_params("workorders:component_add", pk=ORDER, component_id="workorders.AddonComponent")
route_params("workorders:component_edit", pk=ORDER, component_id="workorders.AddonComponent",
             entry_id="workorders.ComponentEntry")
for _name in ("approval_approve", "approval_refuse", "approval_withdraw"):
    route_params(f"workorders:{_name}", approval_id=APPROVAL)
route_params("workorders:orders_for_customer", customer_id="customers.Customer")
route_params("workorders:orders_for_product", product_id="products.Product")
route_params("workorders:parts_for_customer", customer_id="customers.Customer")
route_params("workorders:parts_for_product", product_id="products.Product")
for _name in ("type_form", "type_flow", "type_receipt", "type_components", "type_teams", "type_toggle",
              "type_move", "type_delete"):
    route_params(f"workorders:{_name}", type_id=TYPE)
for _name in ("component_update", "component_toggle", "component_delete"):
    route_params(f"workorders:{_name}", component_id="workorders.AddonComponent")
for _name in ("option_update", "option_toggle", "option_move"):
    route_params(f"workorders:{_name}", option_id="workorders.ServiceOption")
for _name in ("import_job", "import_status", "import_commit", "import_errors"):
    route_params(f"workorders:{_name}", job_id="core.DataJob")


# --- auto-assignment rules (自动派单) ---------------------------------------------------------------------------

RULE = "workorders.DispatchRule"


@populator
def dispatch_rules_data(tenant, owner, marker):
    from shouhou.workorders.services import dispatch_rules

    dispatch_rules.create_rule(actor=owner, name=f"{marker}规则", target={"kind": "user", "user_id": owner.pk})


route_params("api:workorders_auto_assign", order_id=ORDER)
for _name in ("get_rule", "update_rule", "delete_rule", "test_rule"):
    route_params(f"api:workorders_{_name}", rule_id=RULE)
for _name in ("dispatch_rule_edit", "dispatch_rule_toggle", "dispatch_rule_move", "dispatch_rule_delete"):
    route_params(f"workorders:{_name}", rule_id=RULE)
