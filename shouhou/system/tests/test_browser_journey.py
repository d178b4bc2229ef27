"""Browser journey of issue 2: sign up a company → log in → create a team, a custom role and a user →
log in as that user and see only what the role allows. Headless Chromium, PC and phone widths."""

import re

import pytest

from shouhou.browser_fixtures import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWNER_PHONE, USER_PHONE, PASSWORD = "13912340001", "13912340002", "Journey-pass-2026"


def submit(page):
    """Click the primary button of the page's main form."""
    page.locator("main.content form[method=post]").last.locator("button.btn-primary").last.click()
    page.wait_for_load_state()


def test_signup_to_restricted_user(page, phone):
    # sign up
    page.goto("/system/signup/")
    page.fill("[name=name]", "旅程测试科技有限公司")
    page.fill("[name=short_name]", "旅程科技")
    page.fill("[name=slug]", "journey-co")
    page.fill("[name=admin_name]", "赵总")
    page.fill("[name=contact_phone]", OWNER_PHONE)
    page.fill("[name=password]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/signup/" not in url)
    shot(page, "journey-01-after-signup")

    # log out, log back in
    page.locator(".topbar-user").click()
    page.locator("form[action$='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    login(page, OWNER_PHONE, PASSWORD)
    assert page.locator(".sidebar").get_by_text("旅程科技").count() >= 1

    # a team
    page.goto("/accounts/teams/new/")
    page.fill("[name=name]", "一线服务组")
    submit(page)
    page.goto("/accounts/teams/")
    assert page.get_by_text("一线服务组").count() >= 1

    # a custom role that may only view accounts and teams
    page.goto("/accounts/roles/new/")
    page.fill("[name=name]", "只读助理")
    submit(page)
    page.wait_for_url(re.compile(r"/accounts/roles/\d+/$"))
    page.check("input[name=perm][value='account.view']")
    page.check("input[name=perm][value='team.view']")
    page.select_option("select[name=scope_account]", "all")
    submit(page)
    page.wait_for_load_state()
    shot(page, "journey-02-role-matrix")
    assert page.locator("input[name=perm][value='account.view']").is_checked()
    assert not page.locator("input[name=perm][value='role.view']").is_checked()

    # a user with that role in that team
    page.goto("/accounts/users/new/")
    page.fill("[name=name]", "钱助理")
    page.fill("[name=phone]", USER_PHONE)
    page.fill("[name=password]", PASSWORD)
    page.get_by_label("只读助理").check()
    page.get_by_label("一线服务组").check()
    submit(page)
    page.goto("/accounts/users/")
    assert page.get_by_text("钱助理").count() >= 1
    shot(page, "journey-03-accounts")
    assert not page.js_errors, page.js_errors

    # the new user on a phone: sees accounts and teams, nothing else
    login(phone, USER_PHONE, PASSWORD)
    phone.goto("/accounts/users/")
    assert phone.get_by_text("赵总").count() >= 1
    shot(phone, "journey-04-user-phone")
    menu_links = phone.locator(".sidebar a.sidebar-link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert "/accounts/users/" in menu_links and "/accounts/teams/" in menu_links
    assert "/accounts/roles/" not in menu_links and not any(h.startswith("/system/") for h in menu_links)
    for forbidden in ("/accounts/roles/", "/system/company/", "/accounts/users/new/"):
        assert phone.goto(forbidden).status == 403, forbidden
    assert not phone.js_errors, phone.js_errors
