"""/api/v1/plans: CRUD, pause/resume, generate (twice: the second creates none), refusals, other company 404."""

import json

import pytest

from shouhou.core.testing import api_client_for
from shouhou.plans import services
from shouhou.plans.models import Plan
from shouhou.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user):
        self.client = api_client_for(user)

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params)

    def send(self, method, path, body=None):
        return getattr(self.client, method)(f"/api/v1{path}", json.dumps(body if body is not None else {}),
                                            content_type="application/json")


@pytest.fixture
def body(tenant, owner, factories):
    return {"name": "季度巡检", "order_type_id": factories.workorders.order_type().pk,
            "customer_id": factories.customers.customer().pk, "product_id": None, "fields": {},
            "recurrence": {"freq": "daily", "interval": 1, "weekdays": [], "day_of_month": None},
            "start_date": services.company_today(tenant).isoformat(), "end_date": None, "count": None,
            "days_ahead": 0, "dispatch": {"mode": "assignee", "assignee_id": owner.pk}}


def test_crud_pause_resume_and_generate(owner, body):
    api = Api(owner)
    created = api.send("post", "/plans", body)
    assert created.status_code == 201, created.content
    plan = created.json()
    assert plan["recurrence"]["freq"] == "daily" and plan["dispatch"] == {"mode": "assignee",
                                                                          "assignee_id": owner.pk}
    assert plan["created_count"] == 0 and plan["next_create_date"] == body["start_date"]
    listed = api.get("/plans", search="季度")
    assert [row["id"] for row in listed.json()["results"]] == [plan["id"]]
    generated = api.send("post", f"/plans/{plan['id']}/generate")
    assert generated.status_code == 200 and len(generated.json()) == 1
    assert api.send("post", f"/plans/{plan['id']}/generate").json() == []
    assert api.get(f"/plans/{plan['id']}").json()["created_count"] == 1
    patched = api.send("patch", f"/plans/{plan['id']}", {"name": "月度巡检", "expected_version": 1,
                                                          "recurrence": {"freq": "monthly", "day_of_month": 31}})
    assert patched.status_code == 200, patched.content
    assert patched.json()["name"] == "月度巡检" and patched.json()["recurrence"]["day_of_month"] == 31
    assert api.send("patch", f"/plans/{plan['id']}", {"name": "x", "expected_version": 1}).status_code == 409
    paused = api.send("post", f"/plans/{plan['id']}/pause")
    assert paused.status_code == 200 and paused.json()["is_paused"] is True
    assert api.send("post", f"/plans/{plan['id']}/pause").status_code == 409
    assert api.send("post", f"/plans/{plan['id']}/generate").status_code == 409
    assert api.send("post", f"/plans/{plan['id']}/resume").json()["is_paused"] is False
    assert api.send("delete", f"/plans/{plan['id']}").status_code == 204
    assert not Plan.objects.exists() and WorkOrder.objects.count() == 1  # its orders stay


@pytest.mark.parametrize(("change", "status"), [
    ({"recurrence": {"freq": "yearly"}}, 400),
    ({"recurrence": {"freq": "daily", "interval": 0}}, 400),
    ({"recurrence": {"freq": "monthly", "day_of_month": 32}}, 400),
    ({"start_date": "2026-02-30"}, 400),
    ({"start_date": "1900-01-01"}, 400),
    ({"end_date": "2000-01-01"}, 400),
    ({"count": 0}, 400),
    ({"days_ahead": -1}, 400),
    ({"name": "坏\x00名"}, 400),
    ({"dispatch": {"mode": "assignee"}}, 400),
    ({"customer_id": 2**63}, 400),
    ({"customer_id": 999999}, 400),
])
def test_bad_input_is_refused(owner, body, change, status):
    response = Api(owner).send("post", "/plans", {**body, **change})
    assert response.status_code == status, response.content
    assert not Plan.objects.exists()


def test_another_companys_plan_is_a_404(owner, factories_for, other_company):
    theirs = factories_for(other_company[1])
    with theirs.active():
        plan = theirs.plans.plan()
    api = Api(owner)
    assert api.get(f"/plans/{plan.pk}").status_code == 404
    assert api.get("/plans").json()["count"] == 0
    for action in ("pause", "resume", "generate"):
        assert api.send("post", f"/plans/{plan.pk}/{action}").status_code == 404
    assert api.send("patch", f"/plans/{plan.pk}", {"name": "x"}).status_code == 404
    assert api.send("delete", f"/plans/{plan.pk}").status_code == 404


def test_a_user_who_may_not_create_work_orders_gets_403(tenant, factories):
    from shouhou.core import permissions
    from shouhou.core.testing import make_user

    nobody = make_user(tenant, roles=())
    assert not permissions.has_perm(nobody, "workorder.create")
    assert Api(nobody).get("/plans").status_code == 403
    assert Api(nobody).send("post", "/plans", {}).status_code in (400, 403)


def test_planned_time_in_and_out(owner, body):
    api = Api(owner)
    assert api.send("post", "/plans", {**body, "planned_time": "25:00"}).status_code == 400
    assert not Plan.objects.exists()
    plan = api.send("post", "/plans", {**body, "planned_time": "14:30"}).json()
    assert plan["planned_time"] == "14:30"
    changed = api.send("patch", f"/plans/{plan['id']}", {"planned_time": "08:05"})
    assert changed.status_code == 200 and changed.json()["planned_time"] == "08:05"
    assert api.send("post", "/plans", {**body, "name": "默认时间"}).json()["planned_time"] == "09:00"
