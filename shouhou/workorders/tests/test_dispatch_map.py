"""地图派单 (WO-25, issue 10): the map page's data (orders, engineers with work status, counts and last-seen
time), distances to a chosen order nearest first, assigning from the map through the flow, WOSET-D4 hidden
people on no map and in no answer feeding one, coordinates converted for the configured map, the pool's
map (console and phone), the assign dialog's map (WOSET-D2), POST /api/v1/me/location (ranges, throttle)
and the 工单设置 controls of D2/D4 and the position freshness."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhou.accounts.models import User
from shouhou.core import company_settings, geo
from shouhou.core.testing import api_client_for, client_for, make_company
from shouhou.workorders.models import Status, WorkOrder
from shouhou.workorders.queries import orders as order_queries
from shouhou.workorders.services import locations
from shouhou.workorders.services import orders as order_services

from .conftest import make_customer
from .test_services import set_setting

ORDER_AT = (31.230416, 121.473701)  # the world's customer address (上海 人民广场)


def north(km):
    return ORDER_AT[0] + km / 111.195, ORDER_AT[1]


def place(user, km):
    lat, lng = north(km)
    locations.report_location(user=user, latitude=f"{lat:.6f}", longitude=f"{lng:.6f}")


def url(name, *args):
    return reverse(f"workorders:{name}", args=args)


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response


@pytest.fixture
def dispatcher(world):
    return client_for(world.dispatcher)


@pytest.fixture
def located(world):
    """An order at ORDER_AT, the engineer 5 km north of it, the second engineer 2 km north."""
    place(world.engineer, 5)
    place(world.engineer2, 2)
    return world.make_order()


def data(client, **params):
    return ok(client.get(url("map_data"), params)).json()


def test_the_map_page_and_its_data(world, dispatcher, located):
    page = ok(dispatcher.get(url("map"))).content.decode()
    assert 'data-dispatch-map' in page and "dispatch_map.js" in page
    body = data(dispatcher)
    orders = {row["id"]: row for row in body["orders"]}
    assert orders[located.pk]["point"] == [round(ORDER_AT[0], 6), round(ORDER_AT[1], 6)]
    assert orders[located.pk]["status"] == Status.PENDING and orders[located.pk]["assignable"] is True
    people = {row["id"]: row for row in body["engineers"]}
    first = people[world.engineer.pk]
    assert first["source"] == "reported" and first["last_seen"] and first["point"][0] > ORDER_AT[0]
    assert {"work_status", "status_color", "open", "done_today"} <= set(first)
    assert body["unlocated_orders"] == 0


def test_counts_of_open_and_done_today(world, dispatcher, located):
    world.assigned(assignee=world.engineer)
    done = world.in_progress()
    from shouhou.workorders.services import actions as order_actions
    order_actions.complete(actor=world.engineer, order=done, content="好了", expected_version=done.version)
    person = {row["id"]: row for row in data(dispatcher)["engineers"]}[world.engineer.pk]
    assert person["open"] == 1 and person["done_today"] == 1


def test_show_chooses_to_dispatch_or_every_open_order(world, dispatcher, located):
    assigned = world.assigned()
    assert assigned.pk not in {row["id"] for row in data(dispatcher)["orders"]}
    assert assigned.pk in {row["id"] for row in data(dispatcher, show="open")["orders"]}
    assert dispatcher.get(url("map_data"), {"show": "everything"}).status_code == 400
    assert dispatcher.get(url("map"), {"show": "x\x01"}).status_code == 400


def test_an_order_without_position_is_counted_not_drawn(world, dispatcher):
    customer = make_customer(world.tenant, city="", address_detail="某处", latitude=None, longitude=None)
    order = world.make_order(customer=customer)
    assert order.latitude is None
    body = data(dispatcher)
    assert order.pk not in {row["id"] for row in body["orders"]} and body["unlocated_orders"] == 1


def test_distances_nearest_first(world, dispatcher, located):
    body = ok(dispatcher.get(url("map_distances", located.pk))).json()
    assert body["order"]["id"] == located.pk
    ranked = [row["user_id"] for row in body["candidates"]]
    assert ranked[:2] == [world.engineer2.pk, world.engineer.pk]
    assert body["candidates"][0]["distance_km"] == pytest.approx(2, abs=0.05)
    assert body["candidates"][0]["point"] and body["candidates"][0]["reasons"]


def test_people_hidden_by_d4_are_on_no_map(world, dispatcher, located):
    set_setting(world.tenant, "workorder.hide_position_user_ids", [world.engineer2.pk])
    assert world.engineer2.pk not in {row["id"] for row in data(dispatcher)["engineers"]}
    body = ok(dispatcher.get(url("map_distances", located.pk))).json()
    assert [row["user_id"] for row in body["candidates"]] == [world.engineer.pk]
    dialog = ok(dispatcher.get(url("action_assign", located.pk))).content.decode()
    payload = json.loads(dialog.split('id="assign-map-data" type="application/json">')[1].split("</script>")[0])
    assert [row["user_id"] for row in payload["candidates"]] == [world.engineer.pk]
    assert "工程师乙" not in json.dumps(payload, ensure_ascii=False)
    # still assignable through the dialog's list, only not placed
    assert f'value="{world.engineer2.pk}"' in dialog


def test_points_are_converted_for_the_configured_map(world, dispatcher, located, settings):
    settings.MAPS_COORDINATES = "gcj02"
    row = {row["id"]: row for row in data(dispatcher)["orders"]}[located.pk]
    expected = geo.wgs84_to_gcj02(*ORDER_AT)
    assert row["point"] == [round(expected[0], 6), round(expected[1], 6)]
    assert row["point"] != [round(ORDER_AT[0], 6), round(ORDER_AT[1], 6)]
    settings.MAPS_COORDINATES = "bd09"
    expected = geo.wgs84_to_bd09(*ORDER_AT)
    assert {row["id"]: row for row in data(dispatcher)["orders"]}[located.pk]["point"] == [
        round(expected[0], 6), round(expected[1], 6)]


def test_tiles_come_from_the_setting_and_the_csp_allows_them(world, dispatcher, settings):
    settings.MAPS_TILE_URL = "https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}"
    page = ok(dispatcher.get(url("map"))).content.decode()
    assert 'data-map-tiles="https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&amp;y={y}&amp;z={z}"' in page
    from config.settings import tile_origins
    assert tile_origins(settings.MAPS_TILE_URL) == ["https://*.is.autonavi.com"]
    assert tile_origins("") == [] and tile_origins("javascript:alert(1)") == []
    settings.MAPS_TILE_URL = ""
    assert 'data-map-tiles=""' in ok(dispatcher.get(url("map"))).content.decode()  # a plain background


def test_assign_from_the_map_goes_through_the_flow(world, dispatcher, located):
    response = dispatcher.post(url("map_assign", located.pk), {
        "assignee": world.engineer2.pk, "expected_version": located.version})
    assert response.status_code == 302 and response["Location"] == url("map")
    order = WorkOrder.objects.get(pk=located.pk)
    assert order.assignee_id == world.engineer2.pk and order.status == Status.ASSIGNED
    assert any(entry.verb == "assigned" for entry in order_queries.timeline_of(order))


def test_assign_from_the_map_refuses_and_changes_nothing(world, dispatcher, located):
    stale = located.version
    order_services.update_work_order(actor=world.owner, order=located, description="别人刚改过")
    for form in ({"assignee": world.engineer.pk, "expected_version": stale},  # a stale page
                 {"assignee": "", "expected_version": located.version + 1},  # nobody chosen
                 {"assignee": "99999999999999999999", "expected_version": located.version + 1},
                 {"assignee": world.owner.pk + 10_000, "expected_version": located.version + 1}):  # nobody
        response = dispatcher.post(url("map_assign", located.pk), form, follow=True)
        assert response.status_code == 200
        assert any(m.level_tag == "error" for m in response.context["messages"])
        assert WorkOrder.objects.get(pk=located.pk).assignee_id is None


def test_who_may_use_the_map(world, located):
    engineer = client_for(world.engineer)
    for path in (url("map"), url("map_data"), url("map_distances", located.pk)):
        assert engineer.get(path).status_code == 403
    assert engineer.post(url("map_assign", located.pk), {"assignee": world.engineer.pk}).status_code == 403
    assert WorkOrder.objects.get(pk=located.pk).assignee_id is None


def test_another_companys_order_is_404(world, located):
    other_tenant, other_owner = make_company()
    outsider = client_for(other_owner)
    assert outsider.get(url("map_distances", located.pk)).status_code == 404
    assert outsider.post(url("map_assign", located.pk), {"assignee": 1}).status_code == 404
    assert located.pk not in {row["id"] for row in data(outsider)["orders"]}
    assert client_for(world.owner).get(url("map_distances", 2**63)).status_code == 404


# --- the pool's map ----------------------------------------------------------------------------------

def published(world):
    set_setting(world.tenant, "workorder.pool_enabled", True)
    from shouhou.workorders.services import pool as pool_services
    return pool_services.publish(actor=world.dispatcher, order=world.make_order(), note="")


def test_the_pool_map_console_and_phone(world):
    order = published(world)
    page = ok(client_for(world.dispatcher).get(url("pool"))).content.decode()
    assert 'data-view-toggle="pool"' in page and reverse("workorders:pool_map_data") in page
    rows = ok(client_for(world.engineer).get(url("pool_map_data"))).json()["orders"]
    assert [row["id"] for row in rows] == [order.pk] and rows[0]["point"]
    phone = client_for(world.engineer)
    assert 'data-view-toggle="m-pool"' in ok(phone.get(reverse("mobile:pool"))).content.decode()
    body = ok(phone.get(reverse("mobile:pool_map"))).json()
    assert body["me"] is None and body["orders"][0]["url"] == f"#pool-{order.pk}"
    place(world.engineer, 3)
    body = ok(client_for(world.engineer).get(reverse("mobile:pool_map"))).json()
    assert body["me"] and body["orders"][0]["distance_km"] == pytest.approx(3, abs=0.05)


# --- the assign dialog's map (WOSET-D2) -----------------------------------------------------------------

def test_the_assign_dialog_has_a_map_unless_turned_off(world, dispatcher, located):
    dialog = ok(dispatcher.get(url("action_assign", located.pk))).content.decode()
    assert 'data-map-select="assignee"' in dialog and 'id="assign-map-data"' in dialog
    set_setting(world.tenant, "workorder.assign_map", False)
    assert "assign-map-data" not in ok(dispatcher.get(url("action_assign", located.pk))).content.decode()


# --- POST /api/v1/me/location -----------------------------------------------------------------------------

def post_location(client, body):
    return client.post("/api/v1/me/location", json.dumps(body), content_type="application/json")


def test_location_api_stores_the_position(world):
    response = post_location(api_client_for(world.engineer), {"latitude": 31.2304, "longitude": 121.4737})
    assert response.status_code == 200, response.content
    assert response.json()["latitude"] in ("31.230400", 31.2304)
    user = User.objects.get(pk=world.engineer.pk)
    assert float(user.last_latitude) == 31.2304 and user.last_located_at is not None


@pytest.mark.parametrize("body", [
    {"latitude": 91, "longitude": 0}, {"latitude": 0, "longitude": -180.5}, {"latitude": "north", "longitude": 1},
    {"latitude": 30}, {}, {"latitude": None, "longitude": None},
])
def test_location_api_refuses_bad_coordinates(world, body):
    response = post_location(api_client_for(world.engineer), body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_error"
    assert User.objects.get(pk=world.engineer.pk).last_located_at is None


def test_location_api_is_throttled(world, settings):
    settings.LOCATION_REPORT_MIN_SECONDS = 120
    client = api_client_for(world.engineer)
    assert post_location(client, {"latitude": 31.2, "longitude": 121.4}).status_code == 200
    again = post_location(client, {"latitude": 39.9, "longitude": 116.4})
    assert again.status_code == 429 and again.json()["code"] == "throttled"
    assert 0 < int(again["Retry-After"]) <= 120 and again.json()["details"]["retry_after"] == int(again["Retry-After"])
    assert float(User.objects.get(pk=world.engineer.pk).last_latitude) == 31.2  # nothing changed
    User.objects.filter(pk=world.engineer.pk).update(last_located_at=timezone.now() - timedelta(seconds=121))
    assert post_location(client, {"latitude": 39.9, "longitude": 116.4}).status_code == 200
    assert float(User.objects.get(pk=world.engineer.pk).last_latitude) == 39.9


def test_the_phone_report_is_throttled_too(world, settings):
    settings.LOCATION_REPORT_MIN_SECONDS = 120
    phone = client_for(world.engineer)
    first = phone.post(reverse("mobile:location"), {"latitude": "31.2", "longitude": "121.4"})
    assert first.status_code == 200 and first.json()["ok"] is True
    second = phone.post(reverse("mobile:location"), {"latitude": "39.9", "longitude": "116.4"})
    assert second.status_code == 429 and second.json()["retry_after"] > 0
    assert float(User.objects.get(pk=world.engineer.pk).last_latitude) == 31.2


def test_the_location_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/me/location"]["post"]
    assert "429" in operation["responses"] and "throttled" in operation["description"]


# --- 工单设置: D2, D4 and the position freshness ----------------------------------------------------------------

def test_settings_page_saves_the_map_settings(world):
    admin = client_for(world.owner)
    page = ok(admin.get(url("settings"))).content.decode()
    assert 'name="hide_position_user_ids"' in page and world.engineer.name in page
    form = {"location_max_km": "0", "position_fresh_hours": "8", "hide_position_user_ids": [world.engineer.pk],
            "assign_map": "on"}
    ok(admin.post(url("settings"), form), 302)
    world.tenant.refresh_from_db()
    saved = company_settings.values(world.tenant, group="workorder")
    assert saved["workorder.hide_position_user_ids"] == [world.engineer.pk]
    assert saved["workorder.position_fresh_hours"] == 8 and saved["workorder.assign_map"] is True
    ok(admin.post(url("settings"), {**form, "position_fresh_hours": "0"}), 400)
    ok(admin.post(url("settings"), {**form, "hide_position_user_ids": ["abc"]}), 400)
    world.tenant.refresh_from_db()
    assert company_settings.values(world.tenant, group="workorder")["workorder.position_fresh_hours"] == 8
    ok(admin.post(url("settings"), {"location_max_km": "0"}), 302)
    world.tenant.refresh_from_db()
    assert company_settings.values(world.tenant, group="workorder")["workorder.position_fresh_hours"] == 4.0
