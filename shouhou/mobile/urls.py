from django.urls import path

from .views import account, actions, create, inbox, orders, parts, payments, pool, receipt, settlement, visits

app_name = "mobile"
urlpatterns = [
    path("", account.home, name="home"),
    path("login/", account.login_view, name="login"),
    path("logout/", account.logout_view, name="logout"),
    path("me/", account.me, name="me"),
    path("me/status/", account.work_status, name="work_status"),
    path("location/", account.report_location, name="location"),
    # work orders
    path("orders/", orders.order_list, name="orders"),
    path("orders/new/", create.create, name="create"),
    path("orders/new/customers/", create.customer_search, name="customer_search"),
    path("orders/new/customer/", create.customer_pick, name="customer_pick"),
    path("orders/new/candidates/", create.dispatch_candidates, name="dispatch_candidates"),
    path("orders/new/customers/create/", create.customer_create, name="customer_create"),
    path("orders/new/products/create/", create.product_create, name="product_create"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    *[path(f"orders/<int:pk>/{key}/", actions.order_action, {"action": key}, name=f"action_{key}")
      for key in actions.SIMPLE_ACTIONS],
    path("orders/<int:pk>/transfer/", actions.transfer, name="transfer"),
    path("orders/<int:pk>/receipt/", receipt.receipt, name="receipt"),
    path("orders/<int:pk>/pay/", payments.pay, name="pay"),
    path("orders/<int:pk>/receipt/quote/", receipt.quote, name="receipt_quote"),
    path("orders/<int:pk>/notes/", actions.note_add, name="note_add"),
    path("orders/<int:pk>/components/<int:component_id>/", actions.component_add, name="component_add"),
    path("orders/<int:pk>/components/<int:component_id>/<int:entry_id>/", actions.component_edit,
         name="component_edit"),
    # the work-order pool
    path("pool/", pool.pool, name="pool"),
    path("pool/map/", pool.pool_map, name="pool_map"),
    path("pool/<int:pk>/claim/", pool.claim, name="pool_claim"),
    path("pool/subscribe/", pool.subscribe, name="pool_subscribe"),
    # 工单结算 (MOB-07)
    path("settlement/", settlement.settlement_list, name="settlement"),
    path("settlement/<int:pk>/", settlement.settle, name="settle"),
    # 工单回访 (MOB-08)
    path("visits/", visits.visit_list, name="visits"),
    path("visits/<int:pk>/", visits.visit_form, name="visit"),
    # approvals and notifications
    path("approvals/", inbox.approvals, name="approvals"),
    path("approvals/<int:approval_id>/approve/", inbox.approval_approve, name="approval_approve"),
    path("approvals/<int:approval_id>/refuse/", inbox.approval_refuse, name="approval_refuse"),
    path("approvals/<int:approval_id>/withdraw/", inbox.approval_withdraw, name="approval_withdraw"),
    path("notifications/", inbox.notifications, name="notifications"),
    path("notifications/<int:pk>/", inbox.notification_open, name="notification_open"),
    path("notifications/read-all/", inbox.notifications_read_all, name="notifications_read_all"),
    # 备件 (MOB-09): personal stock, 申领, 退回, 库存查询, 收费标准, a warehouse manager's decisions
    path("parts/", parts.parts_home, name="parts"),
    path("parts/requests/", parts.my_requests, name="parts_requests"),
    path("parts/requests/<int:pk>/withdraw/", parts.request_withdraw, name="parts_request_withdraw"),
    path("parts/requisition/", parts.requisition, name="parts_requisition"),
    path("parts/requisition/search/", parts.requisition_search, name="parts_requisition_search"),
    path("parts/return/", parts.return_parts, name="parts_return"),
    path("parts/lookup/", parts.lookup, name="parts_lookup"),
    path("parts/prices/", parts.prices, name="parts_prices"),
    path("parts/approvals/", parts.approvals, name="parts_approvals"),
    path("parts/approvals/<int:pk>/approve/", parts.approve, name="parts_approve"),
    path("parts/approvals/<int:pk>/refuse/", parts.refuse, name="parts_refuse"),
]
