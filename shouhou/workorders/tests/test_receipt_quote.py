"""Live repricing of the receipt (issue 11): the console's and the phone's quote endpoints answer each
row's price and the 总计 as the completion will work them out, write nothing, and only for whoever may
fill in the receipt."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from shouhou.core import company_settings
from shouhou.core.testing import client_for
from shouhou.parts import services as part_services
from shouhou.parts.models import StockLevel, StockMovement
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import receipt_lines

pytestmark = pytest.mark.django_db


def urls(order):
    return (reverse("workorders:receipt_quote", args=[order.pk]), reverse("mobile:receipt_quote", args=[order.pk]))


def form(shop, *, part_qty="2", service="1", discount=None):
    data = {"lines-present": "1", "line-part": [str(shop.part.pk), "", str(shop.tracked.pk)],
            "line-part-qty": [part_qty, "", "x"], "line-service": [str(shop.item.pk)], "line-service-qty": [service]}
    if discount is not None:
        data.update({"line-service-discount": [discount], "line-service-reason": ["老客户"]})
    return data


def test_the_quote_prices_each_row_like_the_completion(shop, owner):
    part_services.create_pricing_rule(actor=owner, name="保外备件九折", priority=10, applies_to="parts",
                                      warranty="out", effect="discount", value=Decimal("10"))
    from shouhou.products import services as product_services

    product_services.update_product(actor=owner, product=shop.product,
                                    warranty_end=datetime.date.today() - datetime.timedelta(days=400))
    client = client_for(shop.engineer)
    before = (StockMovement.objects.count(), list(StockLevel.objects.values_list("reserved", flat=True)))
    for url in urls(shop.order):
        answer = client.post(url, form(shop, part_qty="3"))
        assert answer.status_code == 200, url
        body = answer.json()
        assert len(body["part"]) == 3 and body["part"][1] == "" and body["part"][2] == ""  # empty, then a bad quantity
        assert "270.00" in body["part"][0] and "保外备件九折" in body["part"][0]  # 3 × 100 less 10 %
        assert "80.00" in body["service"][0]
        assert body["total"] == "¥350.00"
    assert (StockMovement.objects.count(), list(StockLevel.objects.values_list("reserved", flat=True))) == before
    done = order_actions.complete(actor=shop.engineer, order=shop.order, content="x",
                                  parts=[{"part_id": shop.part.pk, "quantity": "3"}],
                                  service_items=[{"service_item_id": shop.item.pk, "quantity": "1"}])
    assert done.total_amount == Decimal("350.00")


def test_preview_is_the_same_decimal_as_clean(shop):
    rows, total = receipt_lines.preview(shop.engineer, shop.order, parts=[{"part_id": shop.part.pk, "quantity": "1.5"}],
                                        service_items=[{"service_item_id": shop.item.pk, "quantity": "2"}])
    lines = receipt_lines.clean(shop.engineer, shop.order, parts=[{"part_id": shop.part.pk, "quantity": "1.5"}],
                                service_items=[{"service_item_id": shop.item.pk, "quantity": "2"}])
    assert [rows["part"][0], rows["service"][0]] == lines and total == receipt_lines.total_of(lines)


def test_a_discount_counts_only_when_allowed(shop, owner):
    client = client_for(shop.engineer)
    url = urls(shop.order)[0]
    assert client.post(url, form(shop, discount="50")).json()["service"] == [""]  # not allowed: the row is wrong
    company_settings.update_settings(actor=owner, values={"workorder.receipt_allow_discount": True},
                                     permission="workorder_settings.manage")
    body = client.post(url, form(shop, discount="50")).json()
    assert "40.00" in body["service"][0] and body["total"] == "¥240.00"


def test_the_quote_needs_the_receipt_and_a_post(shop, factories):
    stranger = factories.accounts.user(name="旁人", roles=("engineer",))
    for url in urls(shop.order):
        assert client_for(shop.engineer).get(url).status_code == 405
        assert client_for(stranger).post(url, form(shop)).status_code in (403, 404)


def test_the_receipt_pages_carry_the_quote_url(shop):
    client = client_for(shop.engineer)
    for page, url in zip((reverse("workorders:action_complete", args=[shop.order.pk]),
                          reverse("mobile:receipt", args=[shop.order.pk])), urls(shop.order), strict=True):
        text = client.get(page).content.decode()
        assert f'data-rl-quote="{url}"' in text and "data-rl-priced" in text
