from django.urls import path

from shouhou.core.importer import import_urls

from .importers import WorkOrderImporter
from .views import approvals, create, detail, dispatch_map, dispatch_rules, lists, parts_used, pool, settings
from .views.detail import ACTIONS

app_name = "workorders"
urlpatterns = [
    path("", lists.index, name="index"),
    path("list/", lists.order_list, name="list"),
    path("assign/", lists.assign_list, name="assign"),
    path("batch/assign/", lists.batch_assign, name="batch_assign"),
    path("batch/publish/", pool.batch_publish, name="batch_publish"),
    path("pool/", pool.pool, name="pool"),
    path("pool/map/", pool.pool_map_data, name="pool_map_data"),
    # 地图派单
    path("map/", dispatch_map.dispatch_map, name="map"),
    path("map/data/", dispatch_map.map_data, name="map_data"),
    path("map/<int:pk>/distances/", dispatch_map.order_distances, name="map_distances"),
    path("map/<int:pk>/assign/", dispatch_map.map_assign, name="map_assign"),
    path("pool/<int:pk>/claim/", pool.claim, name="pool_claim"),
    path("pool/subscribe/", pool.subscribe, name="pool_subscribe"),
    path("batch/transfer/", lists.batch_transfer, name="batch_transfer"),
    path("batch/edit/", lists.batch_edit, name="batch_edit"),
    *import_urls(WorkOrderImporter, "import/", "import"),
    # new work order and its pickers
    path("new/", create.create, name="create"),
    path("new/customers/", create.customer_search, name="customer_search"),
    path("new/customer-fields/", create.customer_fields, name="customer_fields"),
    path("new/customers/create/", create.customer_create, name="customer_create"),
    path("new/products/create/", create.product_create, name="product_create"),
    # one work order
    path("<int:pk>/", detail.detail, name="detail"),
    path("<int:pk>/edit/", create.edit, name="edit"),
    path("<int:pk>/copy/", create.copy, name="copy"),
    path("<int:pk>/print/", detail.print_view, name="print"),
    path("<int:pk>/notes/", detail.note_add, name="note_add"),
    path("<int:pk>/receipt/quote/", detail.receipt_quote, name="receipt_quote"),
    *[path(f"<int:pk>/{key}/", detail.action, {"action": key}, name=f"action_{key}") for key in ACTIONS],
    path("<int:pk>/components/<int:component_id>/", detail.component_add, name="component_add"),
    path("<int:pk>/components/<int:component_id>/<int:entry_id>/", detail.component_edit, name="component_edit"),
    # approvals inbox
    path("approvals/", approvals.inbox, name="approvals"),
    path("approvals/<int:approval_id>/approve/", approvals.approve, name="approval_approve"),
    path("approvals/<int:approval_id>/refuse/", approvals.refuse, name="approval_refuse"),
    path("approvals/<int:approval_id>/withdraw/", approvals.withdraw, name="approval_withdraw"),
    # the work-order tabs of customer and product pages
    path("customers/<int:customer_id>/orders/", lists.orders_for_customer, name="orders_for_customer"),
    path("products/<int:product_id>/orders/", lists.orders_for_product, name="orders_for_product"),
    path("customers/<int:customer_id>/parts-used/", parts_used.parts_for_customer, name="parts_for_customer"),
    path("products/<int:product_id>/parts-used/", parts_used.parts_for_product, name="parts_for_product"),
    # settings
    path("settings/general/", settings.GeneralView.as_view(), name="settings"),
    path("settings/types/", settings.TypesView.as_view(), name="types"),
    path("settings/types/new/", settings.TypeCreateView.as_view(), name="type_create"),
    path("settings/types/<int:type_id>/form/", settings.TypeFormStepView.as_view(), name="type_form"),
    path("settings/types/<int:type_id>/flow/", settings.TypeFlowStepView.as_view(), name="type_flow"),
    path("settings/types/<int:type_id>/receipt/", settings.TypeReceiptStepView.as_view(), name="type_receipt"),
    path("settings/types/<int:type_id>/components/", settings.TypeComponentsStepView.as_view(),
         name="type_components"),
    path("settings/types/<int:type_id>/teams/", settings.TypeTeamsView.as_view(), name="type_teams"),
    path("settings/types/<int:type_id>/toggle/", settings.TypeToggleView.as_view(), name="type_toggle"),
    path("settings/types/<int:type_id>/move/", settings.TypeMoveView.as_view(), name="type_move"),
    path("settings/types/<int:type_id>/delete/", settings.TypeDeleteView.as_view(), name="type_delete"),
    path("settings/components/", settings.ComponentsView.as_view(), name="components"),
    path("settings/components/new/", settings.ComponentEditView.as_view(), name="component_create"),
    path("settings/components/<int:component_id>/", settings.ComponentEditView.as_view(), name="component_update"),
    path("settings/components/<int:component_id>/toggle/", settings.ComponentToggleView.as_view(),
         name="component_toggle"),
    path("settings/components/<int:component_id>/delete/", settings.ComponentDeleteView.as_view(),
         name="component_delete"),
    path("settings/dispatch-rules/", dispatch_rules.RulesView.as_view(), name="dispatch_rules"),
    path("settings/dispatch-rules/new/", dispatch_rules.RuleEditView.as_view(), name="dispatch_rule_create"),
    path("settings/dispatch-rules/<int:rule_id>/", dispatch_rules.RuleEditView.as_view(), name="dispatch_rule_edit"),
    path("settings/dispatch-rules/<int:rule_id>/toggle/", dispatch_rules.RuleToggleView.as_view(),
         name="dispatch_rule_toggle"),
    path("settings/dispatch-rules/<int:rule_id>/move/", dispatch_rules.RuleMoveView.as_view(),
         name="dispatch_rule_move"),
    path("settings/dispatch-rules/<int:rule_id>/delete/", dispatch_rules.RuleDeleteView.as_view(),
         name="dispatch_rule_delete"),
    path("batch/auto-assign/", dispatch_rules.batch_auto_assign, name="batch_auto_assign"),
    path("settings/options/", settings.OptionsView.as_view(), name="options"),
    path("settings/options/new/", settings.OptionCreateView.as_view(), name="option_create"),
    path("settings/options/<int:option_id>/", settings.OptionRenameView.as_view(), name="option_update"),
    path("settings/options/<int:option_id>/toggle/", settings.OptionToggleView.as_view(), name="option_toggle"),
    path("settings/options/<int:option_id>/move/", settings.OptionMoveView.as_view(), name="option_move"),
]
