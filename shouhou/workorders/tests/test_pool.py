"""The work-order pool (工单池, WO-23; WOSET-P1…P7): publishing and claiming are flow actions (timeline,
events, deadlines of the runner); the team partition (P5), the daily cap per company day (P7), handing
back (P6), the pool's timeout told once (P4), refusals that change nothing, other companies' 404, the API."""

import json
from datetime import timedelta

import pytest

from shouhou.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shouhou.core.models import OutboxEvent
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import api_client_for, make_team, make_user
from shouhou.workorders.models import PoolClaim, Status, WorkOrder
from shouhou.workorders.queries import pool as pool_queries
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import pool as pool_services
from shouhou.workorders.services import timeouts as timeout_services

from .conftest import make_customer
from .test_services import Clock, assert_refused, set_setting, verbs


@pytest.fixture
def pool_on(world):
    set_setting(world.tenant, "workorder.pool_enabled", True)
    return world


def published(world, **extra):
    return pool_services.publish(actor=world.dispatcher, order=world.make_order(**extra))


def test_publish_puts_a_new_order_in_the_pool(pool_on):
    world = pool_on
    order = published(world, )
    assert (order.status, order.assignee_id, order.dispatcher_id) == (Status.POOLED, None, world.dispatcher.pk)
    assert verbs(order)[-1] == "published"
    assert OutboxEvent.objects.filter(name="workorder.published").count() == 1
    assert list(pool_queries.claimable_orders(world.engineer)) == [order]


def test_claim_makes_the_engineer_the_assignee_at_accepted(pool_on):
    world = pool_on
    order = published(world)
    claimed = pool_services.claim(actor=world.engineer, order=order.pk, expected_version=order.version)
    assert (claimed.status, claimed.assignee_id) == (Status.ACCEPTED, world.engineer.pk)
    assert claimed.accepted_at is not None and verbs(claimed)[-1] == "claimed"
    assert PoolClaim.objects.filter(order=order, user=world.engineer).count() == 1
    assert OutboxEvent.objects.filter(name="workorder.claimed").count() == 1
    # the engineer goes on as with any accepted order
    assert order_actions.start(actor=world.engineer, order=claimed).status == Status.IN_PROGRESS


def test_second_claim_is_refused_with_the_claimed_message(pool_on):
    world = pool_on
    order = published(world)
    pool_services.claim(actor=world.engineer, order=order.pk)
    error = assert_refused(order, Conflict, lambda: pool_services.claim(actor=world.engineer2, order=order.pk))
    assert error.status == 409 and error.code == "conflict"
    assert "claimed by someone else" in str(error.message)


def test_pool_off_refuses_publish_and_claim(world):
    order = world.make_order()
    assert_refused(order, PermissionDenied, lambda: pool_services.publish(actor=world.dispatcher, order=order))
    set_setting(world.tenant, "workorder.pool_enabled", True)
    order = pool_services.publish(actor=world.dispatcher, order=order)
    set_setting(world.tenant, "workorder.pool_enabled", False)
    assert_refused(order, PermissionDenied, lambda: pool_services.claim(actor=world.engineer, order=order.pk))


def test_engineer_cannot_publish_a_new_order_and_publish_twice_is_409(pool_on):
    world = pool_on
    order = world.make_order()
    # outside his data scope: not found; a colleague with the scope but without the assign permission: 403
    assert_refused(order, NotFound, lambda: pool_services.publish(actor=world.engineer, order=order))
    order = pool_services.publish(actor=world.dispatcher, order=order)
    assert_refused(order, Conflict, lambda: pool_services.publish(actor=world.dispatcher, order=order))


def test_stale_version_changes_nothing(pool_on):
    world = pool_on
    order = published(world)
    assert_refused(order, Conflict, lambda: pool_services.claim(actor=world.engineer, order=order.pk,
                                                                 expected_version=order.version - 1))


def test_hand_back_needs_p6(pool_on):
    world = pool_on
    order = order_actions.accept(actor=world.engineer, order=world.assigned())
    assert_refused(order, PermissionDenied, lambda: pool_services.publish(actor=world.engineer, order=order))
    set_setting(world.tenant, "workorder.pool_transfer_back", True)
    assert_refused(order, NotFound, lambda: pool_services.publish(actor=world.engineer2, order=order))
    back = pool_services.publish(actor=world.engineer, order=order, note="没空")
    assert (back.status, back.assignee_id, back.dispatcher_id) == (Status.POOLED, None, world.dispatcher.pk)
    again = pool_services.claim(actor=world.engineer2, order=back.pk)
    assert again.assignee_id == world.engineer2.pk


def test_team_partition(pool_on):
    world = pool_on
    region = make_team(world.tenant, name="华东")
    city = make_team(world.tenant, name="上海", parent=region)
    inside = make_user(world.tenant, roles=("engineer",), teams=[city], name="上海工程师")
    served = make_customer(world.tenant, service_team=region)
    order = published(world, customer=served)
    open_order = published(world)  # a customer without a service team: everybody's
    assert set(pool_queries.claimable_orders(world.engineer)) == {order, open_order}  # P5 off
    set_setting(world.tenant, "workorder.pool_by_team", True)
    assert set(pool_queries.claimable_orders(world.engineer)) == {open_order}
    assert set(pool_queries.claimable_orders(inside)) == {order, open_order}
    assert_refused(order, NotFound, lambda: pool_services.claim(actor=world.engineer, order=order.pk))
    assert pool_services.claim(actor=inside, order=order.pk).assignee_id == inside.pk


def test_daily_cap_counts_the_company_day(pool_on, monkeypatch):
    world = pool_on
    clock = Clock(monkeypatch)
    set_setting(world.tenant, "workorder.pool_daily_cap", 2)
    orders = [published(world) for _ in range(4)]
    pool_services.claim(actor=world.engineer, order=orders[0].pk)
    pool_services.claim(actor=world.engineer, order=orders[1].pk)
    assert pool_queries.claims_today(world.engineer, now=clock.now) == 2
    error = assert_refused(orders[2], ValidationFailed,
                           lambda: pool_services.claim(actor=world.engineer, order=orders[2].pk))
    assert "limit of 2" in str(error.message)
    assert pool_services.claim(actor=world.engineer2, order=orders[2].pk)  # his own count
    start, end = pool_queries.company_day(clock.now)
    assert end - start == timedelta(days=1) and str(start.tzinfo) == "Asia/Shanghai"
    PoolClaim.objects.filter(user=world.engineer).update(claimed_at=start - timedelta(minutes=1))  # yesterday
    assert pool_services.claim(actor=world.engineer, order=orders[3].pk).assignee_id == world.engineer.pk


def test_pool_timeout_tells_the_dispatcher_once(pool_on, monkeypatch, django_capture_on_commit_callbacks):
    world = pool_on
    clock = Clock(monkeypatch)
    set_setting(world.tenant, "workorder.pool_timeout_hours", 0.5)
    order = published(world)
    assert order.deadline_node == "pool" and order.deadline_at == clock.now + timedelta(minutes=30)
    later = clock.now + timedelta(minutes=31)
    with django_capture_on_commit_callbacks(execute=True):
        timeout_services.process_timeouts(now=later)
        timeout_services.process_timeouts(now=later + timedelta(minutes=5))
    stored = WorkOrder.objects.get(pk=order.pk)
    assert stored.is_overdue and verbs(stored).count("overdue") == 1
    events = OutboxEvent.objects.filter(name="workorder.timeout")
    assert [event.payload["kind"] for event in events] == ["overdue"]
    from shouhou.messaging.models import Notification

    notes = Notification.objects.filter(user=world.dispatcher, title__contains="claimed")
    assert notes.count() == 1
    assert pool_queries.pool_counts(world.engineer)["overdue"] == 1
    claimed = pool_services.claim(actor=world.engineer, order=order.pk)  # claiming stops the pool's clock
    assert not claimed.is_overdue and claimed.deadline_node != "pool"


def test_batch_publish_all_or_nothing(pool_on):
    world = pool_on
    first, second = world.make_order(), world.make_order()
    second = order_actions.assign(actor=world.dispatcher, order=second, assignee=world.engineer)
    with pytest.raises(PermissionDenied):  # P6 off: the assigned one cannot go; the first stays too
        pool_services.batch_publish(actor=world.dispatcher, orders=[first, second])
    assert WorkOrder.objects.get(pk=first.pk).status == Status.PENDING
    third = world.make_order()
    done = pool_services.batch_publish(actor=world.dispatcher, orders=[first, third])
    assert {order.status for order in done} == {Status.POOLED}


def test_other_company_is_404(pool_on, other_company):
    world = pool_on
    order = published(world)
    stranger_tenant, stranger_owner = other_company
    with tenant_context(stranger_tenant):
        set_setting(stranger_tenant, "workorder.pool_enabled", True)
        with pytest.raises(NotFound):
            pool_services.claim(actor=stranger_owner, order=order.pk)
        assert list(pool_queries.claimable_orders(stranger_owner)) == []


def test_api(pool_on):
    world = pool_on
    order = world.make_order()
    dispatcher, engineer = api_client_for(world.dispatcher), api_client_for(world.engineer)
    response = dispatcher.post(f"/api/v1/work-orders/{order.pk}/publish", json.dumps({"expected_version": 0}),
                               content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "pooled"
    listed = engineer.get("/api/v1/pool").json()
    assert [row["id"] for row in listed["results"]] == [order.pk] and listed["count"] == 1
    version = response.json()["version"]
    response = engineer.post(f"/api/v1/work-orders/{order.pk}/claim", json.dumps({"expected_version": version}),
                             content_type="application/json")
    assert response.status_code == 200 and response.json()["assignee"]["id"] == world.engineer.pk
    response = api_client_for(world.engineer2).post(f"/api/v1/work-orders/{order.pk}/claim", "{}",
                                                          content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert engineer.get("/api/v1/pool").json()["count"] == 0
    assert engineer.post("/api/v1/work-orders/99999999999/claim", "{}",
                         content_type="application/json").status_code in (400, 404, 422)
    assert engineer.post(f"/api/v1/work-orders/{order.pk}/publish", json.dumps({"note": "a\x00b"}),
                         content_type="application/json").status_code in (400, 422)
    assert engineer.get("/api/v1/pool?page=0").status_code in (400, 422)


# --- the console ---------------------------------------------------------------------------------------------

def test_pool_page_and_claim_button(pool_on):
    from shouhou.core.testing import client_for

    world = pool_on
    order = published(world)
    page = client_for(world.engineer).get("/work-orders/pool/")
    assert page.status_code == 200
    html = page.content.decode()
    assert order.number in html and f'data-claim="{order.pk}"' in html and 'data-kpi="waiting"' in html
    response = client_for(world.engineer).post(f"/work-orders/pool/{order.pk}/claim/",
                                               {"expected_version": order.version})
    assert response.status_code == 302 and response["Location"].endswith(f"/work-orders/{order.pk}/")
    assert WorkOrder.objects.get(pk=order.pk).assignee_id == world.engineer.pk
    # a second claim: back to the pool with the message, nothing changed
    response = client_for(world.engineer2).post(f"/work-orders/pool/{order.pk}/claim/", {"expected_version": "x"},
                                                follow=True)
    assert "claimed by someone else" in response.content.decode()
    assert client_for(world.engineer).get(f"/work-orders/pool/{order.pk}/claim/").status_code == 405


def test_publish_from_the_detail_page_and_in_batch(pool_on):
    from shouhou.core.testing import client_for

    world = pool_on
    order = world.make_order()
    client = client_for(world.dispatcher)
    detail = client.get(f"/work-orders/{order.pk}/").content.decode()
    assert f"/work-orders/{order.pk}/publish/" in detail
    response = client.post(f"/work-orders/{order.pk}/publish/", {"expected_version": order.version, "note": "抢单"})
    assert response.status_code in (200, 302, 204)
    assert WorkOrder.objects.get(pk=order.pk).status == Status.POOLED
    first, second = world.make_order(), world.make_order()
    dialog = client.get("/work-orders/batch/publish/", {"ids": [first.pk, second.pk]})
    assert dialog.status_code == 200
    response = client.post("/work-orders/batch/publish/", {"ids": [first.pk, second.pk], "note": ""})
    assert response.status_code in (200, 302, 204)
    assert set(WorkOrder.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {"pooled"}


def test_settings_page_saves_the_pool_settings(world):
    from shouhou.core.company_settings import get
    from shouhou.core.testing import client_for

    client = client_for(world.owner)
    page = client.get("/work-orders/settings/general/")
    assert page.status_code == 200 and "pool_daily_cap" in page.content.decode()
    form = page.context["form"]
    assert form.initial["pool_daily_cap"] is None  # 0 shows as an empty box: no limit
    data = {"allow_reject": "on", "allow_transfer": "on", "location_max_km": "0", "number_prefix": "T",
            "pool_enabled": "on", "pool_daily_cap": "50", "pool_timeout_hours": "0.1", "pool_notify_km": "",
            "pool_by_team": "on"}
    response = client.post("/work-orders/settings/general/", data)
    assert response.status_code in (200, 302), response.content.decode()[:500]
    world.tenant.refresh_from_db()
    with tenant_context(world.tenant):
        assert get("workorder.pool_enabled") is True and get("workorder.pool_daily_cap") == 50
        assert get("workorder.pool_timeout_hours") == 0.1 and get("workorder.pool_notify_km") == 0.0
    bad = client.post("/work-orders/settings/general/", {**data, "pool_daily_cap": "-1"})
    assert bad.status_code in (200, 400)
    world.tenant.refresh_from_db()
    with tenant_context(world.tenant):
        assert get("workorder.pool_daily_cap") == 50


def test_create_straight_into_the_pool(pool_on):
    world = pool_on
    order = world.make_order(to_pool=True)
    assert order.status == Status.POOLED and verbs(order)[-2:] == ["created", "published"]
    with pytest.raises(ValidationFailed):
        world.make_order(to_pool=True, assignee=world.engineer)
    set_setting(world.tenant, "workorder.pool_enabled", False)
    count = WorkOrder.objects.count()
    with pytest.raises(PermissionDenied):
        world.make_order(to_pool=True)
    assert WorkOrder.objects.count() == count  # the creation rolled back with the refusal


def test_create_api_to_pool(pool_on):
    world = pool_on
    client = api_client_for(world.dispatcher)
    response = client.post("/api/v1/work-orders", json.dumps({
        "order_type_id": world.make_type().pk, "customer_id": world.customer.pk, "to_pool": True}),
        content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pooled"


# --- who hears of a published order (WOSET-P2, P3) ------------------------------------------------------------

def test_publishing_notifies_the_nearest_within_the_radius(pool_on, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from shouhou.messaging.models import Notification

    world = pool_on
    set_setting(world.tenant, "workorder.pool_notify_km", 10.0)
    set_setting(world.tenant, "workorder.pool_notify_max", 2)
    now = timezone.now()
    # the order's address is at 31.230416, 121.473701 (人民广场)
    near = make_user(world.tenant, roles=("engineer",), name="近")
    nearer = make_user(world.tenant, roles=("engineer",), name="更近")
    far = make_user(world.tenant, roles=("engineer",), name="远")
    stale = make_user(world.tenant, roles=("engineer",), name="旧位置")
    for user, lat, lng, age in ((near, "31.260000", "121.473701", 0), (nearer, "31.231000", "121.474000", 0),
                                (far, "31.800000", "121.473701", 0), (stale, "31.230500", "121.473800", 5)):
        user.last_latitude, user.last_longitude = lat, lng
        user.last_located_at = now - timedelta(hours=age)
        user.save(update_fields=["last_latitude", "last_longitude", "last_located_at"])
    order = world.make_order()
    ranked = pool_queries.pool_notify_recipients(order, exclude_id=world.dispatcher.pk)
    assert [user.name for user, _distance in ranked] == ["更近", "近"]  # nearest first, at most 2
    assert ranked[0][1] < 0.1 and 3 < ranked[1][1] < 4
    with django_capture_on_commit_callbacks(execute=True):
        pool_services.publish(actor=world.dispatcher, order=order)
    told = set(Notification.objects.filter(title__contains=order.number).values_list("user__name", flat=True))
    assert told == {"更近", "近"}
    set_setting(world.tenant, "workorder.pool_notify_km", 0.0)
    set_setting(world.tenant, "workorder.pool_notify_max", 0)
    everyone = [user.name for user, _distance in pool_queries.pool_notify_recipients(order)]
    assert everyone[:3] == ["更近", "近", "远"] and "旧位置" in everyone  # no position: last
