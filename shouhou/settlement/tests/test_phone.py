"""工单结算 on the phone (MOB-07): tabs, search, the settle page with the company's fields, refusals, scope."""

from decimal import Decimal

import pytest

from shouhou.core.forms_engine import services as form_services
from shouhou.core.testing import client_for, make_user
from shouhou.settlement.models import Settlement

pytestmark = pytest.mark.django_db


def test_the_phone_lists_and_settles_with_the_companys_fields(tenant, owner, factories):
    schema = form_services.get_schema("settlement")
    form_services.save_schema(actor=owner, target="settlement", permission="workorder_settings.manage", fields=[
        *schema.fields, {"key": "invoice_no", "label": "发票号", "kind": "text", "required": True}])
    order = factories.settlement.finished()
    client = client_for(owner)
    page = client.get("/m/settlement/")
    html = page.content.decode()
    assert page.status_code == 200 and order.number in html and f'/m/settlement/{order.pk}/' in html
    assert "发票号" in client.get(f"/m/settlement/{order.pk}/").content.decode()
    refused = client.post(f"/m/settlement/{order.pk}/", {"adjustment": "", "note": ""})
    assert refused.status_code == 400 and not Settlement.objects.exists()
    done = client.post(f"/m/settlement/{order.pk}/", {"adjustment": "-8", "reason": "现金抹零", "cf_invoice_no": "FP-9"})
    assert done.status_code == 302
    settlement = Settlement.objects.get()
    assert settlement.amount == Decimal("72.00") and settlement.fields == {"invoice_no": "FP-9"}
    settled_tab = client.get("/m/settlement/?tab=settled").content.decode()
    assert order.number in settled_tab and f'/m/settlement/{order.pk}/' not in settled_tab
    assert client.get(f"/m/settlement/?q={order.number}").status_code == 200


def test_the_phone_order_page_offers_settle_while_the_flow_and_the_role_allow(tenant, owner, factories):
    order = factories.settlement.finished()
    button = f'href="/m/settlement/{order.pk}/" data-record-action="settle"'
    clerk = make_user(tenant, roles=("finance",))
    assert button in client_for(clerk).get(f"/m/orders/{order.pk}/").content.decode()
    engineer = make_user(tenant, roles=("engineer",))  # no settlement permission
    assert 'data-record-action="settle"' not in client_for(engineer).get(f"/m/orders/{order.pk}/").content.decode()
    plain = factories.workorders.finished()  # a type without 结算
    assert 'data-record-action="settle"' not in client_for(clerk).get(f"/m/orders/{plain.pk}/").content.decode()
    assert client_for(clerk).post(f"/m/settlement/{order.pk}/", {"adjustment": ""}).status_code == 302
    assert 'data-record-action="settle"' not in client_for(clerk).get(f"/m/orders/{order.pk}/").content.decode()


def test_the_phone_refuses_who_may_not_and_other_companies(tenant, owner, factories, other_company):
    order = factories.settlement.finished()
    engineer = make_user(tenant, roles=("engineer",))
    assert client_for(engineer).get("/m/settlement/").status_code == 403
    _tenant, other_owner = other_company
    assert client_for(other_owner).get(f"/m/settlement/{order.pk}/").status_code == 404
    director = make_user(tenant, roles=("director",))
    assert client_for(director).get(f"/m/settlement/{order.pk}/").status_code == 403
