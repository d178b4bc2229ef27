"""Stock events notify: a new requisition → the warehouse's managers; a decision → the requester; stock
below its safety level → the managers (库存提醒)."""

import pytest

from shouhou.messaging.models import Notification
from shouhou.parts import services

pytestmark = pytest.mark.django_db


def test_requests_and_stock_alerts_notify(f, owner, keeper, engineer, django_capture_on_commit_callbacks):
    warehouse, part = f.parts.warehouse(managers=[keeper]), f.parts.part(name="滤芯")
    f.parts.stock(warehouse, part, 5)
    services.set_safety_stock(actor=owner, warehouse_id=warehouse.pk, part_id=part.pk, safety_quantity=4)
    with django_capture_on_commit_callbacks(execute=True):
        requisition = services.create_requisition(actor=engineer, warehouse_id=warehouse.pk,
                                                  lines=[{"part_id": part.pk, "quantity": 2}])
    assert Notification.objects.filter(user=keeper, category="parts").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_request(actor=keeper, stock_request=requisition)
    assert Notification.objects.filter(user=engineer, category="parts").count() == 1
    alerts = Notification.objects.filter(user=keeper, title__startswith="Stock alert")
    assert alerts.count() == 1 and "3 left" in alerts.get().body
