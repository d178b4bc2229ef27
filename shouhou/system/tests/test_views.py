"""System-management pages: sign-up, hub, company info, version and usage, work information,
SMS settings and the system log — rendering, permissions, saving, refusals and tenant isolation."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shouhou.accounts.models import User, WorkStatus
from shouhou.core import company_settings
from shouhou.core.audit import SystemLog, log
from shouhou.core.models import Tenant
from shouhou.core.navigation import menu_for
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import client_for, make_team, make_user
from shouhou.system import queries

pytestmark = pytest.mark.django_db

PAGES = ["system:settings", "system:company", "system:usage", "system:work_info", "system:sms_settings",
         "system:logs"]


@pytest.fixture
def admin_client(owner):
    return client_for(owner)


@pytest.fixture
def engineer(company):
    return make_user(company[0], roles=("engineer",), name="工程师甲")


def settings_logs(tenant):
    return SystemLog.all_tenants.filter(tenant=tenant, kind=SystemLog.Kind.SETTINGS)


def statuses(tenant):
    return list(WorkStatus.all_tenants.filter(tenant=tenant).order_by("sort_order", "id"))


# --- sign-up -------------------------------------------------------------------------------------

SIGNUP = {"name": "上海修好了科技有限公司", "short_name": "修好了", "slug": "xiuhaole", "admin_name": "王磊",
          "contact_phone": "13912345678", "admin_email": "wang@xiuhaole.cn", "password": "Kx9-repair-2026",
          "password2": "Kx9-repair-2026"}


def test_signup_page_renders_for_visitors(client):
    response = client.get(reverse("system:signup"))
    assert response.status_code == 200
    assert b'name="slug"' in response.content and b'name="password2"' in response.content


def test_signup_creates_company_and_lands_in_console_logged_in(client):
    response = client.post(reverse("system:signup"), SIGNUP, follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert response.status_code == 200
    tenant = Tenant.objects.get(slug="xiuhaole")
    owner = User.objects.get(phone="13912345678")
    assert owner.tenant == tenant and owner.is_tenant_owner and owner.check_password(SIGNUP["password"])
    assert response.context["user"] == owner
    assert tenant.plan == Tenant.Plan.TRIAL and tenant.expires_at > timezone.now()
    assert SystemLog.all_tenants.filter(tenant=tenant, kind=SystemLog.Kind.LOGIN, user=owner).count() == 1
    # Logged in: a console page opens without a redirect to the login page.
    assert client.get(reverse("system:company")).status_code == 200


@pytest.mark.parametrize("changes, field", [
    ({"slug": "taken"}, "slug"),
    ({"slug": "Bad Slug!"}, "slug"),
    ({"slug": "ab"}, "slug"),
    ({"contact_phone": "DUPLICATE"}, "contact_phone"),
    ({"contact_phone": "12345"}, "contact_phone"),
    ({"password": "12345678", "password2": "12345678"}, "password"),
    ({"password": "short", "password2": "short"}, "password"),
    ({"password2": "Something-else-99"}, "password2"),
    ({"name": ""}, "name"),
    ({"admin_email": "not-an-email"}, "admin_email"),
])
def test_signup_bad_input_shows_field_error_and_creates_nothing(client, company, changes, field):
    tenant, owner = company
    Tenant.objects.filter(pk=tenant.pk).update(slug="taken")
    data = {**SIGNUP, **changes}
    if data["contact_phone"] == "DUPLICATE":
        data["contact_phone"] = owner.phone
    before = (Tenant.objects.count(), User.objects.count())
    response = client.post(reverse("system:signup"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert b"is-invalid" in response.content
    assert (Tenant.objects.count(), User.objects.count()) == before
    assert "_auth_user_id" not in client.session


def test_signup_duplicate_phone_found_by_the_service_is_shown_on_the_phone_field(client, company, monkeypatch):
    """A phone registered between the form's check and the write: the service's `phone` error (the
    owner's field name) lands on the form's contact_phone field."""
    from shouhou.system import forms

    monkeypatch.setattr(forms, "_registered", lambda **lookup: False)
    response = client.post(reverse("system:signup"), {**SIGNUP, "contact_phone": company[1].phone})
    assert response.status_code == 400
    assert "contact_phone" in response.context["form"].errors
    assert not Tenant.objects.filter(slug="xiuhaole").exists()


def test_signup_redirects_a_signed_in_user_home(admin_client):
    response = admin_client.get(reverse("system:signup"))
    assert response.status_code == 302 and response.url == reverse("core:home")


# --- every page: rendered for an administrator, refused for an engineer ---------------------------

@pytest.mark.parametrize("url_name", PAGES)
def test_page_renders_for_admin(admin_client, url_name):
    response = admin_client.get(reverse(url_name))
    assert response.status_code == 200
    assert b'class="sidebar' in response.content


@pytest.mark.parametrize("url_name", PAGES)
def test_page_refused_for_engineer(engineer, url_name):
    assert client_for(engineer).get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name, allowed", [
    ("system:settings", True), ("system:usage", True), ("system:logs", True),
    ("system:company", False), ("system:work_info", False), ("system:sms_settings", False),
])
def test_director_sees_usage_and_logs_only(company, url_name, allowed):
    director = make_user(company[0], roles=("director",))
    assert client_for(director).get(reverse(url_name)).status_code == (200 if allowed else 403)


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("system:company"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


@pytest.mark.parametrize("url_name, kwargs", [
    ("system:working_hours", {}), ("system:work_status_add", {}), ("system:work_status_reorder", {}),
    ("system:work_status_edit", {"pk": 1}), ("system:work_status_delete", {"pk": 1}),
])
def test_engineer_cannot_post_settings(company, engineer, url_name, kwargs):
    tenant = company[0]
    before = [(s.name, s.color, s.sort_order) for s in statuses(tenant)]
    response = client_for(engineer).post(reverse(url_name, kwargs=kwargs), {"new-name": "x", "ids": ["1"]})
    assert response.status_code == 403
    assert [(s.name, s.color, s.sort_order) for s in statuses(tenant)] == before
    assert not settings_logs(tenant).exists()


def test_navigation_lists_system_pages_by_permission(owner, engineer):
    with tenant_context(owner.tenant):
        admin_menu = {s["key"]: [i["url"] for i in s["items"]] for s in menu_for(owner)}
        engineer_menu = {s["key"] for s in menu_for(engineer)}
    assert admin_menu["system"][:5] == [reverse(n) for n in ("system:settings", "system:company", "system:usage",
                                                             "system:work_info", "system:logs")]
    assert reverse("messaging:sms_log") in admin_menu["system"]
    assert "system" not in engineer_menu


def test_hub_links_to_every_settings_page(admin_client):
    content = admin_client.get(reverse("system:settings")).content.decode()
    for url_name in ("system:company", "system:usage", "system:work_info", "system:logs", "system:sms_settings",
                     "messaging:sms_log"):
        assert f'href="{reverse(url_name)}"' in content


def test_hub_shows_a_director_only_what_they_may_open(company):
    director = make_user(company[0], roles=("director",))
    content = client_for(director).get(reverse("system:settings")).content.decode()
    assert f'href="{reverse("system:usage")}"' in content
    assert f'href="{reverse("system:company")}"' not in content


# --- company information (SYS-07) ------------------------------------------------------------------

COMPANY = {"name": "杭州新名称有限公司", "short_name": "新名称", "show_short_name": "on", "email": "hi@xinmingcheng.cn",
           "phone": "0571-88886666", "address": "杭州市西湖区文三路 1 号", "profile": "专业售后服务"}


def test_company_page_shows_current_values_and_super_admin(admin_client, company):
    tenant, owner = company
    content = admin_client.get(reverse("system:company")).content.decode()
    assert f'value="{tenant.name}"' in content
    assert owner.name in content and owner.phone in content


def test_company_save_updates_and_logs_a_settings_change(admin_client, company):
    tenant, owner = company
    response = admin_client.post(reverse("system:company"), COMPANY)
    assert response.status_code == 302 and response.url == reverse("system:company")
    tenant.refresh_from_db()
    assert (tenant.name, tenant.short_name, tenant.email, tenant.phone, tenant.address, tenant.profile) == (
        COMPANY["name"], COMPANY["short_name"], COMPANY["email"], COMPANY["phone"], COMPANY["address"],
        COMPANY["profile"])
    assert tenant.show_short_name is True
    row = settings_logs(tenant).get()
    assert row.user == owner and "name" in row.detail["changes"]


def test_company_unchecking_show_short_name_saves_false(admin_client, company):
    admin_client.post(reverse("system:company"), {k: v for k, v in COMPANY.items() if k != "show_short_name"})
    company[0].refresh_from_db()
    assert company[0].show_short_name is False


@pytest.mark.parametrize("changes, field", [({"name": ""}, "name"), ({"short_name": "  "}, "short_name"),
                                            ({"email": "nope"}, "email")])
def test_company_bad_input_shows_error_and_changes_nothing(admin_client, company, changes, field):
    tenant = company[0]
    old_name = tenant.name
    response = admin_client.post(reverse("system:company"), {**COMPANY, **changes})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    tenant.refresh_from_db()
    assert tenant.name == old_name and tenant.email == ""
    assert not settings_logs(tenant).exists()


# --- version and usage (SYS-09) --------------------------------------------------------------------

def test_usage_page_shows_plan_quotas_counts_and_modules(admin_client, company):
    tenant, owner = company
    make_user(tenant)
    make_team(tenant)
    Tenant.objects.filter(pk=tenant.pk).update(sms_used=15, storage_used_bytes=5 * 1024 * 1024,
                                               expires_at=timezone.localtime().replace(hour=12) + timedelta(days=10))  # noon: no midnight crossing
    response = admin_client.get(reverse("system:usage"))
    usage = response.context["usage"]
    assert usage["accounts"] == {"used": 2, "limit": tenant.seat_limit, "percent": round(200 / tenant.seat_limit),
                                 "remaining": tenant.seat_limit - 2}
    assert usage["sms"]["used"] == 15 and usage["sms"]["remaining"] == tenant.sms_limit - 15
    assert usage["storage"]["used"] == 5.0
    assert usage["days_left"] == 10
    counters = {c["key"]: c["value"] for c in usage["counters"]}
    assert counters["accounts"] == 2 and counters["teams"] == 1
    assert {"system", "account", "message"} <= {m["key"] for m in usage["modules"]}
    content = response.content.decode()
    assert 'data-quota="accounts"' in content and 'data-module="system"' in content


def test_usage_counter_registry_adds_counts(admin_client):
    queries.register_usage_counter("widgets", "Widgets", lambda tenant: 42, order=99)
    try:
        response = admin_client.get(reverse("system:usage"))
    finally:
        del queries.USAGE_COUNTERS["widgets"]
    assert {"key": "widgets", "label": "Widgets", "value": 42} in response.context["usage"]["counters"]
    assert b'data-counter="widgets"' in response.content


def test_usage_counts_only_this_company(admin_client, other_company):
    make_user(other_company[0])
    make_team(other_company[0])
    counters = {c["key"]: c["value"] for c in admin_client.get(reverse("system:usage")).context["usage"]["counters"]}
    assert counters == {"accounts": 1, "teams": 0, **{k: v for k, v in counters.items()
                                                       if k not in ("accounts", "teams")}}


# --- working hours (SYS-10) ------------------------------------------------------------------------

HOURS = {"enabled": "on", "days": ["1", "2", "3", "4", "5", "6"], "start": "08:30", "end": "17:30"}


def test_working_hours_save_and_log(admin_client, company):
    tenant = company[0]
    response = admin_client.post(reverse("system:working_hours"), HOURS)
    assert response.status_code == 302
    tenant.refresh_from_db()
    values = company_settings.values(tenant, group="working_hours")
    assert values == {"working_hours.enabled": True, "working_hours.days": [1, 2, 3, 4, 5, 6],
                      "working_hours.start": "08:30", "working_hours.end": "17:30",
                      "working_hours.count_timeouts": False}
    row = settings_logs(tenant).get()
    assert row.detail["changes"]["working_hours.start"] == ["09:00", "08:30"]


def test_working_hours_can_be_switched_off(admin_client, company):
    admin_client.post(reverse("system:working_hours"), {**HOURS, "enabled": ""})
    company[0].refresh_from_db()
    assert company_settings.get("working_hours.enabled", company[0]) is False


@pytest.mark.parametrize("changes, field", [
    ({"start": "18:00", "end": "09:00"}, "end"),
    ({"start": "09:00", "end": "09:00"}, "end"),
    ({"start": "9am"}, "start"),
    ({"end": "24:00"}, "end"),
    ({"days": []}, "days"),
    ({"days": ["8"]}, "days"),
])
def test_working_hours_bad_input_shows_error_and_changes_nothing(admin_client, company, changes, field):
    tenant = company[0]
    response = admin_client.post(reverse("system:working_hours"), {**HOURS, **changes})
    assert response.status_code == 400
    assert field in response.context["hours_form"].errors
    tenant.refresh_from_db()
    assert tenant.settings == {}
    assert not settings_logs(tenant).exists()


def test_work_info_page_shows_saved_working_hours(admin_client):
    admin_client.post(reverse("system:working_hours"), HOURS)
    form = admin_client.get(reverse("system:work_info")).context["hours_form"]
    assert form.initial == {"enabled": True, "days": [1, 2, 3, 4, 5, 6], "start": "08:30", "end": "17:30",
                            "count_timeouts": False}


def test_working_hours_switch_to_count_timeouts(admin_client, company):
    """工单超时仅按工作时间计算: off by default, on the page with its explanation, saved and logged."""
    tenant = company[0]
    page = admin_client.get(reverse("system:work_info"))
    assert page.context["hours_form"]["count_timeouts"].value() is False
    content = page.content.decode()
    assert 'name="count_timeouts"' in content and "Count work-order timeouts in working hours only" in content
    assert "4 hours from Friday 17:00 end on Monday 12:00" in content
    assert admin_client.post(reverse("system:working_hours"), {**HOURS, "count_timeouts": "on"}).status_code == 302
    tenant.refresh_from_db()
    assert company_settings.get("working_hours.count_timeouts", tenant) is True
    assert settings_logs(tenant).get().detail["changes"]["working_hours.count_timeouts"] == [False, True]
    assert admin_client.get(reverse("system:work_info")).context["hours_form"]["count_timeouts"].value() is True
    admin_client.post(reverse("system:working_hours"), HOURS)  # an unticked switch is off
    tenant.refresh_from_db()
    assert company_settings.get("working_hours.count_timeouts", tenant) is False


@pytest.mark.parametrize("changes, field", [
    ({"start": "18:00", "end": "09:00"}, "end"),  # no night shift across midnight
    ({"start": "09:00", "end": "09:00"}, "end"),
    ({"days": []}, "days"),
    ({"enabled": "", "days": []}, "days"),  # counting in working hours needs working days even when unused
])
def test_working_hours_counting_timeouts_refuses_an_unusable_schedule(admin_client, company, changes, field):
    tenant = company[0]
    response = admin_client.post(reverse("system:working_hours"), {**HOURS, "count_timeouts": "on", **changes})
    assert response.status_code == 400
    assert response.context["hours_form"].errors[field]
    tenant.refresh_from_db()
    assert tenant.settings == {}


def test_working_hours_without_counting_timeouts_may_be_off_without_days(admin_client, company):
    response = admin_client.post(reverse("system:working_hours"), {**HOURS, "enabled": "", "days": []})
    assert response.status_code == 302
    company[0].refresh_from_db()
    assert company_settings.values(company[0], group="working_hours")["working_hours.days"] == []


# --- work statuses (SYS-11) ------------------------------------------------------------------------

def test_work_status_add_and_log(admin_client, company):
    tenant = company[0]
    response = admin_client.post(reverse("system:work_status_add"), {"new-name": "出差中", "new-color": "#1677FF"})
    assert response.status_code == 302
    added = statuses(tenant)[-1]
    assert (added.name, added.color) == ("出差中", "#1677ff")
    assert settings_logs(tenant).filter(action__contains="出差中").exists()


@pytest.mark.parametrize("data", [{"new-name": "工作中", "new-color": "#000000"},
                                  {"new-name": "", "new-color": "#000000"},
                                  {"new-name": "新状态", "new-color": "red"}])
def test_work_status_add_bad_input_shows_error_and_changes_nothing(admin_client, company, data):
    tenant = company[0]
    before = statuses(tenant)
    response = admin_client.post(reverse("system:work_status_add"), data)
    assert response.status_code == 400
    assert response.context["add_form"].errors
    assert b"invalid-feedback" in response.content
    assert statuses(tenant) == before
    assert not settings_logs(tenant).exists()


def test_work_status_edit_saves_name_and_colour(admin_client, company):
    tenant = company[0]
    target = statuses(tenant)[1]
    response = admin_client.post(reverse("system:work_status_edit", args=[target.pk]),
                                 {f"s{target.pk}-name": "很忙", f"s{target.pk}-color": "#ff0000"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.name, target.color) == ("很忙", "#ff0000")
    assert settings_logs(tenant).filter(action__contains="很忙").exists()


def test_work_status_edit_to_a_duplicate_name_is_refused(admin_client, company):
    tenant = company[0]
    first, second = statuses(tenant)[:2]
    response = admin_client.post(reverse("system:work_status_edit", args=[second.pk]),
                                 {f"s{second.pk}-name": first.name, f"s{second.pk}-color": "#ff0000"})
    assert response.status_code == 400
    row = next(r for r in response.context["rows"] if r["status"].pk == second.pk)
    assert "name" in row["form"].errors
    second.refresh_from_db()
    assert second.name != first.name and second.color != "#ff0000"


def test_work_status_delete(admin_client, company):
    tenant = company[0]
    target = statuses(tenant)[2]
    response = admin_client.post(reverse("system:work_status_delete", args=[target.pk]))
    assert response.status_code == 302
    assert target.pk not in [s.pk for s in statuses(tenant)]
    assert settings_logs(tenant).filter(action__contains=target.name).exists()


def test_deleting_the_last_work_status_is_refused(admin_client, company):
    tenant = company[0]
    *others, last = statuses(tenant)
    for status in others:
        admin_client.post(reverse("system:work_status_delete", args=[status.pk]))
    response = admin_client.post(reverse("system:work_status_delete", args=[last.pk]), follow=True)
    assert [s.pk for s in statuses(tenant)] == [last.pk]
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_work_status_reorder(admin_client, company):
    tenant = company[0]
    ids = [s.pk for s in statuses(tenant)]
    new_order = list(reversed(ids))
    response = admin_client.post(reverse("system:work_status_reorder"), {"ids": new_order})
    assert response.status_code == 200 and response.json()["ok"] is True
    assert [s.pk for s in statuses(tenant)] == new_order


@pytest.mark.parametrize("ids", [["1", "x"], []])
def test_work_status_reorder_with_a_wrong_list_changes_nothing(admin_client, company, ids):
    tenant = company[0]
    before = [s.pk for s in statuses(tenant)]
    response = admin_client.post(reverse("system:work_status_reorder"), {"ids": ids})
    assert response.status_code == 400
    assert [s.pk for s in statuses(tenant)] == before


def test_another_companys_work_status_is_a_404(admin_client, other_company):
    foreign = statuses(other_company[0])
    target = foreign[0]
    assert admin_client.post(reverse("system:work_status_edit", args=[target.pk]),
                             {f"s{target.pk}-name": "hijack", f"s{target.pk}-color": "#000000"}).status_code == 404
    assert admin_client.post(reverse("system:work_status_delete", args=[target.pk])).status_code == 404
    own = [s.pk for s in statuses(other_company[0])]
    assert admin_client.post(reverse("system:work_status_reorder"),
                             {"ids": [s.pk for s in foreign]}).status_code == 400
    target.refresh_from_db()
    assert target.name != "hijack" and [s.pk for s in statuses(other_company[0])] == own


def test_work_info_page_lists_only_this_companys_statuses(admin_client, company, other_company):
    with tenant_context(other_company[0]):
        WorkStatus.objects.create(name="别家的状态", color="#123456", sort_order=9)
    response = admin_client.get(reverse("system:work_info"))
    names = [r["status"].name for r in response.context["rows"]]
    assert names == [s.name for s in statuses(company[0])]
    assert "别家的状态" not in response.content.decode()


# --- SMS settings ----------------------------------------------------------------------------------

def test_sms_settings_toggle_saves_and_logs(admin_client, company):
    tenant = company[0]
    assert admin_client.post(reverse("system:sms_settings"), {"notify_staff": "on"}).status_code == 302
    tenant.refresh_from_db()
    assert company_settings.get("sms.notify_staff", tenant) is True
    assert settings_logs(tenant).get().detail["changes"] == {"sms.notify_staff": [False, True]}
    admin_client.post(reverse("system:sms_settings"), {})
    tenant.refresh_from_db()
    assert company_settings.get("sms.notify_staff", tenant) is False


# --- system log (SYS-13) ---------------------------------------------------------------------------

@pytest.fixture
def log_rows(company, other_company):
    """Rows of each kind in both companies."""
    tenant, owner = company
    other_tenant, other_owner = other_company
    team = make_team(tenant, name="华东服务队", members=[owner])
    clerk = make_user(tenant, roles=("manager",), name="李文员")
    with tenant_context(tenant):
        log(SystemLog.Kind.LOGIN, user=owner, action="Logged in")
        log(SystemLog.Kind.LOGIN, user=clerk, action="Logged in")
        log(SystemLog.Kind.DELETE, user=owner, action="Deleted account 张三")
        log(SystemLog.Kind.IMPORT_EXPORT, user=clerk, action="Exported accounts (3 rows)")
        log(SystemLog.Kind.SETTINGS, user=owner, action="Changed settings",
            detail={"changes": {"working_hours.end": ["18:00", "19:00"]}})
    with tenant_context(other_tenant):
        for kind in SystemLog.Kind:
            log(kind, user=other_owner, action=f"FOREIGN-{kind.value}")
    return {"owner": owner, "clerk": clerk, "team": team, "other_owner": other_owner}


def _rows(response):
    return [row["obj"] for row in response.context["rows"]]


@pytest.mark.parametrize("tab, expected", [("login", 2), ("delete", 1), ("import_export", 1), ("settings", 1)])
def test_log_tabs_list_only_this_companys_rows_of_that_kind(admin_client, company, log_rows, tab, expected):
    response = admin_client.get(reverse("system:logs"), {"tab": tab})
    rows = _rows(response)
    assert len(rows) == expected
    assert all(r.kind == tab and r.tenant_id == company[0].pk for r in rows)
    assert "FOREIGN" not in response.content.decode()
    counts = {t["key"]: t["count"] for t in response.context["tabs"]}
    assert counts == {"login": 2, "delete": 1, "import_export": 1, "settings": 1}


def test_log_columns(admin_client, log_rows):
    response = admin_client.get(reverse("system:logs"), {"tab": "login"})
    content = response.content.decode()
    assert "华东服务队" in content and "李文员" in content
    labels = [str(c.label) for c in response.context["columns"]]
    assert len(labels) == 7 and "UserID" in labels


def test_log_search_by_user_name(admin_client, log_rows):
    rows = _rows(admin_client.get(reverse("system:logs"), {"tab": "login", "q": "李文"}))
    assert [r.user for r in rows] == [log_rows["clerk"]]


def test_log_filter_by_user_offers_only_this_companys_users(admin_client, log_rows):
    response = admin_client.get(reverse("system:logs"), {"tab": "login", "f_user": log_rows["owner"].pk})
    assert [r.user for r in _rows(response)] == [log_rows["owner"]]
    choices = next(f["choices"] for f in response.context["filters"] if f["filter"].key == "user")
    assert {pk for pk, _name in choices} == {log_rows["owner"].pk, log_rows["clerk"].pk}


def test_log_filter_by_another_companys_user_or_garbage_finds_nothing(admin_client, log_rows):
    for value in (log_rows["other_owner"].pk, "abc"):
        response = admin_client.get(reverse("system:logs"), {"tab": "login", "f_user": value})
        assert response.status_code == 200 and _rows(response) == []


def test_log_filter_by_date_range(admin_client, company, log_rows):
    old = SystemLog.all_tenants.filter(tenant=company[0], kind="delete").get()
    SystemLog.all_tenants.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    today = timezone.localdate()
    recent = _rows(admin_client.get(reverse("system:logs"), {"tab": "delete", "f_created_from": today.isoformat()}))
    earlier = _rows(admin_client.get(reverse("system:logs"), {
        "tab": "delete", "f_created_to": (today - timedelta(days=30)).isoformat()}))
    assert recent == [] and [r.pk for r in earlier] == [old.pk]


def test_log_export_contains_only_this_companys_rows_and_logs_itself(admin_client, company, log_rows):
    tenant = company[0]
    response = admin_client.get(reverse("system:logs"), {"tab": "login", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # header + the two logins of this company
    assert "FOREIGN" not in str(rows)
    assert {r[2] for r in rows[1:]} == {log_rows["owner"].name, log_rows["clerk"].name}
    assert SystemLog.all_tenants.filter(tenant=tenant, kind="import_export", user=company[1],
                                        detail__list="system_logs").count() == 1


def test_log_export_refused_without_permission(company, log_rows):
    engineer = make_user(company[0], roles=("engineer",))
    assert client_for(engineer).get(reverse("system:logs"), {"export": "xlsx"}).status_code == 403


def test_log_details_column_shows_settings_changes(admin_client, company, log_rows):
    from shouhou.core.models import ListPreference

    with tenant_context(company[0]):
        ListPreference.objects.create(user=company[1], list_key="system_logs",
                                      columns=["created_at", "user_name", "action", "detail"])
    content = admin_client.get(reverse("system:logs"), {"tab": "settings"}).content.decode()
    assert "working_hours.end: 18:00 → 19:00" in content


def test_client_type_recorded_for_mobile_logins(company):
    tenant, owner = company
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148")
    client.post(reverse("accounts:login"), {"username": owner.phone, "password": "Shouhou-test-2026"})
    row = SystemLog.all_tenants.filter(tenant=tenant, kind="login").latest("created_at")
    assert row.client_type == SystemLog.Client.MOBILE
    response = client_for(owner).get(reverse("system:logs"), {"tab": "login"})
    assert str(SystemLog.Client.MOBILE.label) in response.content.decode()
