"""/api/v1/settlements: the list with KPIs and 当前合计, settle one or many (all or none), refusals, scope."""

import json
from decimal import Decimal

import pytest

from shouhou.core.testing import api_client_for, make_user
from shouhou.settlement.models import Settlement

pytestmark = pytest.mark.django_db


def post(client, body, **headers):
    return client.post("/api/v1/settlements", json.dumps(body), content_type="application/json", **headers)


def test_list_with_kpis_tabs_and_search(owner, factories):
    unsettled = factories.settlement.finished()
    settled = factories.settlement.settled(adjustment="-5", reason="优惠")
    client = api_client_for(owner)
    answer = client.get("/api/v1/settlements").json()
    assert answer["count"] == 2 and Decimal(answer["current_total"]) == Decimal("155.00")
    assert answer["kpis"]["unsettled_count"] == 1 and Decimal(answer["kpis"]["recent_amount"]) == Decimal("75")
    by_id = {row["order_id"]: row for row in answer["results"]}
    assert by_id[unsettled.pk]["settled"] is False and by_id[unsettled.pk]["settlement"] is None
    frozen = by_id[settled.pk]["settlement"]
    assert Decimal(frozen["amount"]) == Decimal("75.00") and frozen["reason"] == "优惠"
    assert frozen["lines"][0]["line_total"] in ("80.00", 80.0, "80")
    assert by_id[settled.pk]["payment_status"] == "unpaid"  # the payments module's fact (paid: payments' tests)
    only = client.get("/api/v1/settlements", {"tab": "unsettled"}).json()
    assert [row["order_id"] for row in only["results"]] == [unsettled.pk]
    found = client.get("/api/v1/settlements", {"search": settled.number}).json()
    assert [row["order_id"] for row in found["results"]] == [settled.pk]
    assert client.get("/api/v1/settlements", {"tab": "nope"}).status_code in (400, 422)


def test_settle_many_all_or_none_and_idempotent(owner, factories):
    first, second = factories.settlement.finished(), factories.settlement.finished()
    client = api_client_for(owner)
    refused = post(client, {"order_ids": [first.pk, second.pk], "adjustment": "3"})
    assert refused.status_code == 400 and "reason" in refused.json()["details"]
    created = post(client, {"order_ids": [first.pk, second.pk], "adjustment": "3", "reason": "上门费"},
                   HTTP_IDEMPOTENCY_KEY="settle-1")
    assert created.status_code == 201, created.content
    assert [Decimal(row["total_amount"]) for row in created.json()["results"]] == [Decimal("83.00")] * 2
    again = post(client, {"order_ids": [first.pk, second.pk], "adjustment": "3", "reason": "上门费"},
                 HTTP_IDEMPOTENCY_KEY="settle-1")
    assert again.status_code == 201 and Settlement.objects.count() == 2
    twice = post(client, {"order_ids": [first.pk]})
    assert twice.status_code == 409 and first.number in twice.json()["message"]
    assert post(client, {"order_ids": []}).status_code in (400, 422)
    assert post(client, {"order_ids": [10 ** 20]}).status_code in (400, 422)


def test_scope_and_permission(tenant, owner, factories, other_company):
    order = factories.settlement.finished()
    _tenant, other_owner = other_company
    assert post(api_client_for(other_owner), {"order_ids": [order.pk]}).status_code == 404
    engineer = make_user(tenant, roles=("engineer",))
    assert api_client_for(engineer).get("/api/v1/settlements").status_code == 403
    director = make_user(tenant, roles=("director",))
    assert post(api_client_for(director), {"order_ids": [order.pk]}).status_code == 403
    assert not Settlement.objects.exists()
