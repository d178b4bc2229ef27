from django.urls import path

from shouhou.core.importer import import_urls

from . import pricing_views, views, views_requests
from .importers import PartImporter

app_name = "parts"
urlpatterns = [
    path("", views.PartListView.as_view(), name="list"),
    path("new/", views.PartEditView.as_view(), name="part_create"),
    path("batch/edit/", views.batch_edit, name="batch_edit"),
    path("<int:pk>/", views.PartView.as_view(), name="part_detail"),
    path("<int:pk>/edit/", views.PartEditView.as_view(), name="part_edit"),
    path("<int:pk>/delete/", views.PartDeleteView.as_view(), name="part_delete"),
    *import_urls(PartImporter, "import/", "import"),
    path("categories/", views.categories, name="categories"),
    path("categories/<int:pk>/delete/", views.category_delete, name="category_delete"),
    path("warehouses/", views.WarehouseListView.as_view(), name="warehouses"),
    path("warehouses/new/", views.WarehouseEditView.as_view(), name="warehouse_create"),
    path("warehouses/<int:pk>/edit/", views.WarehouseEditView.as_view(), name="warehouse_edit"),
    path("warehouses/<int:pk>/delete/", views.WarehouseDeleteView.as_view(), name="warehouse_delete"),
    path("stock/", views.StockListView.as_view(), name="stock"),
    path("stock/<int:pk>/safety/", views.safety, name="safety"),
    path("stock/in/", views.move, {"kind": "in"}, name="stock_in"),
    path("stock/out/", views.move, {"kind": "out"}, name="stock_out"),
    path("stock/transfer/", views.move, {"kind": "transfer"}, name="stock_transfer"),
    path("stock/allocate/", views.move, {"kind": "allocate"}, name="stock_allocate"),
    path("stock/remove/", views.move, {"kind": "remove"}, name="stock_remove"),
    path("stock/records/", views.MovementListView.as_view(), name="movements"),
    path("stock/personal/", views.PersonalStockListView.as_view(), name="personal"),
    path("requisitions/", views_requests.RequisitionListView.as_view(), name="requisitions"),
    path("returns/", views_requests.ReturnListView.as_view(), name="returns"),
    path("requisitions/new/", views_requests.request_create, {"kind": "requisition"}, name="requisition_create"),
    path("returns/new/", views_requests.request_create, {"kind": "return"}, name="return_create"),
    path("requests/<int:pk>/", views_requests.RequestView.as_view(), name="request_detail"),
    path("requests/<int:pk>/withdraw/", views_requests.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/approve/", views_requests.request_decide, {"decision": "approve"}, name="request_approve"),
    path("requests/<int:pk>/refuse/", views_requests.request_decide, {"decision": "refuse"}, name="request_refuse"),
    path("service-items/", views.ServiceItemListView.as_view(), name="items"),
    path("service-items/new/", views.ServiceItemEditView.as_view(), name="item_create"),
    path("service-items/lists/", views.service_item_lists, name="item_lists"),
    path("service-items/<int:pk>/edit/", views.ServiceItemEditView.as_view(), name="item_edit"),
    path("service-items/<int:pk>/delete/", views.ServiceItemDeleteView.as_view(), name="item_delete"),
    # 收费标准 and 服务记录 (issue 11)
    path("pricing-rules/", pricing_views.PricingRuleListView.as_view(), name="pricing"),
    path("pricing-rules/new/", pricing_views.PricingRuleEditView.as_view(), name="pricing_create"),
    path("pricing-rules/<int:pk>/edit/", pricing_views.PricingRuleEditView.as_view(), name="pricing_edit"),
    path("pricing-rules/<int:pk>/delete/", pricing_views.PricingRuleDeleteView.as_view(), name="pricing_delete"),
    path("service-records/", pricing_views.ServiceRecordListView.as_view(), name="service_records"),
]
