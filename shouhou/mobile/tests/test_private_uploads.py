"""A refused receipt (issue 8) keeps none of the photos the phone sent, and counts none against the quota."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shouhou.core.models import StoredFile, Tenant
from shouhou.core.testing import client_for
from shouhou.workorders.models import Receipt, Status
from shouhou.workorders.services import actions as order_actions

from . import test_views
from .test_views import SHANGHAI, fresh, png_bytes

world = test_views.world  # the phone pages' fixture


def test_photos_of_a_refused_receipt_are_not_kept(world, settings):
    order = order_actions.accept(actor=world.engineer, order=world.order(assignee=world.engineer))  # not started
    used = Tenant.objects.get(pk=world.tenant.pk).storage_used_bytes
    response = client_for(world.engineer).post(reverse("mobile:receipt", args=[order.pk]), {
        "expected_version": order.version, "content": "试图直接完成",
        "photos": SimpleUploadedFile("site.png", png_bytes(), content_type="image/png"),
        "latitude": SHANGHAI[0], "longitude": SHANGHAI[1], "complete": "1",
    })
    assert response.status_code in (302, 400, 409)
    assert fresh(order).status == Status.ACCEPTED and not Receipt.objects.filter(order=order).exists()
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert Tenant.objects.get(pk=world.tenant.pk).storage_used_bytes == used
    assert not StoredFile.all_tenants.exists()
