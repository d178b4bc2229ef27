"""The console pages of plans: list, 新建计划 (also from a customer), edit, 暂停/恢复/立即生成/删除, refusals
on the form, another company's plan 404."""

import pytest

from shouhou.core.testing import client_for
from shouhou.plans import services
from shouhou.plans.models import Plan
from shouhou.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_list_create_edit_and_actions(tenant, owner, factories):
    client = client_for(owner)
    customer = factories.customers.customer(name="甲公司")
    order_type = factories.workorders.order_type()
    page = client.get(f"/plans/new/?customer={customer.pk}")
    assert page.status_code == 200
    assert page.context["form"].initial["customer"] == customer.pk
    today = services.company_today(tenant).isoformat()
    body = {"name": "月度远程巡检", "order_type": order_type.pk, "customer": customer.pk, "priority": "normal",
            "freq": "daily", "interval": "1", "start_date": today, "days_ahead": "0", "dispatch_mode": "assignee",
            "assignee": owner.pk}
    refused = client.post("/plans/new/", {**body, "assignee": ""})
    assert refused.status_code in (200, 400) and not Plan.objects.exists()
    assert client.post("/plans/new/", body).status_code == 302
    plan = Plan.objects.get()
    listing = client.get("/plans/")
    assert listing.status_code == 200 and "月度远程巡检" in listing.content.decode()
    assert client.get("/plans/?q=甲公司").status_code == 200
    assert client.get(f"/plans/{plan.pk}/edit/").status_code == 200
    assert client.post(f"/plans/{plan.pk}/edit/", {**body, "name": "季度巡检"}).status_code == 302
    assert client.post(f"/plans/{plan.pk}/generate/").status_code == 302
    assert client.post(f"/plans/{plan.pk}/generate/").status_code == 302
    assert WorkOrder.objects.count() == 1
    assert client.post(f"/plans/{plan.pk}/pause/").status_code == 302
    assert Plan.objects.get().is_paused
    assert client.post(f"/plans/{plan.pk}/resume/").status_code == 302
    assert client.post(f"/plans/{plan.pk}/delete/").status_code == 302
    assert not Plan.objects.exists()


def test_another_companys_plan_is_a_404(owner, factories_for, other_company):
    theirs = factories_for(other_company[1])
    with theirs.active():
        plan = theirs.plans.plan()
    client = client_for(owner)
    assert client.get(f"/plans/{plan.pk}/edit/").status_code == 404
    for action in ("pause", "resume", "generate", "delete"):
        assert client.post(f"/plans/{plan.pk}/{action}/").status_code == 404
