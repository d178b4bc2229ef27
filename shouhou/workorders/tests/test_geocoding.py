"""Issue 10: an order (or a customer address) saved with an address but no coordinates is located by the
map adapter (the offline fake) in a job after commit; a failure leaves it as it is, logged and retried."""

import logging

import pytest

from shouhou.core import geo, timeline
from shouhou.core.testing import api_client_for
from shouhou.customers import geocoding as customer_geocoding
from shouhou.customers.models import Address
from shouhou.customers.services import create_customer
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.services import geocoding
from shouhou.workorders.services import orders as order_services

from .conftest import make_customer

SHANGHAI = geo.CITY_CENTRES["上海"]
SHENZHEN = geo.CITY_CENTRES["深圳"]


def located_at(order, point):
    order.refresh_from_db()
    return (float(order.latitude), float(order.longitude)) == pytest.approx(point)


@pytest.fixture
def unlocated(world):
    return make_customer(world.tenant, city="上海", address_detail="浦东新区碧波路690号", latitude=None, longitude=None)


def test_an_order_without_coordinates_is_located_after_commit(world, unlocated, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = world.make_order(customer=unlocated)
        assert order.latitude is None  # nothing is asked of the provider inside the transaction
    assert located_at(order, SHANGHAI)
    assert "located" in [entry.verb for entry in timeline.entries_for(order)]


def test_a_moved_address_is_located_again_and_a_stale_answer_is_dropped(world, django_capture_on_commit_callbacks):
    order = world.make_order()
    assert located_at(order, (31.230416, 121.473701))
    with django_capture_on_commit_callbacks(execute=True):
        order = order_services.update_work_order(actor=world.dispatcher, order=order,
                                                 address_text="广东省深圳市南山区科技园")
        assert order.latitude is None  # the old position no longer belongs to the address
    assert located_at(order, SHENZHEN)
    # an answer for an address the order no longer has changes nothing
    assert geocoding.store(order.pk, "上海市人民路1号", "31.2", "121.4") is False
    assert located_at(order, SHENZHEN)


def test_coordinates_given_with_the_edit_are_kept(world, django_capture_on_commit_callbacks):
    order = world.make_order()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order = order_services.update_work_order(actor=world.dispatcher, order=order, address_text="深圳市某路1号",
                                                 latitude="22.5", longitude="114.0")
    assert located_at(order, (22.5, 114.0))
    assert not [c for c in callbacks if "enqueue_on_commit" in getattr(c, "__qualname__", "")]


def test_a_geocoding_failure_leaves_the_order_as_it_is_and_is_logged(world, django_capture_on_commit_callbacks,
                                                                      caplog):
    customer = make_customer(world.tenant, city="", address_detail="火星基地一号", latitude=None, longitude=None)
    client = api_client_for(world.dispatcher)
    order_type = world.make_type()
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/work-orders", {"order_type_id": order_type.pk, "customer_id": customer.pk},
                               content_type="application/json")
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get(pk=response.json()["id"])
    assert order.latitude is None and order.address_text == "火星基地一号"
    assert "could not be located" in caplog.text
    with pytest.raises(geo.GeocodingError):  # the task raises it so Huey retries
        geocoding.locate(order.pk, order.address_text)


def test_the_pool_locates_a_published_order_before_telling_nearby_engineers(world, unlocated, monkeypatch):
    from shouhou.workorders.queries import pool as pool_queries
    from shouhou.workorders.services import pool as pool_services

    from .test_services import set_setting

    set_setting(world.tenant, "workorder.pool_enabled", True)
    monkeypatch.setattr(geocoding, "locate_later", lambda order: False)  # as if the address job had not run yet
    seen = []
    real = pool_queries.pool_notify_recipients
    monkeypatch.setattr(pool_queries, "pool_notify_recipients",
                        lambda order, **kw: seen.append(order.latitude) or real(order, **kw))
    order = pool_services.publish(actor=world.dispatcher, order=world.make_order(customer=unlocated))
    from shouhou.core import outbox
    from shouhou.core.models import OutboxEvent

    event = OutboxEvent.objects.filter(name="workorder.published").latest("pk")
    outbox.deliver(event.pk)
    assert seen and seen[0] is not None
    assert located_at(order, SHANGHAI)


# --- customer addresses ---------------------------------------------------------------------------------------

def test_a_customer_address_the_provider_missed_is_located_by_the_job(world, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    from shouhou.customers import services as customer_services

    def down(**_parts):
        raise geo.GeocodingError("timeout")

    monkeypatch.setattr(customer_services, "geocoder", lambda: type("Down", (), {"geocode": staticmethod(down)})())
    with django_capture_on_commit_callbacks(execute=True):
        customer = create_customer(actor=world.owner, name="定位客户",
                                   addresses=[{"detail": "上海市浦东新区碧波路690号"}])
        assert customer.latitude is None
    address = Address.objects.get(customer=customer)
    # the one text was split into its region (core.regions.split) and located by the job
    assert (address.province_code, address.city_code, address.district_code) == ("310000", "310100", "310115")
    assert address.detail == "碧波路690号"
    customer.refresh_from_db()
    assert (float(customer.latitude), float(customer.longitude)) == pytest.approx(SHANGHAI)
    assert customer_geocoding.locate_addresses(customer.pk) == 0  # nothing left to locate


def test_a_customer_address_that_cannot_be_placed_keeps_its_text(world):
    customer = make_customer(world.tenant, city="", address_detail="火星基地一号", latitude=None, longitude=None)
    with pytest.raises(geo.GeocodingError):
        customer_geocoding.locate_addresses(customer.pk)
    assert Address.objects.get(customer=customer).detail == "火星基地一号"
