"""Issue 10: GET/POST/DELETE /api/v1/subscriptions — the caller's own subscriptions to registered topics."""

import pytest

from shouhou.core.testing import api_client_for, make_user
from shouhou.messaging import subscriptions
from shouhou.messaging.models import Subscription

POOL = "workorders.pool"


@pytest.fixture
def client_and_user(tenant):
    user = make_user(tenant, roles=("director",), name="订阅人")
    return api_client_for(user), user


def topics(client):
    response = client.get("/api/v1/subscriptions")
    assert response.status_code == 200
    return {item["topic"]: item for item in response.json()["items"]}


def test_subscribe_change_each_new_and_unsubscribe(client_and_user):
    client, user = client_and_user
    pool = topics(client)[POOL]
    assert pool.pop("label") in ("工单池", "Work-order pool")  # the caller's language
    assert pool == {"topic": POOL, "subscribed": False, "each_new": False}
    response = client.post("/api/v1/subscriptions", {"topic": POOL, "each_new": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["each_new"] is True
    assert [u.pk for u in subscriptions.subscribers(POOL, each_new=True)] == [user.pk]
    client.post("/api/v1/subscriptions", {"topic": POOL}, content_type="application/json")
    assert topics(client)[POOL]["subscribed"] is True and topics(client)[POOL]["each_new"] is False
    assert Subscription.objects.filter(user=user).count() == 1
    assert client.delete(f"/api/v1/subscriptions?topic={POOL}").status_code == 204
    assert client.delete(f"/api/v1/subscriptions?topic={POOL}").status_code == 204  # nothing to undo
    assert topics(client)[POOL]["subscribed"] is False


@pytest.mark.parametrize("body", [{"topic": "no.such.topic"}, {"topic": ""}, {"topic": "workorders.pool\x07"},
                                  {"topic": POOL, "each_new": "yes"}, {"topic": POOL, "each_new": 1}, {}])
def test_bad_input_is_a_400_and_changes_nothing(client_and_user, body):
    client, user = client_and_user
    response = client.post("/api/v1/subscriptions", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_error"
    assert not Subscription.objects.filter(user=user).exists()
    assert client.delete("/api/v1/subscriptions?topic=nope").status_code == 400


def test_a_topic_needs_its_lists_permission(tenant):
    nobody = make_user(tenant, roles=(), name="无权限")
    client = api_client_for(nobody)
    assert POOL not in topics(client)
    response = client.post("/api/v1/subscriptions", {"topic": POOL}, content_type="application/json")
    assert response.status_code == 403


def test_only_ones_own_subscriptions_are_shown_and_removed(client_and_user, tenant):
    client, user = client_and_user
    other = make_user(tenant, roles=("director",), name="别人")
    subscriptions.subscribe(actor=other, topic=POOL, each_new=True)
    assert topics(client)[POOL]["subscribed"] is False
    client.delete(f"/api/v1/subscriptions?topic={POOL}")
    assert Subscription.objects.filter(user=other).exists()


def test_unauthenticated_is_401(client):
    assert client.get("/api/v1/subscriptions").status_code == 401
