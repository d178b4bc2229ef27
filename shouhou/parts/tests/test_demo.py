"""The parts demo data: categories, parts, 4 warehouses, rows below safety, requisitions in every state,
service items, the ledger matching on-hand; a second run adds nothing."""

import pytest

from shouhou.demo import parts as parts_demo
from shouhou.parts import queries, services
from shouhou.parts.models import Part, PartCategory, ServiceItem, StockRequest, Warehouse

pytestmark = pytest.mark.django_db


def test_demo_parts(f, owner):
    users = {"赵磊": f.accounts.user(name="赵磊", roles=("warehouse",))}
    for name in ("李强", "马超", "朱磊", "胡军", "郭涛", "高峰"):
        users[name] = f.accounts.user(name=name, roles=("engineer",))
    parts_demo.seed(owner, users=users, scale=1.0)
    assert PartCategory.objects.count() == 10 and Part.objects.count() == 200
    assert Warehouse.objects.count() == 4 and ServiceItem.objects.count() == 30
    assert queries.warehouse_levels(owner).filter(queries.below_safety()).exists()
    assert set(StockRequest.objects.values_list("status", flat=True)) == set(StockRequest.Status.values)
    assert services.ledger_differences() == []
    assert list(queries.visible_warehouses(users["赵磊"]).values_list("name", flat=True)) == ["华东区域库", "华南区域库"]
    counts = Part.objects.count(), StockRequest.objects.count()
    parts_demo.seed(owner, users=users, scale=1.0)
    assert (Part.objects.count(), StockRequest.objects.count()) == counts
