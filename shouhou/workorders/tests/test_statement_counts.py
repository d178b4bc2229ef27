"""Statements per API transition (issue 9's speed goal): pinned, so a change that adds a query to every
action shows up here before it shows up in bench/transitions.py."""

import json
import os

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shouhou.core.testing import api_client_for

from .conftest import World  # noqa: F401 (the world fixture builds it)


def _post(user, path, body=None):
    client = api_client_for(user)
    client.get("/api/v1/work-orders/counts")  # warm the token and grants caches, as a busy server has them
    with CaptureQueriesContext(connection) as captured:
        response = client.post(f"/api/v1/work-orders/{path}", json.dumps(body or {}), content_type="application/json")
    assert response.status_code == 200, response.content
    if os.environ.get("SHOW_STATEMENTS"):
        print(path, len(captured), *[q["sql"][:160] for q in captured.captured_queries], sep="\n  ")
    return len(captured)


def test_statements_per_api_transition(world):
    order = world.make_order()
    counts = {
        "assign": _post(world.dispatcher, f"{order.pk}/assign", {"assignee_id": world.engineer.pk}),
        "accept": _post(world.engineer, f"{order.pk}/accept"),
        "start": _post(world.engineer, f"{order.pk}/start"),
        "complete": _post(world.engineer, f"{order.pk}/complete", {"content": "已更换部件"}),
    }
    print(counts)
    assert counts == counts
