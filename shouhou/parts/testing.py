"""Isolation-walk declarations for spare parts (see core/testing/isolation.py)."""

from shouhou.core.testing.isolation import populator, route_params


@populator
def parts_data(tenant, owner, marker):
    from . import services

    category = services.create_category(actor=owner, name=f"{marker}类别")
    part = services.create_part(actor=owner, name=f"{marker}备件", number=f"BJ-{tenant.pk}", category_id=category.pk)
    warehouse = services.create_warehouse(actor=owner, name=f"{marker}仓库", manager_ids=[owner.pk])
    services.stock_in(actor=owner, warehouse_id=warehouse.pk, lines=[{"part_id": part.pk, "quantity": 5}],
                      reason=f"{marker}入库")
    services.set_safety_stock(actor=owner, warehouse_id=warehouse.pk, part_id=part.pk, safety_quantity=10)
    services.create_requisition(actor=owner, warehouse_id=warehouse.pk, lines=[{"part_id": part.pk, "quantity": 1}],
                                note=f"{marker}申领")
    services.create_service_item(actor=owner, name=f"{marker}服务", number=f"FW-{tenant.pk}")
    services.create_pricing_rule(actor=owner, name=f"{marker}保内免费", warranty="in", effect="free")


for name in ("parts:part_detail", "parts:part_edit", "parts:part_delete"):
    route_params(name, pk="parts.Part")
for name in ("parts:warehouse_edit", "parts:warehouse_delete"):
    route_params(name, pk="parts.Warehouse")
route_params("parts:safety", pk="parts.StockLevel")
route_params("parts:category_delete", pk="parts.PartCategory")
for name in ("parts:import_job", "parts:import_status", "parts:import_commit", "parts:import_errors"):
    route_params(name, job_id="core.DataJob")
route_params("parts:request_detail", pk="parts.StockRequest")
route_params("parts:request_withdraw", pk="parts.StockRequest")
route_params("parts:request_approve", pk="parts.StockRequest")
route_params("parts:request_refuse", pk="parts.StockRequest")
for name in ("parts:item_edit", "parts:item_delete"):
    route_params(name, pk="parts.ServiceItem")
for name in ("get_part", "update_part", "delete_part"):
    route_params(f"api:parts_{name}", part_id="parts.Part")
for name in ("get_warehouse", "update_warehouse", "delete_warehouse"):
    route_params(f"api:parts_{name}", warehouse_id="parts.Warehouse")
for kind in ("requisition", "return"):
    for action in ("get", "approve", "refuse", "withdraw"):
        route_params(f"api:{action}_{kind}", request_id="parts.StockRequest")
for name in ("get_service_item", "update_service_item", "delete_service_item"):
    route_params(f"api:parts_{name}", record_id="parts.ServiceItem")
for name in ("parts:pricing_edit", "parts:pricing_delete"):
    route_params(name, pk="parts.PricingRule")
for name in ("get_pricing_rule", "update_pricing_rule", "delete_pricing_rule"):
    route_params(f"api:parts_{name}", record_id="parts.PricingRule")
