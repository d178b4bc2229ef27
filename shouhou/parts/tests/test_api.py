"""The API names of issue 11: stock moves, on-hand by warehouse and person, movements, requisitions and
returns with their decisions; refusals in the error envelope."""

import json

import pytest

from shouhou.core.testing import api_client_for
from shouhou.parts.testing_helpers import on_hand

pytestmark = pytest.mark.django_db


def post(client, address, data):
    return client.post(address, json.dumps(data), content_type="application/json")


@pytest.fixture
def world(f, keeper, engineer):
    warehouse = f.parts.warehouse(name="总仓", managers=[keeper])
    regional = f.parts.warehouse(name="区域仓", kind="regional")
    part = f.parts.part(name="压缩机", number="YS-1")
    return warehouse, regional, part


def test_stock_moves_and_reads(world, owner, engineer):
    warehouse, regional, part = world
    client = api_client_for(owner)
    line = {"part_id": part.pk, "quantity": "5"}
    response = post(client, "/api/v1/stock/in", {"warehouse_id": warehouse.pk, "lines": [line], "reason": "采购"})
    assert response.status_code == 201, response.content
    assert response.json()["movements"][0]["balance"] == "5.000"
    assert post(client, "/api/v1/stock/out", {"warehouse_id": warehouse.pk,
                                             "lines": [{"part_id": part.pk, "quantity": 1}]}).status_code == 201
    assert post(client, "/api/v1/stock/transfer", {"warehouse_id": warehouse.pk, "to_warehouse_id": regional.pk,
                                                  "lines": [{"part_id": part.pk, "quantity": "1.5"}]}).status_code == 201
    response = post(client, "/api/v1/stock/allocate", {"warehouse_id": warehouse.pk, "holder_id": engineer.pk,
                                                      "lines": [{"part_id": part.pk, "quantity": 1}]})
    assert response.status_code == 201 and len(response.json()["movements"]) == 2
    by_warehouse = client.get(f"/api/v1/stock?warehouse_id={warehouse.pk}").json()["results"]
    assert [row["quantity"] for row in by_warehouse] == ["1.500"]
    by_holder = client.get(f"/api/v1/stock?holder_id={engineer.pk}").json()["results"]
    assert [(row["holder"]["id"], row["quantity"]) for row in by_holder] == [(engineer.pk, "1.000")]
    kinds = [row["kind"] for row in client.get("/api/v1/stock/movements").json()["results"]]
    assert kinds.count("allocate") == 2 and "transfer_in" in kinds
    response = post(client, "/api/v1/stock/safety", {"warehouse_id": warehouse.pk, "part_id": part.pk,
                                                     "safety_quantity": 3})
    assert response.json()["below_safety"] is True
    assert len(client.get("/api/v1/stock?below_safety=true").json()["results"]) == 1


def test_out_beyond_on_hand_answers_400_with_the_available_quantity(world, owner):
    warehouse, _regional, part = world
    client = api_client_for(owner)
    response = post(client, "/api/v1/stock/out", {"warehouse_id": warehouse.pk,
                                                 "lines": [{"part_id": part.pk, "quantity": 1}]})
    assert response.status_code == 400
    assert "Only 0 of" in response.json()["details"]["lines.0.quantity"][0]


@pytest.mark.parametrize("quantity", [0, -1, "NaN", "Infinity", "1.0001", "1e30", True, "abc"])
def test_bad_quantities_are_400(world, owner, quantity):
    warehouse, _regional, part = world
    response = post(api_client_for(owner), "/api/v1/stock/in",
                    {"warehouse_id": warehouse.pk, "lines": [{"part_id": part.pk, "quantity": quantity}]})
    assert response.status_code == 400, response.content
    assert on_hand(part, warehouse=warehouse) == 0


def test_keeper_cannot_move_another_warehouses_stock(world, keeper, owner):
    warehouse, regional, part = world
    response = post(api_client_for(keeper), "/api/v1/stock/in",
                    {"warehouse_id": regional.pk, "lines": [{"part_id": part.pk, "quantity": 1}]})
    assert response.status_code == 400 and "warehouse_id" in response.json()["details"]
    ids = [row["id"] for row in api_client_for(keeper).get("/api/v1/warehouses").json()["results"]]
    assert ids == [warehouse.pk]
    assert api_client_for(keeper).get(f"/api/v1/warehouses/{regional.pk}").status_code == 404


def test_requisition_journey(world, f, keeper, engineer):
    warehouse, _regional, part = world
    f.parts.stock(warehouse, part, 10)
    mine = api_client_for(engineer)
    response = post(mine, "/api/v1/requisitions", {"warehouse_id": warehouse.pk, "note": "换压缩机",
                                                   "lines": [{"part_id": part.pk, "quantity": 3}]})
    assert response.status_code == 201, response.content
    requisition = response.json()
    assert requisition["status"] == "pending" and requisition["lines"][0]["quantity"] == "3.000"
    # the engineer cannot approve his own
    assert post(mine, f"/api/v1/requisitions/{requisition['id']}/approve", {}).status_code == 403
    response = post(api_client_for(keeper), f"/api/v1/requisitions/{requisition['id']}/approve",
                    {"expected_version": 0, "lines": [{"part_id": part.pk, "quantity": 2}]})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "partly"
    assert on_hand(part, holder=engineer) == 2
    # stale decisions are 409
    assert post(api_client_for(keeper), f"/api/v1/requisitions/{requisition['id']}/refuse",
                {"expected_version": 0}).status_code == 409
    back = post(mine, "/api/v1/returns", {"warehouse_id": warehouse.pk, "lines": [{"part_id": part.pk, "quantity": 1}]})
    assert back.status_code == 201
    assert post(api_client_for(keeper), f"/api/v1/returns/{back.json()['id']}/approve", {}).json()["status"] == "approved"
    assert on_hand(part, holder=engineer) == 1
    withdrawn = post(mine, "/api/v1/requisitions", {"warehouse_id": warehouse.pk,
                                                    "lines": [{"part_id": part.pk, "quantity": 1}]}).json()
    assert post(mine, f"/api/v1/requisitions/{withdrawn['id']}/withdraw", {}).json()["status"] == "withdrawn"
    assert mine.get(f"/api/v1/returns/{withdrawn['id']}").status_code == 404  # a requisition is no return
