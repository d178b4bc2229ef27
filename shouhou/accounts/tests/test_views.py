"""Console pages for accounts, teams and roles: rendering, permission refusals, data scope, other
companies (404), bulk actions, forms with service errors, Excel import and export."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from shouhou.accounts.models import Role, Team, User
from shouhou.core import company_settings, permissions
from shouhou.core.audit import SystemLog
from shouhou.core.excel import write_xlsx
from shouhou.core.jobs import DataJob
from shouhou.core.models import Activity, ListPreference
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, client_for, make_team, make_user


@pytest.fixture(autouse=True)
def _chinese_default(settings):
    """These tests check what a Chinese user sees: the product's default language."""
    settings.LANGUAGE_CODE = "zh-hans"


HTMX = {"HTTP_HX_REQUEST": "true"}
STRONG = "Field-Engineer-2026"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def admin(owner):
    return client_for(owner)


def url(name, *args):
    return reverse(f"accounts:{name}", args=args)


def role(key):
    return Role.objects.get(system_key=key)


def bare_role(name="无权限"):
    """A custom role without any permission."""
    return Role.objects.create(name=name, permissions=[], scopes={})


def fresh(user):
    return User.objects.get(pk=user.pk)


def text(response):
    return response.content.decode()


def zh(msgid, plural=None, count=None, context=None, **values):
    """A message as the pages show it (zh-hans, the default language), so tests hold with or without
    the compiled catalogue."""
    with translation.override("zh-hans"):
        if context:
            result = translation.pgettext(context, msgid)
        else:
            result = translation.ngettext(msgid, plural, count) if plural else translation.gettext(msgid)
    return result % values if values else result


def xlsx_upload(headers, rows, name="accounts.xlsx"):
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def workbook_of(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


# --- pages render for the administrator ---------------------------------------------------------------

def test_every_page_renders_for_the_administrator(tenant, owner, admin):
    parent = make_team(tenant, name="华东服务中心")
    team = make_team(tenant, name="上海一组", parent=parent, leaders=[owner])
    engineer = make_user(tenant, name="李强", teams=[team])
    engineer_role = role("engineer")
    pages = {
        url("users"): "李强",
        url("user_detail", engineer.pk): "李强",
        url("user_create"): 'name="phone"',
        url("user_edit", engineer.pk): 'value="李强"',
        url("user_password", engineer.pk): 'name="how"',
        url("bulk_roles") + f"?ids={engineer.pk}": 'name="mode"',
        url("bulk_teams") + f"?ids={engineer.pk}": "上海一组",
        url("users_import"): 'type="file"',
        url("teams"): "上海一组",
        url("team_detail", team.pk): "李强",
        url("team_create") + f"?parent={parent.pk}": f'value="{parent.pk}" selected',
        url("team_edit", team.pk): 'value="上海一组"',
        url("roles"): engineer_role.name,
        url("role_create"): 'name="description"',
        url("role_edit", engineer_role.pk): f'value="{engineer_role.name}"',
        url("role_permissions", engineer_role.pk): 'name="perm" value="account.view"',
        url("role_members", engineer_role.pk): "李强",
    }
    for path, expected in pages.items():
        response = admin.get(path)
        assert response.status_code == 200, path
        assert expected in text(response), path


def test_modal_pages_answer_htmx_with_the_fragment_only(tenant, owner, admin):
    page = admin.get(url("user_create"))
    fragment = admin.get(url("user_create"), **HTMX)
    assert "<html" in text(page) and 'class="sidebar' in text(page)
    assert "<html" not in text(fragment) and f'hx-post="{url("user_create")}"' in text(fragment)


def test_navigation_and_home_counters(tenant, owner, admin):
    make_user(tenant, roles=(), name="新人")
    team = make_team(tenant, members=[owner])
    home = text(admin.get("/"))
    for name in ("users", "teams", "roles"):
        assert f'href="{url(name)}"' in home
    assert 'data-counter="my_teams"' in home and 'data-counter="unassigned_accounts"' in home
    assert team.members.filter(pk=owner.pk).exists()

    engineer = make_user(tenant, roles=("engineer",))
    engineer_home = text(client_for(engineer).get("/"))
    assert f'href="{url("users")}"' in engineer_home  # every role may view colleagues
    assert f'href="{url("roles")}"' not in engineer_home
    assert 'data-counter="unassigned_accounts"' not in engineer_home


def test_unassigned_counter_link_opens_the_unassigned_view(tenant, admin):
    newcomer = make_user(tenant, roles=(), name="未分配的人")
    assigned = make_user(tenant, roles=("engineer",), name="已分配的人")
    response = admin.get(url("users_unassigned"), follow=True)
    assert newcomer.name in text(response) and assigned.name not in text(response)


# --- refusals without permission ------------------------------------------------------------------

def test_pages_are_refused_without_the_permission(tenant, owner):
    nobody = make_user(tenant, roles=[bare_role()])
    team = make_team(tenant)
    someone = make_user(tenant)
    client = client_for(nobody)
    refused_gets = [
        url("users"), url("user_detail", someone.pk), url("user_create"), url("user_edit", someone.pk),
        url("user_password", someone.pk), url("users_import"), url("users_import_template"),
        url("teams"), url("team_detail", team.pk), url("team_create"), url("team_edit", team.pk),
        url("roles"), url("role_create"), url("role_permissions", role("engineer").pk),
        url("role_members", role("engineer").pk),
    ]
    for path in refused_gets:
        assert client.get(path).status_code == 403, path
    for path in (url("bulk_disable"), url("bulk_delete"), url("team_delete", team.pk), url("team_settings"),
                 url("role_delete", role("engineer").pk)):
        assert client.post(path, {"ids": [someone.pk]}).status_code == 403, path
    assert fresh(someone).is_active and Team.objects.filter(pk=team.pk).exists()


def test_an_engineer_may_look_but_not_manage(tenant, owner):
    engineer = make_user(tenant, roles=("engineer",))
    team = make_team(tenant, name="杭州组")
    colleague = make_user(tenant, name="同事", teams=[team])
    client = client_for(engineer)
    assert client.get(url("users")).status_code == 200
    assert client.get(url("teams")).status_code == 200
    for path in (url("user_create"), url("user_edit", engineer.pk), url("team_create"), url("team_edit", team.pk),
                 url("roles"), url("users_import"), url("users") + "?export=xlsx"):
        assert client.get(path).status_code == 403, path
    response = client.post(url("team_settings"), {"team.dispatch_by_team": "on"})
    assert response.status_code == 403
    assert company_settings.get("team.dispatch_by_team") is False
    response = client.post(url("team_remove_member", team.pk, colleague.pk))
    assert response.status_code == 403 and team.members.filter(pk=colleague.pk).exists()
    listing = text(client.get(url("users")))
    assert "batch-action" not in listing and url("user_create") not in listing


def test_anonymous_visitors_are_sent_to_login(db):
    response = client_for_anonymous().get(url("users"))
    assert response.status_code == 302 and response["Location"].startswith(url("login"))


def client_for_anonymous():
    from django.test import Client

    return Client()


# --- data scope and other companies ----------------------------------------------------------------

def test_team_admin_sees_only_their_team(tenant, owner):
    east, west = make_team(tenant, name="东区"), make_team(tenant, name="西区")
    east_sub = make_team(tenant, name="东区一组", parent=east)
    team_admin = make_user(tenant, roles=("team_admin",), name="东区主管")
    east.leaders.add(team_admin)
    inside = make_user(tenant, name="东区工程师", teams=[east_sub])
    outside = make_user(tenant, name="西区工程师", teams=[west])
    client = client_for(team_admin)

    listing = text(client.get(url("users")))
    assert inside.name in listing and outside.name not in listing and owner.name not in listing
    assert client.get(url("user_detail", inside.pk)).status_code == 200
    assert client.get(url("user_detail", outside.pk)).status_code == 404
    assert client.get(url("user_edit", outside.pk)).status_code == 404
    assert client.get(url("bulk_teams") + f"?ids={outside.pk}").status_code == 404
    assert client.post(url("bulk_teams"), {"ids": [outside.pk], "mode": "add", "target_ids": [east.pk]},
                       **HTMX).status_code == 404
    assert not fresh(outside).teams.filter(pk=east.pk).exists()


def test_another_companys_objects_are_404_and_absent(tenant, owner, admin, other_company):
    other_tenant, other_owner = other_company
    foreign_team = make_team(other_tenant, name="外公司团队")
    foreign_user = make_user(other_tenant, name="外公司员工", teams=[foreign_team])
    with tenant_context(other_tenant):
        foreign_role = Role.objects.create(name="外公司角色")
    for path in (url("user_detail", foreign_user.pk), url("user_edit", foreign_user.pk),
                 url("user_password", foreign_user.pk), url("team_detail", foreign_team.pk),
                 url("team_edit", foreign_team.pk), url("team_create") + f"?parent={foreign_team.pk}",
                 url("role_permissions", foreign_role.pk), url("role_members", foreign_role.pk),
                 url("role_edit", foreign_role.pk), url("bulk_roles") + f"?ids={foreign_user.pk}"):
        assert admin.get(path).status_code == 404, path
    for path in (url("team_delete", foreign_team.pk), url("role_delete", foreign_role.pk),
                 url("role_reset", foreign_role.pk), url("bulk_disable"), url("bulk_delete"),
                 url("team_remove_member", foreign_team.pk, foreign_user.pk)):
        assert admin.post(path, {"ids": [foreign_user.pk]}).status_code == 404, path
    for path in (url("users"), url("teams"), url("roles"), url("users") + f"?tree_team={foreign_team.pk}"):
        body = text(admin.get(path))
        assert "外公司" not in body, path
    with tenant_context(other_tenant):
        assert Team.objects.filter(pk=foreign_team.pk).exists() and Role.objects.filter(pk=foreign_role.pk).exists()
        assert User.objects.get(pk=foreign_user.pk).is_active


# --- the account list ------------------------------------------------------------------------------

def test_role_tree_and_team_filter(tenant, owner, admin):
    east = make_team(tenant, name="东区")
    east_sub = make_team(tenant, name="东区一组", parent=east)
    engineer = make_user(tenant, name="工程师甲", teams=[east_sub])
    unassigned = make_user(tenant, roles=(), name="没角色的人")
    disabled = make_user(tenant, name="停用的人", is_active=False)

    def names(query):
        body = text(admin.get(url("users") + query, **HTMX))  # the table part only
        return {u.name for u in (owner, engineer, unassigned, disabled) if u.name in body}

    assert names("") == {owner.name, engineer.name, unassigned.name, disabled.name}
    assert names("?tree_view=unassigned") == {unassigned.name}
    assert names("?tree_view=disabled") == {disabled.name}
    assert names(f"?tree_role={role('engineer').pk}") == {engineer.name, disabled.name}
    assert names(f"?tree_team={east.pk}") == {engineer.name}
    assert names(f"?f_team={east_sub.pk}") == {engineer.name}
    assert names("?q=没角色") == {unassigned.name}
    assert names(f"?q={engineer.phone}") == {engineer.name}
    sidebar = text(admin.get(url("users")))
    assert f'href="?tree_role={role("engineer").pk}"' in sidebar and 'href="?tree_view=unassigned"' in sidebar


def test_export_is_a_real_workbook_with_the_visible_columns(tenant, owner, admin):
    team = make_team(tenant, name="导出组")
    make_user(tenant, name="导出甲", teams=[team], service_phone="400-100")
    response = admin.get(url("users") + "?export=xlsx&q=导出")
    assert response.status_code == 200
    sheet = workbook_of(response).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    expected = [zh("Name", context="person")] + [zh(label) for label in (
        "Account", "Service phone", "Roles", "Teams", "Work status", "Status", "Created at")]
    assert list(rows[0]) == expected
    assert len(rows) == 2 and rows[1][0] == "导出甲" and rows[1][2] == "400-100" and rows[1][4] == "导出组"
    assert SystemLog.objects.filter(kind=SystemLog.Kind.IMPORT_EXPORT, user=owner).exists()

    ListPreference.objects.create(user=owner, list_key="accounts", columns=["name", "email"])
    chosen = workbook_of(admin.get(url("users") + "?export=xlsx")).worksheets[0]
    header = next(chosen.iter_rows(values_only=True))
    assert list(header) == [zh("Name", context="person"), zh("E-mail")]


def test_export_account_activity_for_the_view_or_all(tenant, owner, admin, other_company):
    from shouhou.accounts import services

    first = services.create_user(actor=owner, name="动态甲", phone="13977770001")
    second = services.create_user(actor=owner, name="动态乙", phone="13977770002")
    services.update_user(actor=owner, user=first, job_title="组长")
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        services.create_user(actor=other_owner, name="外公司动态", phone="13977770003")

    modal = admin.get(url("user_activity_export") + "?q=动态甲", **HTMX)
    assert 'name="q" value="动态甲"' in text(modal) and 'name="date_from"' in text(modal)

    def exported(query):
        response = admin.get(url("user_activity_export") + query)
        assert response.status_code == 200, text(response)
        return [row for row in workbook_of(response).worksheets[0].iter_rows(min_row=2, values_only=True)]

    rows = exported("?q=动态甲&scope=view")
    assert [(r[2], r[4]) for r in rows] == [("动态甲", zh("Created the account")), ("动态甲", zh("Edited the account"))]
    assert "组长" in rows[1][5] and rows[0][3] == owner.name
    everyone = exported("?scope=all")
    assert {r[2] for r in everyone} >= {"动态甲", "动态乙"} and "外公司动态" not in {r[2] for r in everyone}
    assert exported("?scope=all&date_from=2000-01-01&date_to=2000-01-02") == []
    assert SystemLog.objects.filter(kind=SystemLog.Kind.IMPORT_EXPORT, detail__list="account_activity").count() == 3
    bad = admin.get(url("user_activity_export") + "?scope=all&date_from=2026-02-02&date_to=2026-01-01")
    assert bad.status_code == 400 and second.pk
    engineer = client_for(make_user(tenant, roles=("engineer",)))
    assert engineer.get(url("user_activity_export") + "?scope=all").status_code == 403


# --- bulk actions ----------------------------------------------------------------------------------

def test_bulk_roles_add_remove_and_replace(tenant, owner, admin):
    first, second = make_user(tenant, roles=("engineer",)), make_user(tenant, roles=())
    visitor, engineer = role("visitor"), role("engineer")
    ids = [first.pk, second.pk]

    response = admin.post(url("bulk_roles"), {"ids": ids, "mode": "add", "target_ids": [visitor.pk]}, **HTMX)
    assert response.status_code == 200 and response.headers.get("HX-Refresh") == "true"
    assert all(fresh(u).roles.filter(pk=visitor.pk).exists() for u in (first, second))

    admin.post(url("bulk_roles"), {"ids": ids, "mode": "remove", "target_ids": [visitor.pk]}, **HTMX)
    assert not User.objects.filter(pk__in=ids, roles=visitor).exists()

    admin.post(url("bulk_roles"), {"ids": ids, "mode": "set", "target_ids": [engineer.pk, visitor.pk]}, **HTMX)
    for user in (first, second):
        assert set(fresh(user).roles.values_list("system_key", flat=True)) == {"engineer", "visitor"}
    assert Activity.objects.filter(verb="roles", object_id=str(second.pk)).exists()


def test_bulk_roles_needs_a_choice_and_keeps_the_owner_an_administrator(tenant, owner, admin):
    user = make_user(tenant, roles=("engineer",))
    response = admin.post(url("bulk_roles"), {"ids": [user.pk], "mode": "add"}, **HTMX)
    assert response.status_code == 200 and "is-invalid" in text(response)
    response = admin.post(url("bulk_roles"), {"ids": [owner.pk, user.pk], "mode": "set",
                                              "target_ids": [role("visitor").pk]}, **HTMX)
    assert zh("The super administrator always keeps the system administrator role.") in text(response)
    assert fresh(owner).roles.filter(system_key="admin").exists()
    assert set(fresh(user).roles.values_list("system_key", flat=True)) == {"engineer"}


def test_bulk_teams(tenant, owner, admin):
    north, south = make_team(tenant, name="北"), make_team(tenant, name="南")
    user = make_user(tenant, teams=[north])
    admin.post(url("bulk_teams"), {"ids": [user.pk], "mode": "set", "target_ids": [south.pk]})
    assert list(fresh(user).teams.values_list("name", flat=True)) == ["南"]
    response = admin.post(url("bulk_teams"), {"ids": [user.pk], "mode": "add", "target_ids": [north.pk],
                                              "next": url("users")})
    assert response.status_code == 302
    assert set(fresh(user).teams.values_list("name", flat=True)) == {"北", "南"}


def test_bulk_enable_disable_and_the_owner_stays_enabled(tenant, owner, admin):
    first, second = make_user(tenant), make_user(tenant)
    response = admin.post(url("bulk_disable"), {"ids": [first.pk, second.pk], "next": url("users")})
    assert response.status_code == 302 and response["Location"] == url("users")
    assert not fresh(first).is_active and not fresh(second).is_active
    admin.post(url("bulk_enable"), {"ids": [first.pk]})
    assert fresh(first).is_active and not fresh(second).is_active

    response = admin.post(url("bulk_disable"), {"ids": [first.pk, owner.pk]}, follow=True)
    assert zh("You cannot disable yourself or the super administrator.") in text(response)
    assert fresh(first).is_active and fresh(owner).is_active


def test_bulk_delete_all_or_nothing(tenant, owner, admin):
    first, second, third = make_user(tenant), make_user(tenant), make_user(tenant)
    response = admin.post(url("bulk_delete"), {"ids": [first.pk, owner.pk]}, follow=True)
    assert zh("You cannot delete yourself or the super administrator.") in text(response)
    assert User.objects.filter(pk=first.pk).exists()

    admin.post(url("bulk_delete"), {"ids": [first.pk, second.pk]})
    assert not User.objects.filter(pk__in=[first.pk, second.pk]).exists() and User.objects.filter(pk=third.pk).exists()
    assert SystemLog.objects.filter(kind=SystemLog.Kind.DELETE).count() == 2


def test_a_bulk_action_without_selection_says_so(tenant, admin):
    response = admin.post(url("bulk_enable"), {"next": url("users")}, follow=True)
    assert response.status_code == 200 and zh("Select at least one account.") in text(response)


# --- create, edit, password ---------------------------------------------------------------------------

def test_create_account_with_roles_and_teams(tenant, owner, admin):
    team = make_team(tenant, name="新组")
    response = admin.post(url("user_create"), {
        "name": "王五", "phone": "13912345678", "email": "wangwu@example.com", "service_phone": "400-1",
        "job_title": "工程师", "password": STRONG, "role_ids": [role("engineer").pk], "team_ids": [team.pk],
    })
    user = User.objects.get(phone="13912345678")
    assert response.status_code == 302 and response["Location"] == url("user_detail", user.pk)
    assert user.check_password(STRONG) and user.name == "王五" and user.service_phone == "400-1"
    assert list(user.roles.values_list("system_key", flat=True)) == ["engineer"]
    assert list(user.teams.all()) == [team]

    htmx = admin.post(url("user_create"), {"name": "赵六", "phone": "13912345679"}, **HTMX)
    created = User.objects.get(phone="13912345679")
    assert htmx.headers["HX-Redirect"] == url("user_detail", created.pk)
    assert not created.roles.exists(), "an account created without roles is unassigned"


def test_create_account_shows_service_errors_on_the_fields(tenant, owner, admin):
    count = User.objects.count()
    response = admin.post(url("user_create"), {"name": "重复", "phone": owner.phone, "password": "123"})
    body = text(response)
    assert response.status_code == 400 and User.objects.count() == count
    assert zh("This mobile phone is already registered.") in body
    response = admin.post(url("user_create"), {"name": "弱密码", "phone": "13912340000", "password": "12345678"},
                          **HTMX)
    assert response.status_code == 200 and "is-invalid" in text(response) and User.objects.count() == count
    response = admin.post(url("user_create"), {"name": "", "phone": "12"}, **HTMX)
    assert "is-invalid" in text(response) and User.objects.count() == count


def test_only_role_managers_may_grant_the_administrator_role(tenant, owner):
    manager = make_user(tenant, roles=("manager",))
    client = client_for(manager)
    form = text(client.get(url("user_create")))
    assert f'name="role_ids" value="{role("admin").pk}"' not in form
    assert f'name="role_ids" value="{role("engineer").pk}"' in form
    response = client.post(url("user_create"), {"name": "越权", "phone": "13912340001",
                                                "role_ids": [role("admin").pk]})
    assert response.status_code == 400 and not User.objects.filter(phone="13912340001").exists()


def test_edit_account_changes_fields_roles_and_teams(tenant, owner, admin):
    team = make_team(tenant, name="编辑组")
    user = make_user(tenant, name="旧名", roles=("engineer",))
    response = admin.post(url("user_edit", user.pk), {
        "name": "新名", "phone": user.phone, "email": "", "service_phone": "", "job_title": "组长",
        "role_ids": [role("visitor").pk], "team_ids": [team.pk],
    })
    assert response.status_code == 302
    user = fresh(user)
    assert user.name == "新名" and user.job_title == "组长"
    assert list(user.roles.values_list("system_key", flat=True)) == ["visitor"] and list(user.teams.all()) == [team]
    detail = text(admin.get(url("user_detail", user.pk)))
    assert "新名" in detail and "旧名" in detail, "the timeline shows the change"


def test_edit_by_a_manager_keeps_the_administrator_role_they_cannot_see(tenant, owner):
    manager = make_user(tenant, roles=("manager",))
    other_admin = make_user(tenant, roles=("admin", "engineer"), name="另一位管理员")
    response = client_for(manager).post(url("user_edit", other_admin.pk), {
        "name": "另一位管理员", "phone": other_admin.phone, "role_ids": [role("engineer").pk]})
    assert response.status_code == 302
    assert set(fresh(other_admin).roles.values_list("system_key", flat=True)) == {"admin", "engineer"}


def test_reset_password_random_and_chosen(tenant, owner, admin):
    user = make_user(tenant)
    response = admin.post(url("user_password", user.pk), {"how": "random"}, **HTMX)
    body = text(response)
    start = body.index('id="new-password">') + len('id="new-password">')
    password = body[start:body.index("</code>", start)]
    assert len(password) >= 10 and fresh(user).check_password(password)

    response = admin.post(url("user_password", user.pk), {"how": "set", "password": "short"}, **HTMX)
    assert "is-invalid" in text(response) and fresh(user).check_password(password)
    admin.post(url("user_password", user.pk), {"how": "set", "password": STRONG}, **HTMX)
    assert fresh(user).check_password(STRONG)


def test_detail_shows_roles_teams_timeline_and_login_history(tenant, owner, admin):
    team = make_team(tenant, name="详情组")
    user = make_user(tenant, name="详情人", teams=[team], password=DEMO_PASSWORD)
    client_for_anonymous().post(url("login"), {"username": user.phone, "password": DEMO_PASSWORD})
    client_for_anonymous().post(url("login"), {"username": user.phone, "password": "wrong-password"})
    body = text(admin.get(url("user_detail", user.pk)))
    assert "详情组" in body and role("engineer").name in body
    assert f"<td>{zh('Logged in')}</td>" in body and f"<td>{zh('Login failed')}</td>" in body
    assert body.count('<tr><td class="text-nowrap">') == 2, "one row per login attempt"
    assert url("user_edit", user.pk) in body and url("bulk_delete") in body
    own = text(admin.get(url("user_detail", owner.pk)))
    assert url("bulk_delete") not in own, "nobody deletes the super administrator"


# --- import ----------------------------------------------------------------------------------------

HEADERS = ["姓名*", "手机", "邮箱", "服务电话", "职位", "角色", "团队"]


def run_import(client, rows, headers=HEADERS):
    response = client.post(url("users_import"), {"file": xlsx_upload(headers, rows)})
    assert response.status_code == 302, text(response)
    job = DataJob.all_tenants.latest("pk")
    assert response["Location"] == url("users_import_job", job.pk)
    return job


def test_import_a_good_file_imports_every_row(tenant, owner, admin):
    east = make_team(tenant, name="华东")
    make_team(tenant, name="一组", parent=east)
    make_team(tenant, name="一组", parent=make_team(tenant, name="华南"))  # a second 一组: needs the path
    engineer, visitor = role("engineer").name, role("visitor").name
    job = run_import(admin, [
        ["张三", "13911110001", "", "400-800", "工程师", engineer, "华东"],
        ["李四", 13911110002, "lisi@example.com", "", "", f"{engineer}、{visitor}", "华东/一组"],
        ["王五", "", "wangwu@example.com", "", "", "", ""],
    ])
    job.refresh_from_db()
    assert job.status == DataJob.Status.READY and job.total == 3 and job.errors == []
    page = text(admin.get(url("users_import_job", job.pk)))
    assert "张三" in page and url("users_import_commit", job.pk) in page

    response = admin.post(url("users_import_commit", job.pk))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == DataJob.Status.DONE and job.result["created"] == 3
    lisi = User.objects.get(phone="13911110002")
    assert set(lisi.roles.values_list("system_key", flat=True)) == {"engineer", "visitor"}
    assert [t.parent.name for t in lisi.teams.all()] == ["华东"]
    assert not User.objects.get(email="wangwu@example.com").roles.exists()
    assert SystemLog.objects.filter(kind=SystemLog.Kind.IMPORT_EXPORT, detail__job=job.pk).exists()
    status = text(admin.get(url("users_import_status", job.pk)))
    assert zh("Imported %(n)s row.", "Imported %(n)s rows.", 3, n=3) in status and "hx-trigger" not in status


def test_import_with_bad_rows_imports_nothing_and_lists_every_bad_row(tenant, owner, admin):
    make_team(tenant, name="一组", parent=make_team(tenant, name="华东"))
    make_team(tenant, name="一组", parent=make_team(tenant, name="华南"))
    count = User.objects.count()
    job = run_import(admin, [
        ["好人甲", "13922220001", "", "", "", "", ""],             # row 2: good
        ["", "13922220002", "", "", "", "", ""],                    # 3: no name
        ["坏手机", "12345", "", "", "", "", ""],                     # 4: invalid phone
        ["重复", "13922220001", "", "", "", "", ""],                # 5: same phone as row 2
        ["已注册", owner.phone, "", "", "", "", ""],                # 6: phone already an account
        ["怪角色", "13922220006", "", "", "", "不存在的角色", ""],    # 7: unknown role
        ["怪团队", "13922220007", "", "", "", "", "没有这个团队"],     # 8: unknown team
        ["两可", "13922220008", "", "", "", "", "一组"],             # 9: ambiguous team name
        ["无联系", "", "", "", "", "", ""],                         # 10: neither phone nor e-mail
        ["好人乙", "13922220010", "", "", "", "", ""],              # 11: good
    ])
    job.refresh_from_db()
    assert job.status == DataJob.Status.INVALID
    assert [e["row"] for e in job.errors] == [3, 4, 5, 6, 7, 8, 9, 10]
    reasons = {e["row"]: e["messages"] for e in job.errors}
    phone = zh("Mobile phone")
    assert reasons[4][0].startswith(zh("%(column)s: %(message)s", column=phone, message=""))
    assert reasons[5] == [zh("The %(what)s %(value)s also appears in row %(row)s of the file.",
                             what=zh("mobile phone"), value="13922220001", row=2)]
    assert reasons[6] == [zh("This mobile phone is already registered.")]
    def on(column, message):
        return zh("%(column)s: %(message)s", column=column, message=message)

    assert reasons[7] == [on(zh("Roles"), zh("Unknown role: %(name)s", name="不存在的角色"))]
    assert reasons[8] == [on(zh("Teams"), zh("Unknown team: %(name)s", name="没有这个团队"))]
    assert reasons[9] == [on(zh("Teams"), zh("Several teams are called %(name)s; write it as parent/%(name)s.",
                                             name="一组"))]
    assert reasons[3] == [on(zh("Name", context="person"), zh("This field is required."))]
    assert User.objects.count() == count

    page = text(admin.get(url("users_import_job", job.pk)))
    for row in (3, 4, 5, 6, 7, 8, 9, 10):
        assert f'<td class="fw-semibold">{row}</td>' in page
    assert url("users_import_commit", job.pk) not in page
    response = admin.post(url("users_import_commit", job.pk), follow=True)
    assert zh("This import cannot be started now: it has errors or has already run.") in text(response)
    assert User.objects.count() == count

    errors = workbook_of(admin.get(url("users_import_errors", job.pk))).worksheets[0]
    assert [row[0] for row in errors.iter_rows(min_row=2, values_only=True)] == [3, 4, 5, 6, 7, 8, 9, 10]


def test_import_respects_the_seat_quota(tenant, owner, admin):
    tenant.seat_limit = User.objects.filter(is_active=True).count() + 1
    tenant.save()
    job = run_import(admin, [["甲", "13933330001", "", "", "", "", ""], ["乙", "13933330002", "", "", "", "", ""],
                             ["丙", "13933330003", "", "", "", "", ""]])
    job.refresh_from_db()
    assert job.status == DataJob.Status.INVALID and [e["row"] for e in job.errors] == [3, 4]
    assert job.errors[0]["messages"] == [zh("Over the account quota: %(left)s of %(limit)s accounts are left.",
                                             left=1, limit=tenant.seat_limit)]


def test_import_rechecks_at_commit_and_rolls_everything_back(tenant, owner, admin):
    job = run_import(admin, [["先", "13944440001", "", "", "", "", ""], ["后", "13944440002", "", "", "", "", ""]])
    job.refresh_from_db()
    assert job.status == DataJob.Status.READY
    make_user(tenant, phone="13944440002", name="抢先注册")  # someone registers the phone meanwhile
    admin.post(url("users_import_commit", job.pk))
    job.refresh_from_db()
    assert job.status == DataJob.Status.INVALID and [e["row"] for e in job.errors] == [3]
    assert not User.objects.filter(phone="13944440001").exists()
    assert SystemLog.objects.filter(kind=SystemLog.Kind.IMPORT_EXPORT, detail__bad_rows=1).exists()


def test_import_refuses_a_non_excel_file_and_the_unpermitted(tenant, owner, admin):
    response = admin.post(url("users_import"), {"file": SimpleUploadedFile("a.csv", b"name\n")})
    assert response.status_code == 400 and zh("Upload an Excel file (.xlsx).") in text(response)
    assert not DataJob.objects.exists()
    manager = client_for(make_user(tenant, roles=("manager",)))
    assert manager.post(url("users_import"), {"file": xlsx_upload(HEADERS, [["甲", "13955550001"]])}).status_code == 403


def test_import_template_has_the_columns_and_instructions(tenant, admin):
    response = admin.get(url("users_import_template"))
    workbook = workbook_of(response)
    header = [str(h) for h in next(workbook.worksheets[0].iter_rows(values_only=True))]
    assert header[0].endswith("*") and len(header) == 7
    assert len(list(workbook.worksheets[1].iter_rows(min_row=2))) == 7


def test_another_companys_import_job_is_404(tenant, owner, admin, other_company):
    other_tenant, other_owner = other_company
    job = run_import(client_for(other_owner), [["外", "13966660001", "", "", "", "", ""]])
    for name in ("users_import_job", "users_import_status", "users_import_errors"):
        assert admin.get(url(name, job.pk)).status_code == 404
    assert admin.post(url("users_import_commit", job.pk)).status_code == 404
    with tenant_context(other_tenant):
        assert DataJob.objects.get(pk=job.pk).status == DataJob.Status.READY


# --- teams ---------------------------------------------------------------------------------------

def test_create_edit_and_tree_of_teams(tenant, owner, admin):
    leader, member = make_user(tenant, name="组长"), make_user(tenant, name="组员")
    response = admin.post(url("team_create"), {"name": "华东", "service_phone": "021-1", "area": "上海",
                                               "address": "上海市", "latitude": "31.2304", "longitude": "121.4737",
                                               "leader_ids": [leader.pk], "member_ids": [member.pk]})
    east = Team.objects.get(name="华东")
    assert response.status_code == 302 and response["Location"] == url("team_detail", east.pk)
    assert set(east.members.all()) == {leader, member} and list(east.leaders.all()) == [leader]
    assert str(east.latitude) == "31.230400"

    admin.post(url("team_create") + f"?parent={east.pk}", {"name": "一组", "parent_id": east.pk})
    child = Team.objects.get(name="一组")
    assert child.parent == east
    west = make_team(tenant, name="西区")
    listing = text(admin.get(url("teams") + f"?tree_team={east.pk}", **HTMX))
    assert "一组" in listing and "西区" not in listing and west.pk

    response = admin.post(url("team_edit", child.pk), {"name": "一组改", "parent_id": "", "member_ids": [member.pk]})
    child.refresh_from_db()
    assert response.status_code == 302 and child.name == "一组改" and child.parent is None

    response = admin.post(url("team_edit", east.pk), {"name": "华东", "latitude": "200"})
    assert response.status_code == 400
    assert zh("Enter a coordinate between -%(bound)s and %(bound)s.", bound=90) in text(response)


def test_delete_team_refused_while_it_has_sub_teams(tenant, owner, admin):
    parent = make_team(tenant, name="母团队")
    child = make_team(tenant, name="子团队", parent=parent)
    response = admin.post(url("team_delete", parent.pk), follow=True)
    assert zh("Delete or move its sub-teams first.") in text(response)
    assert Team.objects.filter(pk=parent.pk).exists()
    admin.post(url("team_delete", child.pk))
    admin.post(url("team_delete", parent.pk))
    assert not Team.objects.filter(pk__in=[parent.pk, child.pk]).exists()


def test_team_members_add_and_remove(tenant, owner, admin):
    team = make_team(tenant)
    first, second = make_user(tenant), make_user(tenant)
    admin.post(url("team_add_members", team.pk), {"user_ids": [first.pk, second.pk]})
    assert set(team.members.all()) == {first, second}
    admin.post(url("team_remove_member", team.pk, first.pk))
    assert list(team.members.all()) == [second]
    response = admin.post(url("team_add_members", team.pk), {}, follow=True)
    assert zh("Choose at least one.") in text(response)


def test_team_toggles_are_company_settings(tenant, owner, admin):
    admin.post(url("team_settings"), {"team.dispatch_by_team": "on"})
    tenant.refresh_from_db()
    assert company_settings.get("team.dispatch_by_team", tenant) is True
    assert company_settings.get("team.hide_non_members", tenant) is False
    assert SystemLog.objects.filter(kind=SystemLog.Kind.SETTINGS).exists()
    admin.post(url("team_settings"), {"team.hide_non_members": "on"})
    tenant.refresh_from_db()
    assert company_settings.values(tenant, group="team") == {"team.dispatch_by_team": False,
                                                             "team.hide_non_members": True}
    assert 'name="team.hide_non_members" checked' in text(admin.get(url("teams")))


# --- roles ---------------------------------------------------------------------------------------

def test_create_edit_and_delete_a_custom_role(tenant, owner, admin):
    response = admin.post(url("role_create"), {"name": "仓库助理", "description": "帮忙看库存"}, **HTMX)
    custom = Role.objects.get(name="仓库助理")
    assert response.headers["HX-Redirect"] == url("role_permissions", custom.pk)
    assert custom.permissions == [] and not custom.is_system

    response = admin.post(url("role_create"), {"name": "仓库助理"}, **HTMX)
    assert zh("A role with this name already exists.") in text(response)
    admin.post(url("role_edit", custom.pk), {"name": "仓库助理二", "description": ""})
    custom.refresh_from_db()
    assert custom.name == "仓库助理二"
    admin.post(url("role_delete", custom.pk))
    assert not Role.objects.filter(pk=custom.pk).exists()


def test_system_roles_cannot_be_deleted_but_reset(tenant, owner, admin):
    engineer = role("engineer")
    default = sorted(engineer.permissions)
    engineer.permissions = ["account.view"]
    engineer.save()
    response = admin.post(url("role_delete", engineer.pk), follow=True)
    assert zh("System roles cannot be deleted.") in text(response) and Role.objects.filter(pk=engineer.pk).exists()
    admin.post(url("role_reset", engineer.pk))
    engineer.refresh_from_db()
    assert sorted(engineer.permissions) == default
    assert url("role_delete", engineer.pk) not in text(admin.get(url("roles")))


def test_permission_matrix_saves_codes_and_scopes(tenant, owner, admin):
    custom = Role.objects.create(name="主管助理")
    page = text(admin.get(url("role_permissions", custom.pk)))
    for module in permissions.modules_in_order():
        assert module.codes()[0] in page
        assert (f'name="scope_{module.key}"' in page) == module.scoped
    response = admin.post(url("role_permissions", custom.pk), {
        "perm": ["account.view", "account.edit", "team.view", "no.such"], "scope_account": "team"})
    assert response.status_code == 302
    custom.refresh_from_db()
    assert custom.permissions == ["account.edit", "account.view", "team.view"]
    assert custom.scopes["account"] == "team"
    assert SystemLog.objects.filter(kind=SystemLog.Kind.SETTINGS, detail__role=custom.pk).exists()


def test_the_system_administrator_matrix_is_read_only(tenant, owner, admin):
    administrator = role("admin")
    before = list(administrator.permissions)
    page = text(admin.get(url("role_permissions", administrator.pk)))
    assert zh("Save permissions") not in page and 'name="perm" value="account.view" checked disabled' in page
    response = admin.post(url("role_permissions", administrator.pk), {"perm": ["account.view"]})
    assert response.status_code == 400
    administrator.refresh_from_db()
    assert administrator.permissions == before


def test_role_members_add_and_remove(tenant, owner, admin):
    visitor = role("visitor")
    user = make_user(tenant, roles=("engineer",), name="回访新人")
    admin.post(url("role_add_members", visitor.pk), {"user_ids": [user.pk]})
    assert fresh(user).roles.filter(pk=visitor.pk).exists()
    assert "回访新人" in text(admin.get(url("role_members", visitor.pk)))
    admin.post(url("role_remove_member", visitor.pk, user.pk))
    assert not fresh(user).roles.filter(pk=visitor.pk).exists()
    response = admin.post(url("role_remove_member", role("admin").pk, owner.pk), follow=True)
    assert zh("The super administrator always keeps the system administrator role.") in text(response)
