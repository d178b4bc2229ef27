"""Issue 10, the pool's remainder: the `actions` hint offers 接单 only to whom the pool service lets claim
(P5 partition, P7 cap), handing an accepted order back from the phone (P6), subscribing to the pool
(told of its timeouts, and of each publish when asked), the phone's 派单 choices, and the ranked batch
assign dialog."""

import json

import pytest

from shouhou.core.testing import api_client_for, client_for, make_team, make_user
from shouhou.workorders import policy
from shouhou.workorders.models import Status, WorkOrder
from shouhou.workorders.queries import orders as order_queries
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import pool as pool_services

from .conftest import make_customer
from .test_services import set_setting


@pytest.fixture
def pool_on(world):
    set_setting(world.tenant, "workorder.pool_enabled", True)
    return world


def published(world, **extra):
    return pool_services.publish(actor=world.dispatcher, order=world.make_order(**extra))


# --- the actions hint says only what the caller can do -------------------------------------------------------

def test_claim_is_offered_only_inside_the_callers_part_of_the_pool(pool_on):
    world = pool_on
    region = make_team(world.tenant, name="华东")
    inside = make_user(world.tenant, roles=("engineer",), teams=[region], name="华东工程师")
    order = published(world, customer=make_customer(world.tenant, service_team=region))
    assert "claim" in policy.allowed_actions(world.engineer, order)  # P5 off: everybody's
    set_setting(world.tenant, "workorder.pool_by_team", True)
    assert "claim" not in policy.allowed_actions(world.engineer, order)
    assert "claim" in policy.allowed_actions(inside, order)
    # the API's hint: an administrator (who may claim) publishes; outside his part of the pool, no 接单
    client = api_client_for(world.owner)
    for by_team, offered in ((False, True), (True, False)):
        set_setting(world.tenant, "workorder.pool_by_team", by_team)
        fresh = world.make_order(customer=make_customer(world.tenant, service_team=region))
        response = client.post(f"/api/v1/work-orders/{fresh.pk}/publish", "{}", content_type="application/json")
        assert response.status_code == 200 and ("claim" in response.json()["actions"]) is offered


def test_claim_is_not_offered_past_the_daily_cap_and_the_service_still_answers_400(pool_on):
    world = pool_on
    set_setting(world.tenant, "workorder.pool_daily_cap", 1)
    first, second = published(world), published(world)
    assert "claim" in policy.allowed_actions(world.engineer, second)
    pool_services.claim(actor=world.engineer, order=first.pk)
    assert "claim" not in policy.allowed_actions(world.engineer, second)
    assert "claim" in policy.allowed_actions(world.engineer2, second)  # his own count
    client = api_client_for(world.engineer)
    response = client.post(f"/api/v1/work-orders/{second.pk}/claim", "{}", content_type="application/json")
    assert response.status_code == 400 and "limit of 1" in json.dumps(response.json())
    assert WorkOrder.objects.get(pk=second.pk).status == Status.POOLED


def test_claim_is_not_offered_with_the_pool_off_and_the_service_says_403(pool_on):
    world = pool_on
    order = published(world)
    set_setting(world.tenant, "workorder.pool_enabled", False)
    set_setting(world.tenant, "workorder.pool_daily_cap", 1)
    assert "claim" not in policy.allowed_actions(world.engineer, order)
    response = api_client_for(world.engineer).post(f"/api/v1/work-orders/{order.pk}/claim", "{}",
                                                   content_type="application/json")
    assert response.status_code == 403


# --- handing an accepted order back to the pool from the phone (WOSET-P6) ------------------------------------

def test_the_phone_hands_an_accepted_order_back_when_p6_allows(pool_on):
    world = pool_on
    order = order_actions.accept(actor=world.engineer, order=world.assigned())
    phone = client_for(world.engineer)
    page = phone.get(f"/m/orders/{order.pk}/").content.decode()
    assert f"/m/orders/{order.pk}/publish/" not in page  # P6 off: not offered
    refused = phone.post(f"/m/orders/{order.pk}/publish/", {"expected_version": order.version}, follow=True)
    assert "does not allow handing" in refused.content.decode()
    assert WorkOrder.objects.get(pk=order.pk).status == Status.ACCEPTED
    set_setting(world.tenant, "workorder.pool_transfer_back", True)
    page = phone.get(f"/m/orders/{order.pk}/").content.decode()
    assert f"/m/orders/{order.pk}/publish/" in page and "Hand back to the pool" in page
    # a colleague's order is a 404 (outside his scope), and nothing changes
    assert client_for(world.engineer2).post(f"/m/orders/{order.pk}/publish/",
                                            {"expected_version": order.version}).status_code == 404
    stale = phone.post(f"/m/orders/{order.pk}/publish/", {"expected_version": order.version + 5, "note": "x"})
    assert stale.status_code == 302 and WorkOrder.objects.get(pk=order.pk).status == Status.ACCEPTED
    bad = phone.post(f"/m/orders/{order.pk}/publish/", {"expected_version": order.version, "note": "a\x00b"})
    assert bad.status_code in (302, 400) and WorkOrder.objects.get(pk=order.pk).status == Status.ACCEPTED
    response = phone.post(f"/m/orders/{order.pk}/publish/", {"expected_version": order.version, "note": "临时有事"})
    assert response.status_code == 302 and response["Location"] == "/m/pool/"
    back = WorkOrder.objects.get(pk=order.pk)
    assert (back.status, back.assignee_id) == (Status.POOLED, None)
    latest = list(order_queries.timeline_of(back))[0]
    assert (latest.verb, latest.note) == ("published", "临时有事")
    # a colleague claims it from the pool
    claimed = client_for(world.engineer2).post(f"/m/pool/{order.pk}/claim/", {"expected_version": back.version})
    assert claimed.status_code == 302 and WorkOrder.objects.get(pk=order.pk).assignee_id == world.engineer2.pk


def test_the_console_offers_the_hand_back_to_the_assignee(pool_on):
    world = pool_on
    set_setting(world.tenant, "workorder.pool_transfer_back", True)
    order = order_actions.accept(actor=world.engineer, order=world.assigned())
    client = client_for(world.engineer)
    page = client.get(f"/work-orders/{order.pk}/").content.decode()
    assert f"/work-orders/{order.pk}/publish/" in page and "Hand back to the pool" in page
    response = client.post(f"/work-orders/{order.pk}/publish/", {"expected_version": order.version, "note": ""})
    assert response.status_code in (200, 302, 204)
    assert WorkOrder.objects.get(pk=order.pk).status == Status.POOLED


# --- 订阅 the pool: told of timeouts once, and of each publish when asked -----------------------------------

def test_subscribers_are_told_once_when_an_order_waits_past_the_pool_timeout(
        pool_on, monkeypatch, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from shouhou.messaging import subscriptions
    from shouhou.messaging.models import Notification
    from shouhou.workorders.services import timeouts as timeout_services

    from .test_services import Clock

    world = pool_on
    clock = Clock(monkeypatch)
    set_setting(world.tenant, "workorder.pool_timeout_hours", 0.5)
    subscriptions.subscribe(actor=world.approver, topic="workorders.pool")
    subscriptions.subscribe(actor=world.engineer, topic="workorders.pool")
    subscriptions.unsubscribe(actor=world.engineer, topic="workorders.pool")
    order = published(world)
    with django_capture_on_commit_callbacks(execute=True):
        timeout_services.process_timeouts(now=clock.now + timedelta(minutes=31))
        timeout_services.process_timeouts(now=clock.now + timedelta(minutes=40))
    told = Notification.objects.filter(title__contains=order.number).filter(title__contains="in time")
    assert sorted(told.values_list("user__name", flat=True)) == sorted([world.dispatcher.name, world.approver.name])
    assert told.get(user=world.approver).url == "/work-orders/pool/"


def test_subscribers_who_asked_hear_of_each_publish_within_their_part_of_the_pool(
        pool_on, django_capture_on_commit_callbacks):
    from shouhou.messaging import subscriptions
    from shouhou.messaging.models import Notification

    world = pool_on
    set_setting(world.tenant, "workorder.pool_notify_km", 1.0)  # nobody is near: only subscribers hear
    region = make_team(world.tenant, name="华南")
    inside = make_user(world.tenant, roles=("director",), teams=[region], name="华南调度")
    subscriptions.subscribe(actor=world.approver, topic="workorders.pool", each_new=True)
    subscriptions.subscribe(actor=inside, topic="workorders.pool", each_new=True)
    subscriptions.subscribe(actor=world.engineer, topic="workorders.pool")  # timeouts only
    subscriptions.subscribe(actor=world.dispatcher, topic="workorders.pool", each_new=True)  # the publisher
    set_setting(world.tenant, "workorder.pool_by_team", True)
    with django_capture_on_commit_callbacks(execute=True):
        served = published(world, customer=make_customer(world.tenant, service_team=region))
        everybodys = published(world)
    def told(order):
        return set(Notification.objects.filter(title__contains=order.number).values_list("user__name", flat=True))
    assert told(served) == {"华南调度"}
    assert told(everybodys) == {"华南调度", world.approver.name}


def test_subscribing_from_the_console_and_the_phone(pool_on):
    from shouhou.messaging.models import Subscription

    world = pool_on
    console = client_for(world.dispatcher)
    page = console.get("/work-orders/pool/").content.decode()
    assert "data-pool-subscribe" in page and "/work-orders/pool/subscribe/" in page
    assert console.post("/work-orders/pool/subscribe/", {"subscribe": "1", "each_new": "1"}).status_code == 302
    assert Subscription.objects.get(user=world.dispatcher).each_new is True
    assert "Subscribed" in console.get("/work-orders/pool/").content.decode()
    console.post("/work-orders/pool/subscribe/", {"subscribe": "1"})  # each new order: off again
    assert Subscription.objects.get(user=world.dispatcher).each_new is False
    console.post("/work-orders/pool/subscribe/", {"subscribe": "0"})
    assert not Subscription.objects.filter(user=world.dispatcher).exists()
    assert console.get("/work-orders/pool/subscribe/").status_code == 405
    phone = client_for(world.engineer)
    assert "/m/pool/subscribe/" in phone.get("/m/pool/").content.decode()
    response = phone.post("/m/pool/subscribe/", {"subscribe": "1", "each_new": "on"})
    assert response.status_code == 302 and response["Location"] == "/m/pool/"
    assert list(Subscription.objects.values_list("user_id", "topic", "each_new")) == [
        (world.engineer.pk, "workorders.pool", True)]
    assert "Subscribed to the pool" in phone.get("/m/pool/").content.decode()


def test_subscriptions_refuse_unknown_topics_and_people_without_the_list(world):
    from shouhou.core.errors import PermissionDenied, ValidationFailed
    from shouhou.messaging import subscriptions

    with pytest.raises(ValidationFailed):
        subscriptions.subscribe(actor=world.engineer, topic="nothing.here")
    nobody = make_user(world.tenant, roles=(), name="无权限")
    with pytest.raises(PermissionDenied):
        subscriptions.subscribe(actor=nobody, topic="workorders.pool")


# --- 派单 choices on the phone's new-order page ---------------------------------------------------------------

def _new_order(world, **extra):
    return {"order_type": world.make_type().pk, "customer": world.customer.pk, "priority": "normal",
            "planned_at": "2026-12-03T14:00", **extra}


def test_the_phone_new_order_page_offers_assignee_and_pool(pool_on):
    world = pool_on
    phone = client_for(world.dispatcher)
    order_type = world.make_type()
    page = phone.get(f"/m/orders/new/?type={order_type.pk}")
    html = page.content.decode()
    assert 'name="dispatch_mode" value="assignee" checked' in html and 'name="dispatch_mode" value="pool"' in html
    assert [c.key for c in page.context["dispatch_choices"]] == ["assignee", "pool", "auto"]
    set_setting(world.tenant, "workorder.pool_enabled", False)
    page = phone.get(f"/m/orders/new/?type={order_type.pk}")
    assert [c.key for c in page.context["dispatch_choices"]] == ["assignee", "auto"]
    # an engineer may not dispatch at all
    page = client_for(world.engineer).get(f"/m/orders/new/?type={order_type.pk}")
    assert 'name="dispatch_mode"' not in page.content.decode() and not page.context["dispatch_choices"]


def test_save_and_dispatch_to_the_pool_from_the_phone(pool_on):
    world = pool_on
    phone = client_for(world.dispatcher)
    response = phone.post("/m/orders/new/", _new_order(world, dispatch_mode="pool", dispatch="1",
                                                       assignee=world.engineer.pk, description="进池"))
    assert response.status_code == 302
    order = WorkOrder.objects.get(description="进池")
    assert (order.status, order.assignee_id) == (Status.POOLED, None)
    # 仅保存 ignores the choice
    phone.post("/m/orders/new/", _new_order(world, dispatch_mode="pool", save="1", description="只保存"))
    assert WorkOrder.objects.get(description="只保存").status == Status.PENDING
    # the pool turned off meanwhile: the choice is gone, nothing is created
    set_setting(world.tenant, "workorder.pool_enabled", False)
    count = WorkOrder.objects.count()
    refused = phone.post("/m/orders/new/", _new_order(world, dispatch_mode="pool", dispatch="1"))
    assert refused.status_code == 400 and WorkOrder.objects.count() == count


def test_save_and_dispatch_to_an_assignee_from_the_ranking(pool_on):
    world = pool_on
    phone = client_for(world.dispatcher)
    missing = phone.post("/m/orders/new/", _new_order(world, dispatch_mode="assignee", dispatch="1"))
    assert missing.status_code == 400 and missing.context["form"].errors["assignee"]
    response = phone.post("/m/orders/new/", _new_order(world, dispatch_mode="assignee", dispatch="1",
                                                       assignee=world.engineer2.pk, description="指派乙"))
    assert response.status_code == 302
    order = WorkOrder.objects.get(description="指派乙")
    assert (order.status, order.assignee_id) == (Status.ASSIGNED, world.engineer2.pk)


def test_the_phone_assignee_picker_is_the_ranking(pool_on):
    from django.utils import timezone

    world = pool_on
    near, far = world.engineer, world.engineer2
    now = timezone.now()
    for user, latitude in ((near, "31.231000"), (far, "31.500000")):  # the customer is at 31.230416, 121.473701
        user.last_latitude, user.last_longitude, user.last_located_at = latitude, "121.473701", now
        user.save(update_fields=["last_latitude", "last_longitude", "last_located_at"])
    phone = client_for(world.dispatcher)
    order_type = world.make_type()
    # chosen customer (htmx refresh): nearest first, with the reasons in words
    panel = phone.get("/m/orders/new/candidates/", {"order_type": order_type.pk, "customer": world.customer.pk,
                                                    "planned_at": "2026-12-03T14:00"})
    assert panel.status_code == 200
    names = [c.user.name for c in panel.context["candidates"]]
    assert names.index(near.name) < names.index(far.name)
    html = panel.content.decode()
    assert "km away" in html and "open orders today" in html
    assert f'data-user="{near.pk}"' in html
    # the page re-rendered after a refusal ranks for the posted customer too
    page = phone.post("/m/orders/new/", {**_new_order(world, dispatch_mode="assignee", dispatch="1"),
                                         "order_type": order_type.pk})
    assert [c.user.name for c in page.context["candidates"]][:1] == [near.name]
    # bad input: an unknown type is a 404, another company's customer is simply not used
    assert phone.get("/m/orders/new/candidates/", {"order_type": "99999999999"}).status_code == 404
    assert phone.get("/m/orders/new/candidates/", {"order_type": order_type.pk, "customer": "x",
                                                    "planned_at": "nonsense"}).status_code == 200
    assert client_for(world.engineer).get("/m/orders/new/candidates/",
                                          {"order_type": order_type.pk}).status_code == 403


# --- the ranked batch-assign dialog ----------------------------------------------------------------------------

def test_batch_assign_ranks_against_the_first_order_and_assigns_all_through_the_flow(pool_on):
    from django.utils import timezone

    from shouhou.accounts.models import Skill

    from .test_services import verbs

    world = pool_on
    now = timezone.now()
    for user, latitude in ((world.engineer, "31.400000"), (world.engineer2, "31.231000")):
        user.last_latitude, user.last_longitude, user.last_located_at = latitude, "121.473701", now
        user.save(update_fields=["last_latitude", "last_longitude", "last_located_at"])
    first, second = world.make_order(), world.make_order()
    client = client_for(world.dispatcher)
    dialog = client.get("/work-orders/batch/assign/", {"ids": [second.pk, first.pk]})
    assert dialog.status_code == 200
    html = dialog.content.decode()
    assert f'data-ranked-for="{first.pk}"' in html and first.number in html
    names = [c.user.name for c in dialog.context["candidates"]]
    assert names.index(world.engineer2.name) < names.index(world.engineer.name)  # nearer first
    assert "km away" in html and "Recommended" in html
    # a skill one of the selected orders' types requires leaves out whoever lacks it
    skill = Skill.objects.create(name="高压电工证")
    second.order_type.required_skills.add(skill)
    world.engineer.skills.add(skill)
    names = [c.user.name for c in client.get("/work-orders/batch/assign/",
                                              {"ids": [second.pk, first.pk]}).context["candidates"]]
    assert world.engineer.name in names and world.engineer2.name not in names
    response = client.post("/work-orders/batch/assign/", {"ids": [first.pk, second.pk],
                                                          "assignee": world.engineer.pk, "note": "一起"})
    assert response.status_code in (200, 204, 302)
    for order in (first, second):
        stored = WorkOrder.objects.get(pk=order.pk)
        assert (stored.status, stored.assignee_id) == (Status.ASSIGNED, world.engineer.pk)
        assert verbs(stored)[-1] == "assigned"


def test_batch_transfer_offers_the_same_ranking_with_its_reasons(world):
    from .test_candidates import place
    from .test_services import verbs

    third = make_user(world.tenant, roles=("engineer",), teams=[world.team], name="工程师丙")
    place(world.engineer2, "31.400000", "121.473701")
    place(third, "31.231000", "121.473701")
    first, second = world.assigned(), world.assigned()
    client = client_for(world.dispatcher)
    dialog = client.get("/work-orders/batch/transfer/", {"ids": [second.pk, first.pk]})
    assert dialog.status_code == 200
    html = dialog.content.decode()
    assert f'data-ranked-for="{first.pk}"' in html and "km away" in html
    names = [c.user.name for c in dialog.context["candidates"]]
    assert names.index(third.name) < names.index(world.engineer2.name)  # nearer first, as in the assign dialog
    response = client.post("/work-orders/batch/transfer/", {"ids": [first.pk, second.pk], "assignee": third.pk,
                                                            "note": "就近"})
    assert response.status_code in (200, 204, 302)
    for order in (first, second):
        stored = WorkOrder.objects.get(pk=order.pk)
        assert stored.assignee_id == third.pk and verbs(stored)[-1] == "transferred"
