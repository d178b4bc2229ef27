"""The visits API (list, manual visit, public survey) and the console pages (list tabs, dialog, settings,
the public survey page): answers, refusals, another company's order, no login on /s/."""

import json

import pytest
from django.test import Client

from shouhou.core.testing import api_client_for, client_for, make_user
from shouhou.visits import tokens
from shouhou.visits.factories import ANSWER
from shouhou.visits.models import Survey, Visit

pytestmark = pytest.mark.django_db


def post(client, path, body):
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def test_visit_through_the_api_and_list(tenant, owner, factories):
    order = factories.visits.finished()
    api = api_client_for(owner)
    answer = post(api, f"/work-orders/{order.pk}/visit", {**ANSWER, "expected_version": order.version})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "visited" and body["visit"]["level_label"] == "满意"
    assert post(api, f"/work-orders/{order.pk}/visit", ANSWER).status_code == 409
    listed = api.get("/api/v1/visits", {"kind": "manual"}).json()
    assert listed["count"] == 1 and listed["results"][0]["order_number"] == order.number
    figures = api.get("/api/v1/visits/satisfaction", {"by": "engineer"}).json()
    assert figures[0]["good_rate"] == 1.0


def test_bad_visit_answer_is_400(tenant, owner, factories):
    order = factories.visits.finished()
    answer = post(api_client_for(owner), f"/work-orders/{order.pk}/visit", {**ANSWER, "scores": {"服务态度": 9}})
    assert answer.status_code == 400
    assert not Visit.objects.exists()


def test_public_survey_api_reads_and_answers_once(tenant, owner, factories):
    survey = factories.visits.survey()
    token = tokens.token_for(survey.nonce)
    anonymous = Client()
    read = anonymous.get(f"/api/v1/surveys/{token}")
    assert read.status_code == 200
    assert read.json()["questions"]["dimensions"] == ["服务态度", "服务效率", "服务质量"]
    assert read.json()["order"]["number"] == survey.order.number
    assert post(anonymous, f"/surveys/{token}", {**ANSWER, "level": "nope"}).status_code == 400
    assert post(anonymous, f"/surveys/{token}", ANSWER).status_code == 201
    again = post(anonymous, f"/surveys/{token}", ANSWER)
    assert again.status_code == 410 and again.json()["code"] == "survey_closed"
    assert anonymous.get(f"/api/v1/surveys/{token}").json()["state"] == "answered"
    assert anonymous.get("/api/v1/surveys/" + "a" * 22 + "." + "0" * 20).status_code == 404


def test_another_companys_order_is_404(tenant, owner, factories_for, other_company):
    theirs = factories_for(other_company[1])
    with theirs.active():
        order = theirs.visits.finished()
    api = api_client_for(owner)
    assert post(api, f"/work-orders/{order.pk}/visit", ANSWER).status_code == 404
    console = client_for(owner)
    for path in (f"/visits/orders/{order.pk}/visit/", f"/visits/orders/{order.pk}/tab/"):
        assert console.get(path).status_code == 404
    assert console.post(f"/visits/orders/{order.pk}/resend/").status_code == 404


def test_without_visit_permission_403(tenant, factories):
    engineer = make_user(tenant, roles=("engineer",))
    assert client_for(engineer).get("/visits/").status_code == 403
    assert api_client_for(engineer).get("/api/v1/visits").status_code == 403


def test_pages_tabs_dialog_and_settings(tenant, owner, factories):
    visited = factories.visits.finished()
    factories.visits.visit(order=visited)
    factories.visits.finished()
    console = client_for(owner)
    page = console.get("/visits/", {"tab": "visited"})
    assert page.status_code == 200 and visited.number in page.content.decode()
    assert 'href="tel:' in page.content.decode()
    unvisited = console.get("/visits/", {"tab": "unvisited"}).content.decode()
    assert visited.number not in unvisited
    assert console.get("/visits/auto/").status_code == 200
    order = factories.visits.finished()
    dialog = console.get(f"/visits/orders/{order.pk}/visit/")
    assert dialog.status_code == 200 and "服务态度" in dialog.content.decode()
    posted = console.post(f"/visits/orders/{order.pk}/visit/", {
        "level": "fair", "score_0": "3", "score_1": "4", "score_2": "5", "tags": ["很热情"], "note": "ok"})
    assert posted.status_code == 302
    assert Visit.objects.get(order=order, kind="manual").level == "fair"
    assert console.get(f"/visits/orders/{order.pk}/tab/").status_code == 200
    assert console.get(f"/visits/customers/{order.customer_id}/tab/").status_code == 200
    assert console.get(f"/work-orders/{order.pk}/").status_code == 200
    assert console.get(f"/customers/{order.customer_id}/").status_code == 200
    settings = console.post("/visits/settings/", {
        "good": "很满意", "fair": "一般", "bad": "不满意", "dimensions": "态度, 效率", "positive_tags": "快",
        "negative_tags": "慢", "survey_questions": ["level", "note"], "expiry_days": "5"})
    assert settings.status_code == 302
    assert "很满意" in console.get("/visits/settings/").content.decode()


def test_public_survey_page(tenant, owner, factories):
    survey = factories.visits.survey()
    token = tokens.token_for(survey.nonce)
    anonymous = Client(enforce_csrf_checks=False)
    page = anonymous.get(f"/s/{token}")
    assert page.status_code == 200 and survey.order.number in page.content.decode()
    assert survey.order.customer.name not in page.content.decode()
    bad = anonymous.post(f"/s/{token}", {"level": "good"})
    assert bad.status_code == 400
    done = anonymous.post(f"/s/{token}", {"level": "good", "score_0": "5", "score_1": "5", "score_2": "4",
                                          "tags": ["技术强"], "note": "谢谢"})
    assert done.status_code == 200 and "data-survey-thanks" in done.content.decode()
    assert Survey.objects.get(pk=survey.pk).answered_at is not None
    assert anonymous.get(f"/s/{token}").status_code == 200  # answered: a thank-you, no form
    assert "<form" not in anonymous.get(f"/s/{token}").content.decode()
    assert anonymous.get("/s/nonsense").status_code == 404


def test_phone_visit_pages(tenant, owner, factories):
    """MOB-08: the four tabs, the form with 联系客户 (tel:), the visit recorded."""
    order = factories.visits.finished()
    phone = client_for(owner)
    assert "/m/visits/" in phone.get("/m/").content.decode()
    # the order's pages offer 回访 while the 回访 node is next (phone: the form; console: the dialog)
    button = f'href="/m/visits/{order.pk}/" data-record-action="visit"'
    assert button in phone.get(f"/m/orders/{order.pk}/").content.decode()
    assert f'data-modal-url="/visits/orders/{order.pk}/visit/" data-action="visit"' in phone.get(
        f"/work-orders/{order.pk}/").content.decode()
    listed = phone.get("/m/visits/", {"state": "manual_open"}).content.decode()
    assert order.number in listed and 'href="tel:' in listed
    form = phone.get(f"/m/visits/{order.pk}/").content.decode()
    assert 'href="tel:' in form and "服务态度" in form
    done = phone.post(f"/m/visits/{order.pk}/", {"level": "good", "score_0": "5", "score_1": "5", "score_2": "5"})
    assert done.status_code == 302
    assert order.number in phone.get("/m/visits/", {"state": "manual_done"}).content.decode()
    assert 'data-record-action="visit"' not in phone.get(f"/m/orders/{order.pk}/").content.decode()  # visited
    plain = factories.workorders.finished()  # a type without 回访
    assert 'data-action="visit"' not in phone.get(f"/work-orders/{plain.pk}/").content.decode()
    assert phone.get("/m/visits/", {"state": "auto_open"}).status_code == 200


def test_phone_visit_page_of_another_company_is_404(tenant, owner, factories_for, other_company):
    theirs = factories_for(other_company[1])
    with theirs.active():
        order = theirs.visits.finished()
    assert client_for(owner).get(f"/m/visits/{order.pk}/").status_code == 404


def test_engineer_page_shows_his_ratings(tenant, owner, factories):
    factories.visits.visit()
    factories.visits.visit(answer={**ANSWER, "level": "bad"})
    console = client_for(owner)
    assert "tab-visits" in console.get(f"/accounts/users/{owner.pk}/").content.decode()
    tab = console.get(f"/visits/users/{owner.pk}/tab/").content.decode()
    assert "50%" in tab and "速度快" in tab
