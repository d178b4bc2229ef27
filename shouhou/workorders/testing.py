"""Isolation-walk declarations for work orders (see core/testing/isolation.py)."""

from shouhou.core.testing.isolation import populator, route_params
from shouhou.customers.models import Customer

ORDER, TYPE, APPROVAL = "workorders.WorkOrder", "workorders.WorkOrderType", "workorders.Approval"


@populator
def workorders_data(tenant, owner, marker):
    from shouhou.workorders import flow, services

    customer = Customer.objects.create(tenant=tenant, number=f"WOC{tenant.pk:05d}", name=f"{marker}工单客户")
    approving = flow.default_flow()
    approving["assign"]["approval"] = {"rule": "users", "user_ids": [owner.pk], "role_id": None}
    order_type = services.save_type(actor=owner, name=f"{marker}维修", flow=approving)
    order = services.create_work_order(actor=owner, order_type=order_type, customer=customer, priority="normal",
                                       description=f"{marker}工单描述")
    services.add_note(actor=owner, order=order, content=f"{marker}备注")
    services.assign(actor=owner, order=order, assignee=owner, note=f"{marker}指派")  # asks for approval


for name in ("get_work_order", "update_work_order", "assign", "accept", "reject", "transfer", "start", "pause",
             "resume", "complete", "close", "cancel", "reopen", "order_timeline", "list_notes", "add_note",
             "order_approvals", "assignee_candidates", "order_time"):
    route_params(f"api:workorders_{name}", order_id=ORDER)
for name in ("get_type", "update_type"):
    route_params(f"api:workorders_{name}", type_id=TYPE)
for name in ("get_approval", "approve", "refuse", "withdraw"):
    route_params(f"api:workorders_{name}", approval_id=APPROVAL)
