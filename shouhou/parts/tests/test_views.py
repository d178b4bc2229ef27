"""Console dialogs and pages beyond the declared surface: moves with lines, errors on the line's inputs,
the personal-stock holder selector, request decisions."""

import pytest
from django.urls import reverse

from shouhou.core.testing import client_for
from shouhou.parts.models import StockRequest
from shouhou.parts.testing_helpers import on_hand

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_stock_in_and_out_dialogs(f, owner):
    warehouse, part = f.parts.warehouse(), f.parts.part()
    client = client_for(owner)
    assert client.get(reverse("parts:stock_in"), **HTMX).status_code == 200
    response = client.post(reverse("parts:stock_in"), {"warehouse_id": warehouse.pk, "part_0": part.pk,
                                                       "quantity_0": "4", "reason": "采购"}, **HTMX)
    assert response.status_code == 200 and on_hand(part, warehouse=warehouse) == 4
    response = client.post(reverse("parts:stock_out"), {"warehouse_id": warehouse.pk, "part_0": part.pk,
                                                        "quantity_0": "9"}, **HTMX)
    assert "Only 4 of" in response.content.decode() and on_hand(part, warehouse=warehouse) == 4
    response = client.post(reverse("parts:stock_out"), {"warehouse_id": warehouse.pk, "part_0": part.pk,
                                                        "quantity_0": "a\x01"}, **HTMX)
    assert response.status_code in (200, 400) and on_hand(part, warehouse=warehouse) == 4


def test_engineer_cannot_open_stock_dialogs(f, engineer):
    client = client_for(engineer)
    assert client.get(reverse("parts:stock_in"), **HTMX).status_code == 403
    assert client.get(reverse("parts:requisition_create"), **HTMX).status_code == 200


def test_personal_stock_holder_selector(f, owner, engineer):
    warehouse, part = f.parts.warehouse(), f.parts.part(name="特殊滤芯")
    f.parts.stock(warehouse, part, 3)
    from shouhou.parts import services

    services.allocate(actor=owner, warehouse_id=warehouse.pk, holder_id=engineer.pk,
                      lines=[{"part_id": part.pk, "quantity": 1}])
    client = client_for(owner)
    assert "特殊滤芯" in client.get(reverse("parts:personal") + f"?holder={engineer.pk}").content.decode()
    assert "特殊滤芯" not in client.get(reverse("parts:personal") + f"?holder={owner.pk}").content.decode()
    assert "特殊滤芯" not in client.get(reverse("parts:personal") + "?holder=x").content.decode()
    assert client.get(reverse("parts:personal") + "?holder=99999999999999999999999").status_code == 200
    # the engineer sees his own holdings and not the selector's other people
    mine = client_for(engineer).get(reverse("parts:personal")).content.decode()
    assert "特殊滤芯" in mine


def test_request_dialog_and_decisions(f, owner, keeper, engineer):
    warehouse, part = f.parts.warehouse(managers=[keeper]), f.parts.part()
    f.parts.stock(warehouse, part, 3)
    response = client_for(engineer).post(reverse("parts:requisition_create"),
                                          {"warehouse_id": warehouse.pk, "part_0": part.pk, "quantity_0": "2"}, **HTMX)
    assert response.status_code == 200
    requisition = StockRequest.objects.get()
    detail = client_for(keeper).get(reverse("parts:request_detail", args=[requisition.pk])).content.decode()
    assert reverse("parts:request_approve", args=[requisition.pk]) in detail
    line = requisition.lines.get()
    response = client_for(keeper).post(reverse("parts:request_approve", args=[requisition.pk]),
                                       {"expected_version": 0, f"approved_{line.pk}": "5"}, **HTMX)
    assert "At most the 2 requested." in response.content.decode()
    client_for(keeper).post(reverse("parts:request_approve", args=[requisition.pk]),
                            {"expected_version": 0, f"approved_{line.pk}": "2"}, **HTMX)
    requisition.refresh_from_db()
    assert requisition.status == "approved" and on_hand(part, holder=engineer) == 2
    other = f.parts.requisition(warehouse=warehouse, part=part)
    assert client_for(engineer).get(reverse("parts:request_refuse", args=[other.pk]), **HTMX).status_code == 403


def test_remove_dialog_takes_several_lines_and_requires_a_reason(f, owner):
    warehouse, first, second = f.parts.warehouse(), f.parts.part(), f.parts.part()
    f.parts.stock(warehouse, first, 3)
    f.parts.stock(warehouse, second, 3)
    client = client_for(owner)
    page = client.get(reverse("parts:stock"))
    assert reverse("parts:stock_remove") in page.content.decode()  # the toolbar's 移除
    assert client.get(reverse("parts:stock_remove"), **HTMX).status_code == 200
    lines = {"warehouse_id": warehouse.pk, "part_0": first.pk, "quantity_0": "1", "part_1": second.pk,
             "quantity_1": "2"}
    response = client.post(reverse("parts:stock_remove"), lines, **HTMX)  # no reason
    assert "is-invalid" in response.content.decode() and 'name="reason"' in response.content.decode()
    assert on_hand(first, warehouse=warehouse) == 3
    response = client.post(reverse("parts:stock_remove"), {**lines, "reason": "报废"}, **HTMX)
    assert response.status_code == 200 and "HX-Refresh" in response.headers
    assert on_hand(first, warehouse=warehouse) == 2 and on_hand(second, warehouse=warehouse) == 1


def test_batch_edit_changes_only_what_is_set_on_every_selected_part(f, owner):
    from shouhou.parts.models import Part

    category = f.parts.category(name="批量分类")
    first, second, other = f.parts.part(sale_price="10"), f.parts.part(sale_price="20"), f.parts.part()
    client = client_for(owner)
    assert reverse("parts:batch_edit") in client.get(reverse("parts:list")).content.decode()  # the batch action
    url = reverse("parts:batch_edit")
    page = client.get(url + f"?ids={first.pk}&ids={second.pk}", **HTMX)
    assert page.status_code == 200 and first.name in page.content.decode()
    data = {"ids": [first.pk, second.pk], "category_id": str(category.pk),
            "enabled": "0", "in_mall": "keep", "sale_price": "", "cost_price": "7.50"}
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200 and "HX-Refresh" in response.headers
    for part in Part.objects.filter(pk__in=[first.pk, second.pk]):
        assert not part.enabled and str(part.cost_price) == "7.50" and part.category_id == category.pk
    assert Part.objects.get(pk=first.pk).sale_price == 10 and Part.objects.get(pk=second.pk).sale_price == 20
    assert Part.objects.get(pk=other.pk).enabled  # not selected


def test_batch_edit_refuses_nothing_to_change_bad_prices_and_foreign_ids(f, owner, engineer):
    from shouhou.parts.models import Part

    first = f.parts.part()
    client = client_for(owner)
    url = reverse("parts:batch_edit")
    keep = {"ids": [first.pk], "category_id": "keep", "enabled": "keep", "in_mall": "keep", "sale_price": "",
            "cost_price": ""}
    response = client.post(url, keep, **HTMX)
    assert "Choose what to change." in response.content.decode()
    response = client.post(url, {**keep, "sale_price": "-1", "enabled": "0"}, **HTMX)
    assert "is-invalid" in response.content.decode() and Part.objects.get(pk=first.pk).enabled
    assert client.post(url, {**keep, "ids": [first.pk, 987654321], "enabled": "0"}, **HTMX).status_code == 404
    assert Part.objects.get(pk=first.pk).enabled
    assert client_for(engineer).get(url + f"?ids={first.pk}", **HTMX).status_code == 403


def test_batch_update_parts_service_is_all_or_nothing(f, owner):
    from shouhou.core.errors import ValidationFailed
    from shouhou.parts import services
    from shouhou.parts.models import Part

    first, second = f.parts.part(), f.parts.part()
    with pytest.raises(ValidationFailed):
        services.batch_update_parts(actor=owner, parts=[first, second], enabled=False, category_id=987654321)
    assert Part.objects.filter(enabled=True).count() == 2
    assert services.batch_update_parts(actor=owner, parts=[first, second], in_mall=True) == 2
    assert Part.objects.filter(in_mall=True).count() == 2
