"""The customer opens the survey link from the SMS on a 390 px phone and rates the service (one answer per
link); the service agent then sees the answer under 自动回访 and records a manual visit (人工回访) in the
dialog, and the order shows both on its 回访 tab."""

import pytest
from playwright.sync_api import expect

from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD
from shouhou.visits import tokens
from shouhou.visits.models import Survey, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _patient(page):
    page.set_default_timeout(60000)  # the machine's cores are shared; a slow page is not the defect tested
    page.set_default_navigation_timeout(60000)


def _finished_with_survey(factories):
    with factories.active():
        order = factories.visits.finished(customer=factories.customers.customer(name="华东机房"))
        survey = Survey.objects.filter(order=order).first() or factories.visits.survey(order=order)
        return order, tokens.token_for(Survey.objects.get(pk=survey.pk).nonce)


def test_customer_rates_on_the_phone_then_the_agent_visits(page, phone, company, factories):
    tenant, owner = company
    order, token = _finished_with_survey(factories)
    _patient(phone)
    phone.goto(f"/s/{token}")
    expect(phone.locator("[data-order-number]")).to_have_text(order.number)
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(phone, "visits-survey-390")
    phone.click("label:text-is('满意')")
    for index, stars in enumerate(("5", "4", "5")):
        phone.click(f"label[for=id_score_{index}_{int(stars) - 1}]")
    phone.click("label:text-is('技术强')")
    phone.fill("textarea[name=note]", "师傅很专业")
    phone.click("button[type=submit]")
    expect(phone.locator("[data-survey-thanks]")).to_be_visible()
    shot(phone, "visits-survey-thanks-390")
    with factories.active():
        visit = Visit.objects.get(order=order, kind="auto")
        assert (visit.level, visit.scores, visit.tags, visit.note) == (
            "good", {"服务态度": 5, "服务效率": 4, "服务质量": 5}, ["技术强"], "师傅很专业")
    phone.goto(f"/s/{token}")  # once only
    expect(phone.locator("form")).to_have_count(0)

    _patient(page)
    login(page, owner.phone, DEMO_PASSWORD)
    page.goto("/visits/auto/?tab=visited")
    expect(page.locator("table")).to_contain_text(order.number)
    shot(page, "visits-auto-1366")
    page.goto("/visits/?tab=unvisited")
    page.click(f"tr:has-text('{order.number}') a[href$='/orders/{order.pk}/visit/']")
    dialog = page.locator("#modal-content")
    expect(dialog).to_contain_text("服务态度")
    dialog.locator("label:text-is('一般')").click()
    for index in range(3):
        dialog.locator(f"label[for=id_score_{index}_2]").click()
    dialog.locator("label:text-is('很热情')").click()
    dialog.locator("textarea[name=note]").fill("电话回访，客户基本满意")
    shot(page, "visits-dialog-1366")
    dialog.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.modal.show')")
    with factories.active():
        assert Visit.objects.get(order=order, kind="manual").level == "fair"
    page.goto(f"/work-orders/{order.pk}/")
    page.click("button[data-bs-target='#tab-visits']")
    expect(page.locator("#tab-visits")).to_contain_text("电话回访，客户基本满意")
    expect(page.locator("#tab-visits")).to_contain_text("技术强")
    shot(page, "visits-order-tab-1366")
    assert not page.js_errors and not phone.js_errors


def test_phone_visit_pages_fit_390(phone, company, factories, live_server, settings):
    """MOB-08 on a 390 px phone, in Chinese: the four tabs and the visit form with 联系客户; the console's
    visit list at the same width."""
    tenant, owner = company
    order, _token = _finished_with_survey(factories)
    _patient(phone)
    phone.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}])
    phone.goto("/m/login/")
    phone.fill("#m-username", owner.phone)
    phone.fill("#m-password", DEMO_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(lambda url: "/m/login/" not in url)
    phone.goto("/m/visits/")
    expect(phone.locator("article")).to_contain_text(order.number)
    expect(phone.locator("nav.m-seg")).to_contain_text("人工未回访")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(phone, "visits-phone-list-390")
    phone.click(f"a[href='/m/visits/{order.pk}/']")
    expect(phone.locator(f"a[href='tel:{order.contact_phone}']")).to_contain_text("联系客户")
    phone.click("label:text-is('满意')")
    for index in range(3):
        phone.click(f"label[for=id_score_{index}_4]")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(phone, "visits-phone-form-390")
    phone.click("form button[type=submit]")
    phone.wait_for_url("**/m/visits/?state=manual_done")
    expect(phone.locator("article")).to_contain_text(order.number)
    phone.goto("/visits/")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 400
    shot(phone, "visits-console-list-390")
    phone.goto("/visits/settings/")
    shot(phone, "visits-settings-390")
    assert not phone.js_errors
