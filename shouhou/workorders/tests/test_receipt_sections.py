"""WOSET-R1: a work-order type switches its receipt's 备件 and 服务项目 sections on or off; the services,
the console's 回执 dialog, the phone's receipt and the API honour it."""

import pytest
from django.urls import reverse

from shouhou.core.errors import ValidationFailed
from shouhou.core.testing import client_for
from shouhou.parts.models import ServiceRecord, StockLevel, StockMovement
from shouhou.parts.testing_helpers import on_hand
from shouhou.workorders.models import Status
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import receipts as receipt_services
from shouhou.workorders.services import types as type_services

from .test_receipt_fees import api, parts, post

pytestmark = pytest.mark.django_db


def switch(owner, order, **sections):
    type_services.update_type(actor=owner, type=order.order_type,
                              receipt_options={"parts": True, "service_items": True, **sections})
    order.order_type.refresh_from_db()


def test_the_sections_default_on_and_the_options_are_checked(shop, owner):
    assert type_services.receipt_options(shop.order.order_type)["parts"] is True
    with pytest.raises(ValidationFailed):
        type_services.update_type(actor=owner, type=shop.order.order_type, receipt_options={"parts": "no"})
    with pytest.raises(ValidationFailed):
        type_services.update_type(actor=owner, type=shop.order.order_type, receipt_options={"stock": True})
    switch(owner, shop.order, parts=False)
    assert shop.order.order_type.receipt_options == {"require_signature": False, "require_attachments": False,
                                                     "parts": False, "service_items": True}


def test_a_switched_off_section_refuses_its_lines_and_changes_nothing(shop, owner):
    switch(owner, shop.order, parts=False)
    for call in (lambda: receipt_services.save_receipt_draft(actor=shop.engineer, order=shop.order, parts=parts(shop)),
                 lambda: order_actions.complete(actor=shop.engineer, order=shop.order, content="x",
                                                old_parts=parts(shop, 1))):
        with pytest.raises(ValidationFailed) as caught:
            call()
        assert set(caught.value.details) & {"parts", "old_parts"}
    assert StockLevel.objects.get(part=shop.part, holder=shop.engineer).reserved == 0
    done = order_actions.complete(actor=shop.engineer, order=shop.order, content="x",
                                  service_items=[{"service_item_id": shop.item.pk, "quantity": "1"}])
    assert done.status == Status.FINISHED and ServiceRecord.objects.count() == 1
    assert on_hand(shop.part, holder=shop.engineer) == 5


def test_lines_kept_from_a_draft_of_a_section_switched_off_later_are_not_consumed(shop, owner):
    receipt_services.save_receipt_draft(actor=shop.engineer, order=shop.order, parts=parts(shop),
                                        service_items=[{"service_item_id": shop.item.pk, "quantity": "1"}])
    switch(owner, shop.order, parts=False)
    shop.order.refresh_from_db()
    done = order_actions.complete(actor=shop.engineer, order=shop.order, content="x")
    assert done.status == Status.FINISHED
    assert not StockMovement.objects.filter(kind="used_on_order").exists()
    level = StockLevel.objects.get(part=shop.part, holder=shop.engineer)
    assert (level.quantity, level.reserved) == (5, 0)  # the draft's hold was released
    assert [line["kind"] for line in done.receipt.lines] == ["service"] and done.total_amount == 80


def test_api_answers_400_for_a_part_line_without_the_parts_section(shop, owner):
    switch(owner, shop.order, service_items=False)
    client = api(shop.engineer)
    path = f"/api/v1/work-orders/{shop.order.pk}/complete"
    refused = post(client, path, {"content": "x", "service_items": [{"service_item_id": shop.item.pk,
                                                                     "quantity": "1"}]})
    assert refused.status_code == 400 and "service_items" in refused.json()["details"]
    answer = api(owner).patch(f"/api/v1/work-order-types/{shop.order.order_type.pk}",
                              '{"receipt_options": {"parts": false, "service_items": true}}',
                              content_type="application/json")
    assert answer.status_code == 200 and answer.json()["receipt_options"]["parts"] is False
    refused = post(client, path, {"content": "x", "parts": [{"part_id": shop.part.pk, "quantity": "1"}]})
    assert refused.status_code == 400 and "parts" in refused.json()["details"]
    assert on_hand(shop.part, holder=shop.engineer) == 5


def test_console_and_phone_receipts_show_only_the_switched_on_sections(shop, owner):
    client = client_for(shop.engineer)
    urls = (reverse("mobile:receipt", args=[shop.order.pk]), reverse("workorders:action_complete",
                                                                      args=[shop.order.pk]))
    for url in urls:
        text = client.get(url).content.decode()
        assert 'data-rl-section="part"' in text and 'data-rl-section="service"' in text, url
    switch(owner, shop.order, parts=False)
    for url in urls:
        text = client.get(url).content.decode()
        assert 'data-rl-section="part"' not in text and 'data-rl-section="old"' not in text, url
        assert 'data-rl-section="service"' in text, url
    switch(owner, shop.order, parts=False, service_items=False)
    for url in urls:
        assert "data-rl-section" not in client.get(url).content.decode(), url
    settings_page = client_for(owner).get(reverse("workorders:type_receipt", args=[shop.order.order_type.pk]))
    assert settings_page.status_code == 200 and 'name="service_items"' in settings_page.content.decode()
