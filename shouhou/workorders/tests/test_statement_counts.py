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


# Per request, on PostgreSQL: the token, the grants, ONE locking read of the order, ONE statement for the
# status spans (close + open), ONE update of the order, ONE insert of the timeline entry with its outbox
# event (core.flow.writes), and the answer's collaborators; the test's transaction adds a savepoint
# pair. Assign also checks the new assignee (user, grants, the picker's scope); complete reads the
# receipt form (created on first use here) and inserts the receipt, and its answer reads the finished order's
# survey link (`survey_url`, the visits module's order fact; orders not finished read none). SQLite writes the span and the
# timeline/outbox pairs as two statements each.
EXPECTED = {
    "postgresql": {"assign": 13, "accept": 9, "start": 9, "complete": 15},
    "sqlite": {"assign": 15, "accept": 11, "start": 11, "complete": 17},
}


def test_statements_per_api_transition(world):
    order = world.make_order()
    counts = {
        "assign": _post(world.dispatcher, f"{order.pk}/assign", {"assignee_id": world.engineer.pk}),
        "accept": _post(world.engineer, f"{order.pk}/accept"),
        "start": _post(world.engineer, f"{order.pk}/start"),
        "complete": _post(world.engineer, f"{order.pk}/complete", {"content": "已更换部件"}),
    }
    assert counts == EXPECTED[connection.vendor]
