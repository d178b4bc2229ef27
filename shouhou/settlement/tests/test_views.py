"""The settlement page (审核结算): KPI cards, tabs, 当前合计, search, export, 结算 and 批量结算 dialogs,
refusals on the form, subscribe, and another company's order (404)."""

from decimal import Decimal

import pytest

from shouhou.core.testing import api_client_for, client_for, make_user
from shouhou.messaging.models import Notification, Subscription
from shouhou.settlement.models import Settlement
from shouhou.workorders.models import Status

pytestmark = pytest.mark.django_db


def test_the_page_shows_kpis_tabs_and_the_current_total(tenant, owner, factories):
    unsettled = factories.settlement.finished(quantity="2")  # ¥160
    settled = factories.settlement.settled()  # ¥80
    client = client_for(owner)
    page = client.get("/settlement/")
    assert page.status_code == 200
    context = page.context
    assert context["kpis"]["unsettled_count"] == 1 and context["kpis"]["recent_amount"] == Decimal("80.00")
    assert context["current_total"] == Decimal("240.00")
    assert {tab["key"]: tab["count"] for tab in context["tabs"]} == {"all": 2, "settled": 1, "unsettled": 1}
    html = page.content.decode()
    assert unsettled.number in html and settled.number in html and "¥240.00" in html
    assert f'data-settle="{unsettled.pk}"' in html and f'data-settle="{settled.pk}"' not in html
    only_settled = client.get("/settlement/?tab=settled")
    assert only_settled.context["current_total"] == Decimal("80.00")
    assert unsettled.number not in only_settled.content.decode()
    found = client.get(f"/settlement/?q={unsettled.number}")
    assert [row["obj"].pk for row in found.context["rows"]] == [unsettled.pk]
    export = client.get("/settlement/?export=xlsx")
    assert export.status_code == 200
    assert client.get("/settlement/?f_type=abc&f_finished_from=2026-01-01").status_code == 200
    by_settled_day = client.get("/settlement/?f_settled_from=2000-01-01")
    assert [row["obj"].pk for row in by_settled_day.context["rows"]] == [settled.pk]
    by_type = client.get(f"/settlement/?f_type={unsettled.order_type_id}")
    assert [row["obj"].pk for row in by_type.context["rows"]] == [unsettled.pk]


def test_settle_one_from_the_dialog_and_a_refusal_on_the_form(owner, factories):
    order = factories.settlement.finished()
    client = client_for(owner)
    dialog = client.get(f"/settlement/settle/?ids={order.pk}")
    assert dialog.status_code == 200 and "¥80.00" in dialog.content.decode()
    refused = client.post("/settlement/settle/", {"ids": [order.pk], "adjustment": "12"})
    assert refused.status_code == 400 and "reason" in refused.context["form"].errors
    assert not Settlement.objects.exists()
    done = client.post("/settlement/settle/", {"ids": [order.pk], "adjustment": "12", "reason": "夜间加急"})
    assert done.status_code == 302
    assert Settlement.objects.get().amount == Decimal("92.00")
    order.refresh_from_db()
    assert order.status == Status.SETTLED


def test_batch_settle_from_the_list(owner, factories):
    first, second = factories.settlement.finished(), factories.settlement.finished()
    client = client_for(owner)
    assert client.get(f"/settlement/settle/?ids={first.pk}&ids={second.pk}").status_code == 200
    assert client.post("/settlement/settle/", {"ids": [first.pk, second.pk]}).status_code == 302
    assert Settlement.objects.count() == 2


def test_refusals_scope_and_other_company(tenant, owner, factories, other_company):
    order = factories.settlement.finished()
    engineer = make_user(tenant, roles=("engineer",))
    assert client_for(engineer).get("/settlement/").status_code == 403
    director = make_user(tenant, roles=("director",))
    page = client_for(director).get("/settlement/")
    assert page.status_code == 200 and f'data-settle="{order.pk}"' not in page.content.decode()
    assert client_for(director).post("/settlement/settle/", {"ids": [order.pk]}).status_code == 403
    _other_tenant, other_owner = other_company
    other = client_for(other_owner)
    assert other.get(f"/settlement/settle/?ids={order.pk}").status_code == 404
    assert other.post("/settlement/settle/", {"ids": [order.pk]}).status_code == 404
    assert client_for(owner).get("/settlement/settle/?ids=99999999999999999999").status_code in (302, 400, 404)
    assert not Settlement.objects.exists()


def test_subscribers_hear_of_orders_waiting_to_be_settled(tenant, owner, factories,
                                                          django_capture_on_commit_callbacks):
    clerk = make_user(tenant, roles=("finance",))
    client = client_for(clerk)
    assert client.post("/settlement/subscribe/", {"subscribe": "1"}).status_code == 302
    assert Subscription.objects.filter(user=clerk, topic="settlement.unsettled").exists()
    with django_capture_on_commit_callbacks(execute=True):
        order = factories.settlement.finished()
    assert Notification.objects.filter(user=clerk, title__contains=order.number).exists()
    with django_capture_on_commit_callbacks(execute=True):
        factories.workorders.finished()  # a type without 结算: no notice
    assert Notification.objects.filter(user=clerk).count() == 1
    assert client.post("/settlement/subscribe/", {"subscribe": "0"}).status_code == 302
    assert not Subscription.objects.filter(user=clerk).exists()


def test_the_order_page_offers_settle_only_when_the_flow_and_the_role_allow(tenant, owner, factories):
    order = factories.settlement.finished()
    settle_url = f"/settlement/settle/?ids={order.pk}"
    clerk = make_user(tenant, roles=("finance",))
    assert settle_url in client_for(clerk).get(f"/work-orders/{order.pk}/").content.decode()
    director = make_user(tenant, roles=("director",))
    assert settle_url not in client_for(director).get(f"/work-orders/{order.pk}/").content.decode()
    plain = factories.workorders.finished()  # a type without 结算
    assert "/settlement/settle/" not in client_for(clerk).get(f"/work-orders/{plain.pk}/").content.decode()
    client_for(clerk).post(settle_url, {"adjustment": ""})
    assert Settlement.objects.filter(order=order).exists()
    assert settle_url not in client_for(clerk).get(f"/work-orders/{order.pk}/").content.decode()  # settled


def test_the_list_and_the_api_show_paid_and_unpaid(owner, factories, settings):
    settings.PAYMENTS_SANDBOX = True
    factories.payments.enable()
    order_type = factories.settlement.settling_type()
    paid = factories.payments.paid(factories.payments.billed_order(order_type=order_type)).order
    unpaid = factories.payments.billed_order(order_type=order_type)
    html = client_for(owner).get("/settlement/?tab=all").content.decode()
    rows = {order.number: html[html.index(order.number):].split("</tr>")[0] for order in (paid, unpaid)}
    assert ">Paid<" in rows[paid.number] and ">Unpaid<" in rows[unpaid.number]
    results = api_client_for(owner).get("/api/v1/settlements", {"tab": "all"}).json()["results"]
    assert {row["order_id"]: row["payment_status"] for row in results} == {paid.pk: "paid", unpaid.pk: "unpaid"}
