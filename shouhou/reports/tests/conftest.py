import datetime
from io import BytesIO

import pypdf
import pytest

from shouhou.parts import services as part_services
from shouhou.workorders.services import actions as order_actions


def pdf_text(data):
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(BytesIO(data)).pages)


@pytest.fixture
def shop(factories, owner):
    """A started order of a type with reports on, for 甲公司, assigned to the owner who holds 5 of a part
    (sale 100) and may charge a service item (sale 80)."""
    f = factories
    warehouse = f.parts.warehouse(name="总仓")
    part = f.parts.part(name="压缩机", sale_price="100.00")
    f.parts.stock(warehouse, part, 10)
    part_services.allocate(actor=owner, warehouse_id=warehouse.pk, holder_id=owner.pk,
                           lines=[{"part_id": part.pk, "quantity": "5"}])
    item = f.parts.service_item(name="上门检测", sale_price="80.00")
    customer = f.customers.customer(name="甲公司")
    product = f.products.product(customer=customer, name="中央空调",
                                 warranty_end=datetime.date.today() - datetime.timedelta(days=1))
    order_type = f.workorders.order_type(name="维修")
    f.reports.enable(order_type)
    order = f.workorders.assigned(assignee=owner, customer=customer, product=product, order_type=order_type,
                                  description="空调不制冷")
    order = order_actions.accept(actor=owner, order=order)
    order = order_actions.start(actor=owner, order=order)

    class Shop:
        pass

    shop = Shop()
    shop.__dict__.update(part=part, item=item, customer=customer, product=product, order=order,
                         order_type=order_type)
    return shop


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """`with commits():` runs what the block leaves for after commit (the outbox, the report job)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def complete(shop, owner, parts=2, services=1):
    return order_actions.complete(actor=owner, order=shop.order, content="更换压缩机，测试正常",
                                  parts=[{"part_id": shop.part.pk, "quantity": str(parts)}] if parts else [],
                                  service_items=[{"service_item_id": shop.item.pk, "quantity": str(services)}]
                                  if services else [])
