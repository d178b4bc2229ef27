"""Browser (headless Chromium): 地图派单 — the dispatcher opens the map, picks an order, sees the people nearest
first with the distances drawn, and assigns the nearest through the flow; the assign dialog's map chooses a
person by his marker; the phone asks once for consent, reports its position, and shows the pool on a map.
Screenshots: test-artifacts/workorders-dispatch-map*.png, workorders-assign-map.png, mobile-pool-map.png."""

import time

import pytest

from shouhou.accounts.models import User
from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.workorders.models import Status, WorkOrder
from shouhou.workorders.services import locations
from shouhou.workorders.services import pool as pool_services

from .test_services import set_setting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORDER_AT = (31.230416, 121.473701)


def _place(user, km_north, km_east=0.0):
    locations.report_location(user=user, latitude=f"{ORDER_AT[0] + km_north / 111.195:.6f}",
                              longitude=f"{ORDER_AT[1] + km_east / 95.0:.6f}")


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_dispatcher_assigns_the_nearest_engineer_from_the_map(page, world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    settings.MAPS_TILE_URL = ""  # no tile server: points and distances on a plain background
    order = world.make_order()
    world.make_order(customer=world.customer)  # a second order to choose from
    _place(world.engineer, 6.5, 2)
    _place(world.engineer2, 1.8, -1)
    set_setting(world.tenant, "workorder.hide_position_user_ids", [world.approver.pk])
    _place(world.approver, 0.2)  # nearest of all, but hidden (WOSET-D4): on no map

    login(page, world.dispatcher.phone, DEMO_PASSWORD)
    page.goto("/work-orders/map/")
    page.wait_for_selector(f".dispatch-row[data-order-id='{order.pk}']")
    page.wait_for_selector(".leaflet-marker-icon.map-person")
    assert page.locator(".leaflet-marker-icon.map-pin").count() == 2
    assert page.locator(".leaflet-marker-icon.map-person").count() == 2  # the hidden one is not drawn
    shot(page, "workorders-dispatch-map")

    page.click(f".dispatch-row[data-order-id='{order.pk}']")
    page.wait_for_selector("[data-candidates] .dispatch-candidate")
    rows = page.locator("[data-candidates] .dispatch-candidate")
    assert rows.first.get_attribute("data-user-id") == str(world.engineer2.pk)  # nearest first
    assert str(world.approver.pk) not in [rows.nth(i).get_attribute("data-user-id") for i in range(rows.count())]
    assert "公里" in rows.first.inner_text()
    assert page.locator(".leaflet-tooltip.map-distance").count() >= 2  # the distances drawn
    shot(page, "workorders-dispatch-map-chosen")

    rows.first.locator("[data-assign]").click()
    page.wait_for_selector("#confirm-dialog.show")
    page.click("#confirm-dialog .confirm-ok")
    page.wait_for_selector(".alert-success, .toast, [role=alert]")
    page.wait_for_selector(".dispatch-row")
    order.refresh_from_db()
    assert order.assignee_id == world.engineer2.pk and order.status == Status.ASSIGNED
    assert order.pk not in [int(v) for v in page.locator(".dispatch-row").evaluate_all(
        "rows => rows.map(r => r.dataset.orderId)")]
    assert not page.js_errors


def test_the_assign_dialog_map_chooses_by_marker(page, world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    order = world.make_order()
    _place(world.engineer, 4)
    _place(world.engineer2, 1)
    login(page, world.dispatcher.phone, DEMO_PASSWORD)
    page.goto(f"/work-orders/{order.pk}/")
    page.click("a[data-action=assign]")
    page.wait_for_selector(".modal .map-canvas .leaflet-marker-icon.map-person")
    page.locator(".modal .leaflet-marker-icon.map-person").filter(has_text="工").first.wait_for()
    marker = page.locator(".modal .leaflet-marker-icon.map-person[title='工程师甲']")
    marker.click()
    assert page.locator(f".modal input[name=assignee][value='{world.engineer.pk}']").is_checked()
    shot(page, "workorders-assign-map")
    page.click(".modal button[type=submit]")
    page.wait_for_selector(".modal .map-canvas", state="detached")
    order.refresh_from_db()
    assert order.assignee_id == world.engineer.pk
    assert not page.js_errors


def test_the_console_map_page_on_a_phone(phone, world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    world.make_order()
    _place(world.engineer, 3)
    login(phone, world.dispatcher.phone, DEMO_PASSWORD)
    phone.goto("/work-orders/map/")
    phone.wait_for_selector(".dispatch-row")
    _no_horizontal_scroll(phone)
    shot(phone, "workorders-dispatch-map-phone")
    assert not phone.js_errors


def test_the_phone_asks_once_reports_and_shows_the_pool_map(phone, world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    set_setting(world.tenant, "workorder.pool_enabled", True)
    pool_services.publish(actor=world.dispatcher, order=world.make_order(), note="")
    far = world.make_order()
    WorkOrder.objects.filter(pk=far.pk).update(latitude="31.300000", longitude="121.500000")
    pool_services.publish(actor=world.dispatcher, order=WorkOrder.objects.get(pk=far.pk), note="")
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": ORDER_AT[0] + 0.01, "longitude": ORDER_AT[1]})

    login(phone, world.engineer.phone, DEMO_PASSWORD)
    phone.goto("/m/pool/")
    consent = phone.locator("[data-location-consent]")
    consent.wait_for()
    shot(phone, "mobile-location-consent")
    consent.locator(".btn-primary").click()
    for _ in range(50):  # the report is asynchronous
        if User.objects.get(pk=world.engineer.pk).last_located_at:
            break
        time.sleep(0.1)
    user = User.objects.get(pk=world.engineer.pk)
    assert user.last_located_at is not None and float(user.last_latitude) == pytest.approx(ORDER_AT[0] + 0.01, abs=1e-5)

    phone.reload()
    assert phone.locator("[data-location-consent]").count() == 0  # asked once, remembered
    phone.click("[data-view-toggle='m-pool'] [data-view=map]")
    phone.wait_for_selector(".m-pool-map .leaflet-marker-icon.map-pin")
    assert phone.locator(".m-pool-map .leaflet-marker-icon.map-pin").count() == 2
    _no_horizontal_scroll(phone)
    phone.wait_for_timeout(300)
    shot(phone, "mobile-pool-map")
    phone.locator(".m-pool-map .leaflet-marker-icon.map-pin").first.click()
    phone.wait_for_selector(".map-popup a")
    phone.click(".map-popup a")
    assert phone.locator("[data-view-panel=list]").is_visible()
    assert not phone.js_errors
