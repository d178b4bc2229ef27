"""Isolation-walk declarations for the phone pages (see core/testing/isolation.py).

The mobile app has no models of its own: the work-order, approval and notification rows the walk
needs come from the workorders and messaging populators.
"""

from shouhou.core.testing.isolation import route_params

ORDER = "workorders.WorkOrder"

for _name in ("order_detail", "transfer", "receipt", "note_add", "action_accept", "action_reject", "action_start",
              "action_pause", "action_resume", "action_publish", "receipt_quote"):
    route_params(f"mobile:{_name}", pk=ORDER)
route_params("mobile:pool_claim", pk=ORDER)
route_params("mobile:settle", pk=ORDER)  # 工单结算 (settlement)
route_params("mobile:visit", pk=ORDER)  # 工单回访 (visits)
route_params("mobile:pay", pk=ORDER)  # 收款 (payments)
route_params("mobile:component_add", pk=ORDER, component_id="workorders.AddonComponent")
route_params("mobile:component_edit", pk=ORDER, component_id="workorders.AddonComponent",
             entry_id="workorders.ComponentEntry")
for _name in ("approval_approve", "approval_refuse", "approval_withdraw"):
    route_params(f"mobile:{_name}", approval_id="workorders.Approval")
route_params("mobile:notification_open", pk="messaging.Notification")
for _name in ("parts_request_withdraw", "parts_approve", "parts_refuse"):
    route_params(f"mobile:{_name}", pk="parts.StockRequest")
