"""Isolation-walk declarations for products (see core/testing/isolation.py)."""

from shouhou.core.testing.isolation import populator, public_route, route_params


@populator
def products_data(tenant, owner, marker):
    from . import services

    product_type = services.create_product_type(actor=owner, name=f"{marker}类型")
    template = services.create_template(actor=owner, name=f"{marker}模板", number=f"TPL-{tenant.pk}",
                                        product_type_id=product_type.pk, warranty_months=12)
    product = services.create_product(actor=owner, name=f"{marker}产品", number=f"P-{tenant.pk}-1",
                                      serial_number=f"SN-{tenant.pk}", product_type_id=product_type.pk)
    services.create_from_template(actor=owner, template_id=template.pk, install_date="2025-01-10")
    services.regenerate_qr_token(actor=owner, product=product)  # leaves a RevokedQrToken row


for name in ("products:detail", "products:edit", "products:delete", "products:qr_label", "products:qr_png",
             "products:qr_svg", "products:qr_regenerate"):
    route_params(name, pk="products.Product")
for name in ("products:template_detail", "products:template_edit", "products:template_delete"):
    route_params(name, pk="products.ProductTemplate")
for name in ("products:type_edit", "products:type_delete", "products:type_move"):
    route_params(name, pk="products.ProductType")
for name in ("products:import_job", "products:import_status", "products:import_commit", "products:import_errors"):
    route_params(name, job_id="core.DataJob")
for name in ("get_product", "update_product", "delete_product", "regenerate_qrcode"):
    route_params(f"api:products_{name}", product_id="products.Product")
for name in ("get_template", "update_template", "delete_template"):
    route_params(f"api:products_{name}", template_id="products.ProductTemplate")
public_route("qr:product")
