from django.urls import path

from shouhou.core.importer import import_urls

from .importers import WorkOrderImporter
from .views import approvals, create, detail, lists, settings
from .views.detail import ACTIONS

app_name = "workorders"
urlpatterns = [
    path("", lists.index, name="index"),
    path("list/", lists.order_list, name="list"),
    path("assign/", lists.assign_list, name="assign"),
    path("batch/assign/", lists.batch_assign, name="batch_assign"),
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
    # settings
    path("settings/general/", settings.general, name="settings"),
    path("settings/types/", settings.types, name="types"),
    path("settings/types/new/", settings.type_create, name="type_create"),
    path("settings/types/<int:type_id>/form/", settings.type_form, name="type_form"),
    path("settings/types/<int:type_id>/flow/", settings.type_flow, name="type_flow"),
    path("settings/types/<int:type_id>/receipt/", settings.type_receipt, name="type_receipt"),
    path("settings/types/<int:type_id>/components/", settings.type_components, name="type_components"),
    path("settings/types/<int:type_id>/teams/", settings.type_teams, name="type_teams"),
    path("settings/types/<int:type_id>/toggle/", settings.type_toggle, name="type_toggle"),
    path("settings/types/<int:type_id>/move/", settings.type_move, name="type_move"),
    path("settings/types/<int:type_id>/delete/", settings.type_delete, name="type_delete"),
    path("settings/components/", settings.components, name="components"),
    path("settings/components/new/", settings.component_create, name="component_create"),
    path("settings/components/<int:component_id>/", settings.component_update, name="component_update"),
    path("settings/components/<int:component_id>/toggle/", settings.component_toggle, name="component_toggle"),
    path("settings/components/<int:component_id>/delete/", settings.component_delete, name="component_delete"),
    path("settings/options/", settings.options, name="options"),
    path("settings/options/new/", settings.option_create, name="option_create"),
    path("settings/options/<int:option_id>/", settings.option_update, name="option_update"),
    path("settings/options/<int:option_id>/toggle/", settings.option_toggle, name="option_toggle"),
    path("settings/options/<int:option_id>/move/", settings.option_move, name="option_move"),
]
