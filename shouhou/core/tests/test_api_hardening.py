"""Hostile input never answers 500 (issue 8, "api"): ids beyond 64 bits, huge pages, edge-of-range
datetimes, bodies that are not JSON objects, unknown paths and methods; and the API's validation
messages come in the request's language."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shouhou.accounts.models import Team
from shouhou.core.api_messages import validation_message
from shouhou.core.bounds import MAX_ID, MAX_PAGE, int_text_fits, parse_id, parse_page
from shouhou.core.forms_engine.kinds.base import FieldError
from shouhou.core.forms_engine.kinds.temporal import DateTime
from shouhou.core.testing import api_client_for, client_for
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.services import types as type_services
from shouhou.workorders.tests.conftest import make_customer

API = "/api/v1"
HUGE = "99999999999999999999"  # beyond 64 bits
EDGE_DATETIMES = ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00"]


@pytest.fixture
def api(owner):
    client = api_client_for(owner)
    client.raise_request_exception = False  # a 500 is asserted on, not raised
    return client


def send(client, method, path, body, content_type="application/json", **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(API + path, data=data, content_type=content_type, headers=headers)


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == code, body
    if field is not None:
        assert field in body["details"], body["details"]
    return body


# --- ids beyond 64 bits ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "field"), [
    (f"/work-orders?customer_id={HUGE}", "customer_id"),
    (f"/work-orders?assignee_id={HUGE}", "assignee_id"),
    (f"/work-orders/counts?product_id={HUGE}", "product_id"),
    (f"/users?role_id={HUGE}", "role_id"),
    (f"/users?team_id={HUGE}", "team_id"),
    (f"/customers?service_team_id={HUGE}", "service_team_id"),
    (f"/customers?owner_id={HUGE}", "owner_id"),
    (f"/products?customer_id={HUGE}", "customer_id"),
    (f"/product-templates?product_type_id={HUGE}", "product_type_id"),
    (f"/customers/{HUGE}", "customer_id"),
    ("/users?role_id=0", "role_id"),
])
def test_ids_beyond_the_database_range_in_queries_and_paths_are_400(api, path, field):
    assert_error(api.get(API + path), 400, "validation_error", field)


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("post", "/teams", {"name": "维修一组", "parent_id": int(HUGE)}, "parent_id"),
    ("post", "/teams", {"name": "维修一组", "member_ids": [int(HUGE)]}, "member_ids.0"),
    ("post", "/users/bulk/roles", {"user_ids": [int(HUGE)], "role_ids": []}, "user_ids.0"),
    ("post", "/users/bulk/teams", {"user_ids": [1], "team_ids": [-int(HUGE)]}, "team_ids.0"),
    ("post", "/customers", {"name": "客户", "service_team_id": int(HUGE)}, "service_team_id"),
    ("patch", "/me", {"work_status_id": int(HUGE)}, "work_status_id"),
])
def test_ids_beyond_the_database_range_in_bodies_are_400_and_change_nothing(api, tenant, method, path, body,
                                                                           field):
    teams = Team.objects.count()
    assert_error(send(api, method, path, body), 400, "validation_error", field)
    assert Team.objects.count() == teams


# --- pages --------------------------------------------------------------------------------------------------

def _list_operations():
    """Every GET of the API with a `page` parameter and no path parameter."""
    from config.api import api

    paths = api.get_openapi_schema()["paths"]
    for path, operations in paths.items():
        parameters = operations.get("get", {}).get("parameters", [])
        if "{" not in path and any(p["name"] == "page" for p in parameters):
            yield path.removeprefix(API)


def test_every_list_refuses_a_page_beyond_the_cap(api):
    lists = list(_list_operations())
    assert len(lists) >= 10
    for path in lists:
        for page in (HUGE, MAX_PAGE + 1):
            assert_error(api.get(f"{API}{path}?page={page}&lat=31&lng=121"), 400, "validation_error", "page")
        response = api.get(f"{API}{path}?page={MAX_PAGE}&lat=31&lng=121")
        assert response.status_code == 200, (path, response.content)
        assert response.json().get("results", []) == [], path  # /work-orders/counts takes the filters, not a page


def test_a_huge_page_size_is_served_as_the_largest_page(api):
    assert api.get(f"{API}/roles?page_size={10**12}").json()["page_size"] == 200
    assert_error(api.get(f"{API}/roles?page_size={HUGE}"), 400, "validation_error", "page_size")


CONSOLE_URLS = [
    "customers:list", "products:list", "accounts:users", "workorders:list", "system:logs",
]


@pytest.mark.parametrize("name", CONSOLE_URLS)
def test_console_lists_survive_huge_pages_and_ids_typed_into_the_url(owner, name):
    console = client_for(owner)
    console.raise_request_exception = False
    url = reverse(name)
    for query in (f"page={HUGE}", f"page=-{HUGE}", f"page={'9' * 5000}", f"f_team={HUGE}", f"f_owner={HUGE}",
                  f"f_assignee={HUGE}", f"f_type={HUGE}", f"f_template={HUGE}", f"f_user={HUGE}", f"f_role={HUGE}",
                  f"f_work_status={HUGE}", f"f_service_type={HUGE}"):
        response = console.get(f"{url}?{query}")
        assert response.status_code == 200, (url, query, response.status_code)


@pytest.mark.parametrize("url", [
    f"/m/orders/?page={HUGE}", f"/m/notifications/?page={HUGE}", f"/m/orders/?page={'9' * 5000}",
    f"/products/pick/?customer={HUGE}",
])
def test_phone_lists_and_pickers_survive_huge_numbers(owner, url):
    console = client_for(owner)
    console.raise_request_exception = False
    assert console.get(url).status_code < 500


def test_bounds_helpers():
    assert parse_id("12") == 12 and parse_id(str(MAX_ID)) == MAX_ID
    assert parse_id(HUGE) is parse_id("0") is parse_id("-3") is parse_id("x") is parse_id("١٢") is None
    assert parse_page(HUGE) == MAX_PAGE and parse_page("-5") == 1 and parse_page("abc") == 1
    assert parse_page("9" * 5000) == MAX_PAGE and parse_page("3") == 3
    assert int_text_fits("12") and int_text_fits("open") and not int_text_fits(HUGE)
    assert not int_text_fits("9" * 5000)


# --- datetimes ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("moment", EDGE_DATETIMES)
def test_edge_of_range_datetimes_are_400_and_create_nothing(api, tenant, owner, moment):
    order_type = type_services.save_type(actor=owner, name="维修")
    customer = make_customer(tenant)
    body = {"order_type_id": order_type.pk, "customer_id": customer.pk, "planned_at": moment}
    assert_error(send(api, "post", "/work-orders", body), 400, "validation_error", "planned_at")
    assert not WorkOrder.objects.exists()
    body["planned_at"] = "2026-05-01T09:30:00+08:00"
    assert send(api, "post", "/work-orders", body).status_code == 201


@pytest.mark.parametrize("moment", EDGE_DATETIMES)
def test_custom_datetime_fields_refuse_edge_of_range_moments(tenant, moment):
    with pytest.raises(FieldError):
        DateTime().clean(None, moment)


# --- bodies -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", ["-108044", "[1, 2]", '"en"', "null", "true"])
def test_a_body_that_is_not_a_json_object_is_400_and_changes_nothing(api, owner, body):
    response = send(api, "patch", "/me", body)
    assert_error(response, 400, "validation_error", "body")
    owner.refresh_from_db()
    assert owner.language == ""


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_that_is_not_sent_as_json_is_415_and_changes_nothing(api, owner, content_type):
    response = send(api, "patch", "/me", {"language": "en"}, content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")
    owner.refresh_from_db()
    assert owner.language == ""


def test_json_with_a_structured_suffix_is_json(api):
    assert send(api, "patch", "/me", {"language": "en"}, content_type="application/merge-patch+json").status_code == 200


def test_an_unreadable_body_is_a_translated_400(api):
    body = assert_error(send(api, "post", "/teams", "{bad"), 400, "bad_request")
    assert "Cannot parse" not in body["message"]


# --- unknown paths and methods ------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_unknown_api_paths_are_a_json_404_whatever_the_method(owner, method):
    for client in (Client(enforce_csrf_checks=True), client_for(owner)):
        client.enforce_csrf_checks = True
        for path in ("/api/v1/nothing", "/api/nothing", "/api/v1/customers/abc"):
            body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
            assert_error(getattr(client, method)(path, **body), 404, "not_found")


def test_a_method_the_path_does_not_allow_is_a_json_405_with_allow(api):
    response = api.delete(API + "/me")
    body = assert_error(response, 405, "method_not_allowed")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}
    assert body["message"]
    assert_error(api.put(API + "/work-orders"), 405, "method_not_allowed")


# --- translated messages ------------------------------------------------------------------------------------

def _in_chinese(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def test_validation_messages_are_translated_not_pydantic_english(api):
    api = _in_chinese(api)
    body = assert_error(send(api, "post", "/teams", {"name": "长" * 60, "parent_id": "x"}), 400,
                        "validation_error")
    with translation.override("zh-hans"):
        too_long = validation_message({"type": "string_too_long", "ctx": {"max_length": 50}})
        not_a_number = validation_message({"type": "int_parsing"})
    assert body["details"] == {"name": [too_long], "parent_id": [not_a_number]}
    assert "String should have" not in json.dumps(body)
    missing = assert_error(send(api, "post", "/teams", {}), 400, "validation_error", "name")
    assert "Field required" not in missing["details"]["name"][0]


def test_validation_messages_in_english_on_request(api):
    body = assert_error(send(api, "post", "/teams", {"name": "x" * 60}), 400, "validation_error")
    assert body["details"]["name"] == ["Enter at most 50 characters."]
    body = assert_error(api.get(f"{API}/users?role_id={HUGE}"), 400, "validation_error")
    assert body["details"]["role_id"] == [f"Enter a value less than or equal to {MAX_ID}."]


def test_every_message_template_formats_with_its_context():
    from shouhou.core.api_messages import MESSAGES

    for kind in MESSAGES:
        text = validation_message({"type": kind, "ctx": {"max_length": 5, "min_length": 1, "ge": 1, "gt": 0,
                                                          "le": 9, "lt": 10, "expected": "'a' or 'b'",
                                                          "max_digits": 9, "decimal_places": 6,
                                                          "whole_digits": 3}})
        assert "%(" not in text and text != "Enter a valid value." or kind.endswith("pattern_mismatch")


# --- the OpenAPI states what the server enforces ------------------------------------------------------------

def test_a_parameter_given_twice_is_400_not_the_last_value(api):
    assert_error(api.get(f"{API}/roles?page=-1&page=2"), 400, "validation_error", "page")


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("post", "/teams", {"name": "   "}, "name"),
    ("post", "/product-types", {"name": ""}, "name"),
    ("patch", "/me", {"language": "fr"}, "language"),
    ("post", "/work-order-types", {"name": "维修", "color": "red"}, "color"),
])
def test_what_the_services_refuse_the_schema_refuses_too(api, method, path, body, field):
    assert_error(send(api, method, path, body), 400, "validation_error", field)


def test_work_order_filters_name_their_choices(api):
    assert api.get(f"{API}/work-orders?status=pending,%20assigned,").status_code == 200
    assert_error(api.get(f"{API}/work-orders?status=pendingassigned"), 400, "validation_error", "status")
    assert_error(api.get(f"{API}/work-orders?priority=asap"), 400, "validation_error", "priority")


def test_optional_bodies_are_objects_not_null_in_the_openapi():
    from config.api import api

    operation = api.get_openapi_schema()["paths"]["/api/v1/work-orders/{order_id}/accept"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/VersionIn"}


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/product-types", {"name": "泵"}, None),
    ("/work-order-types", {"name": "维修", "is_enabled": 0}, "is_enabled"),
    ("/product-templates", {"name": "泵", "number": "P", "warranty_months": False}, "warranty_months"),
])
def test_json_bodies_are_not_coerced_from_other_types(api, path, body, field):
    response = send(api, "post", path, body)
    if field is None:
        assert response.status_code == 201
    else:
        assert_error(response, 400, "validation_error", field)


def test_dates_are_iso_text_not_timestamps(api):
    assert_error(api.get(f"{API}/customers?created_to=0"), 400, "validation_error", "created_to")
    assert api.get(f"{API}/customers?created_to=2026-05-01").status_code == 200


def test_api_datetimes_are_handed_on_in_utc():
    """An offset PostgreSQL refuses (+19:29 is valid ISO 8601) reaches the query as the same instant in UTC."""
    from datetime import UTC, datetime

    from pydantic import TypeAdapter

    from shouhou.core.api_types import ApiDatetime

    moment = TypeAdapter(ApiDatetime).validate_python("0766-07-25T15:16:39+19:29")
    assert moment.tzinfo is UTC and moment == datetime(766, 7, 24, 19, 47, 39, tzinfo=UTC)
