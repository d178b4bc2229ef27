"""The accounts REST API (architecture §11): auth, errors, pagination, idempotency, scope and tenant isolation."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from shouhou.accounts import services
from shouhou.accounts.models import ApiToken, Role, Team, User, WorkStatus
from shouhou.core.audit import SystemLog
from shouhou.core.models import IdempotencyRecord
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, api_client_for, client_for, make_team, make_user

API = "/api/v1"
CSRF_TOKEN = "k" * 32


def send(client, method, path, body=None, **headers):
    """A JSON request; the body is sent as JSON even when empty so the API sees no form data."""
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(API + path, data=data, content_type="application/json", headers=headers)


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert field in body["details"], body["details"]
    return body


def ids(response):
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def api(owner):
    return api_client_for(owner)


@pytest.fixture
def foreign(other_company):
    """Another company's owner, a user, a team and a custom role."""
    other_tenant, other_owner = other_company
    team = make_team(other_tenant)
    user = make_user(other_tenant, teams=[team])
    with tenant_context(other_tenant):
        role = services.save_role(actor=other_owner, name="外部角色", permission_codes=["account.view"])
        status = WorkStatus.objects.first()
    return {"owner": other_owner, "user": user, "team": team, "role": role, "status": status}


# --- sign-in ------------------------------------------------------------------------------------

def test_login_by_phone_returns_a_token_that_authenticates(tenant, owner):
    response = send(Client(), "post", "/auth/login", {"username": owner.phone, "password": DEMO_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["id"] == owner.pk
    assert body["user"]["company"]["slug"] == tenant.slug
    assert "account.create" in body["user"]["permissions"]
    assert body["expires_at"]
    bearer = Client(headers={"Authorization": f"Bearer {body['token']}"})
    assert send(bearer, "get", "/me").json()["id"] == owner.pk
    entry = SystemLog.objects.filter(kind=SystemLog.Kind.LOGIN, user=owner).latest("created_at")
    assert entry.client_type == SystemLog.Client.API


def test_login_by_email(tenant):
    user = make_user(tenant, email="li.lei@example.com")
    response = send(Client(), "post", "/auth/login", {"username": "Li.Lei@example.com", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert response.json()["user"]["id"] == user.pk


def test_wrong_password_is_401_and_issues_no_token(tenant, owner):
    response = send(Client(), "post", "/auth/login", {"username": owner.phone, "password": "wrong-password"})
    assert_error(response, 401, "invalid_credentials")
    assert not ApiToken.objects.exists()


def test_login_without_password_is_a_validation_error(db):
    assert_error(send(Client(), "post", "/auth/login", {"username": "13800000000"}), 400,
                 "validation_error", "password")


def test_repeated_failures_lock_the_account(tenant, owner, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _attempt in range(2):
        assert send(Client(), "post", "/auth/login", {"username": owner.phone, "password": "nope"}).status_code == 401
    assert_error(send(Client(), "post", "/auth/login", {"username": owner.phone, "password": "nope"}), 429,
                 "account_locked")
    locked = send(Client(), "post", "/auth/login", {"username": owner.phone, "password": DEMO_PASSWORD})
    assert_error(locked, 429, "account_locked")
    assert not ApiToken.objects.exists()


def test_requests_without_valid_credentials_are_401(tenant, owner):
    assert_error(send(Client(), "get", "/me"), 401, "not_authenticated")
    bad_token = Client(enforce_csrf_checks=True, headers={"Authorization": "Bearer sh_not-a-token"})
    assert_error(send(bad_token, "get", "/me"), 401, "not_authenticated")
    assert_error(send(bad_token, "post", "/users", {"name": "x"}), 401, "not_authenticated")


def test_expired_token_and_disabled_user_are_refused(tenant, owner):
    user = make_user(tenant)
    _token, key = services.create_api_token(user=user, days=1)
    bearer = Client(headers={"Authorization": f"Bearer {key}"})
    assert send(bearer, "get", "/me").status_code == 200
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert send(bearer, "get", "/me").status_code == 401
    ApiToken.objects.filter(user=user).update(expires_at=None)
    services.set_active(actor=owner, users=[user], active=False)
    assert send(bearer, "get", "/me").status_code == 401


def test_logout_revokes_only_the_token_used(tenant, owner):
    first, second = api_client_for(owner), api_client_for(owner)
    assert send(first, "post", "/auth/logout").status_code == 204
    assert send(first, "get", "/me").status_code == 401
    assert send(second, "get", "/me").status_code == 200


def test_session_auth_needs_csrf_for_unsafe_methods(tenant, owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert send(client, "get", "/me").json()["id"] == owner.pk
    body = {"name": "王五", "phone": "13711112222"}
    assert_error(send(client, "post", "/users", body), 403, "csrf_failed")
    assert not User.objects.filter(phone="13711112222").exists()
    client.cookies["csrftoken"] = CSRF_TOKEN
    assert send(client, "post", "/users", body, **{"X-CSRFToken": CSRF_TOKEN}).status_code == 201


def test_session_logout_ends_the_session(tenant, owner):
    client = client_for(owner)
    assert send(client, "post", "/auth/logout").status_code == 204
    assert send(client, "get", "/me").status_code == 401


# --- the signed-in user -------------------------------------------------------------------------

def test_me_shows_profile_permissions_and_scopes(tenant, owner):
    engineer = make_user(tenant, roles=("engineer",))
    body = send(api_client_for(engineer), "get", "/me").json()
    assert body["roles"] == [{"id": Role.objects.get(system_key="engineer").pk,
                              "name": Role.objects.get(system_key="engineer").name}]
    assert "account.view" in body["permissions"] and "account.create" not in body["permissions"]
    assert body["scopes"]["account"] == "own"
    assert body["work_status"]["id"] == WorkStatus.objects.first().pk


def test_patch_me_changes_work_status_and_language(tenant, owner, api):
    busy = WorkStatus.objects.order_by("sort_order")[1]
    response = send(api, "patch", "/me", {"work_status_id": busy.pk, "language": "en"})
    assert response.status_code == 200
    assert response.json()["work_status"]["id"] == busy.pk
    owner.refresh_from_db()
    assert (owner.work_status_id, owner.language) == (busy.pk, "en")


def test_patch_me_refuses_bad_values_without_change(tenant, owner, api, foreign):
    before = owner.work_status_id
    assert_error(send(api, "patch", "/me", {"language": "xx"}), 400, "validation_error", "language")
    assert_error(send(api, "patch", "/me", {"work_status_id": foreign["status"].pk}), 404, "not_found")
    owner.refresh_from_db()
    assert owner.work_status_id == before and owner.language == ""


def test_change_own_password(tenant, owner, api):
    assert_error(send(api, "post", "/me/password", {"old_password": "wrong", "new_password": "Better-pass-99"}),
                 400, "validation_error", "old_password")
    assert_error(send(api, "post", "/me/password", {"old_password": DEMO_PASSWORD, "new_password": "12345678"}),
                 400, "validation_error", "password")
    assert send(api, "post", "/me/password",
                {"old_password": DEMO_PASSWORD, "new_password": "Better-pass-99"}).status_code == 204
    owner.refresh_from_db()
    assert owner.check_password("Better-pass-99")


def test_changing_password_keeps_the_console_session(tenant, owner):
    client = client_for(owner)
    assert send(client, "post", "/me/password",
                {"old_password": DEMO_PASSWORD, "new_password": "Better-pass-99"}).status_code == 204
    assert send(client, "get", "/me").status_code == 200


# --- users --------------------------------------------------------------------------------------

def test_user_list_filters_and_excludes_other_companies(tenant, owner, api, foreign):
    team = make_team(tenant, name="华东")
    in_team = make_user(tenant, name="张三", teams=[team], email="zhang@example.com")
    other = make_user(tenant, name="李四", roles=("manager",))
    disabled = make_user(tenant, name="赵六", is_active=False)
    everyone = send(api, "get", "/users")
    assert ids(everyone) == {owner.pk, in_team.pk, other.pk, disabled.pk}
    assert everyone.json()["count"] == 4
    assert foreign["user"].pk not in ids(everyone) and foreign["owner"].pk not in ids(everyone)
    assert ids(send(api, "get", "/users?q=张")) == {in_team.pk}
    assert ids(send(api, "get", "/users?q=zhang@")) == {in_team.pk}
    assert ids(send(api, "get", f"/users?q={other.phone[-6:]}")) == {other.pk}
    assert ids(send(api, "get", f"/users?team_id={team.pk}")) == {in_team.pk}
    manager = Role.objects.get(system_key="manager")
    assert ids(send(api, "get", f"/users?role_id={manager.pk}")) == {other.pk}
    assert ids(send(api, "get", "/users?is_active=false")) == {disabled.pk}


def test_pagination_envelope_and_bounds(tenant, owner, api):
    for _n in range(4):
        make_user(tenant)
    page = send(api, "get", "/users?page=2&page_size=2").json()
    assert (page["count"], page["page"], page["page_size"], len(page["results"])) == (5, 2, 2, 2)
    assert send(api, "get", "/users?page=9&page_size=2").json()["results"] == []
    assert send(api, "get", "/users?page_size=1000").json()["page_size"] == 200
    assert send(api, "get", "/users").json()["page_size"] == 20
    assert_error(send(api, "get", "/users?page_size=0"), 400, "validation_error", "page_size")
    assert_error(send(api, "get", "/users?page=0"), 400, "validation_error", "page")
    assert_error(send(api, "get", "/users?page=two"), 400, "validation_error", "page")


def test_create_user(tenant, owner, api):
    team = make_team(tenant)
    engineer = Role.objects.get(system_key="engineer")
    response = send(api, "post", "/users", {
        "name": "王五", "phone": "137 1111 2222", "password": "Strong-pass-1", "job_title": "工程师",
        "role_ids": [engineer.pk], "team_ids": [team.pk],
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["phone"], body["account"], body["job_title"]) == ("13711112222", "13711112222", "工程师")
    assert body["roles"] == [{"id": engineer.pk, "name": engineer.name}]
    assert body["teams"] == [{"id": team.pk, "name": team.name}]
    created = User.objects.get(pk=body["id"])
    assert created.tenant == tenant and created.check_password("Strong-pass-1")


def test_create_user_refusals_change_nothing(tenant, owner, api, foreign):
    count = User.objects.for_tenant().count()
    assert_error(send(api, "post", "/users", {"name": "重复", "phone": owner.phone}), 400, "validation_error",
                 "phone")
    assert_error(send(api, "post", "/users", {"name": "重复", "phone": foreign["user"].phone}), 400,
                 "validation_error", "phone")
    assert_error(send(api, "post", "/users", {"name": "弱", "phone": "13722223333", "password": "12345678"}),
                 400, "validation_error", "password")
    assert_error(send(api, "post", "/users", {"phone": "13722223333"}), 400, "validation_error", "name")
    assert_error(send(api, "post", "/users", {"name": "x" * 51, "phone": "13722223333"}), 400,
                 "validation_error", "name")
    assert_error(send(api, "post", "/users", {"name": "外", "phone": "13722223333",
                                              "role_ids": [foreign["role"].pk]}), 404, "not_found")
    assert User.objects.for_tenant().count() == count


def test_user_endpoints_need_permission(tenant, owner):
    engineer = api_client_for(make_user(tenant, roles=("engineer",)))
    assert_error(send(engineer, "post", "/users", {"name": "x", "phone": "13733334444"}), 403, "permission_denied")
    assert_error(send(engineer, "patch", f"/users/{owner.pk}", {"name": "x"}), 404, "not_found")
    no_roles = api_client_for(make_user(tenant, roles=()))
    assert_error(send(no_roles, "get", "/users"), 403, "permission_denied")
    assert not User.objects.filter(phone="13733334444").exists()


def test_other_company_user_is_404_everywhere(tenant, owner, api, foreign):
    user_id = foreign["user"].pk
    assert_error(send(api, "get", f"/users/{user_id}"), 404, "not_found")
    assert_error(send(api, "patch", f"/users/{user_id}", {"name": "改名"}), 404, "not_found")
    assert_error(send(api, "post", f"/users/{user_id}/disable"), 404, "not_found")
    assert_error(send(api, "post", f"/users/{user_id}/reset-password"), 404, "not_found")
    with tenant_context(foreign["user"].tenant):
        foreign["user"].refresh_from_db()
    assert foreign["user"].name != "改名" and foreign["user"].is_active


def test_get_and_patch_user(tenant, owner, api):
    user = make_user(tenant, name="张三")
    assert send(api, "get", f"/users/{user.pk}").json()["name"] == "张三"
    response = send(api, "patch", f"/users/{user.pk}", {"name": "张三丰", "email": "zsf@example.com"})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["email"], response.json()["phone"]) == (
        "张三丰", "zsf@example.com", user.phone)
    assert_error(send(api, "patch", f"/users/{user.pk}", {"phone": owner.phone}), 400, "validation_error", "phone")
    assert_error(send(api, "patch", f"/users/{user.pk}", {"name": ""}), 400, "validation_error", "name")
    user.refresh_from_db()
    assert user.name == "张三丰"


def test_disable_and_enable_user(tenant, owner, api):
    user = make_user(tenant)
    assert send(api, "post", f"/users/{user.pk}/disable").json()["is_active"] is False
    assert send(api, "post", f"/users/{user.pk}/enable").json()["is_active"] is True
    assert_error(send(api, "post", f"/users/{owner.pk}/disable"), 400, "invalid")
    owner.refresh_from_db()
    assert owner.is_active


def test_reset_password_generated_or_given(tenant, owner, api):
    user = make_user(tenant)
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timedelta(minutes=10))
    generated = send(api, "post", f"/users/{user.pk}/reset-password").json()["password"]
    user.refresh_from_db()
    assert generated and user.check_password(generated) and user.locked_until is None
    given = send(api, "post", f"/users/{user.pk}/reset-password", {"new_password": "Chosen-pass-7"})
    assert given.json() == {"password": None}
    assert_error(send(api, "post", f"/users/{user.pk}/reset-password", {"new_password": "123"}), 400,
                 "validation_error", "password")
    user.refresh_from_db()
    assert user.check_password("Chosen-pass-7")


def test_bulk_roles(tenant, owner, api, foreign):
    first, second = make_user(tenant), make_user(tenant)
    manager, visitor = Role.objects.get(system_key="manager"), Role.objects.get(system_key="visitor")
    body = {"user_ids": [first.pk, second.pk], "role_ids": [manager.pk, visitor.pk], "mode": "add"}
    assert send(api, "post", "/users/bulk/roles", body).json() == {"updated": 2}
    assert set(second.roles.values_list("system_key", flat=True)) == {"engineer", "manager", "visitor"}
    send(api, "post", "/users/bulk/roles", {**body, "role_ids": [visitor.pk], "mode": "remove"})
    assert set(second.roles.values_list("system_key", flat=True)) == {"engineer", "manager"}
    send(api, "post", "/users/bulk/roles", {**body, "role_ids": [visitor.pk], "mode": "set"})
    assert set(first.roles.values_list("system_key", flat=True)) == {"visitor"}
    refused = {"user_ids": [first.pk, foreign["user"].pk], "role_ids": [manager.pk], "mode": "add"}
    assert_error(send(api, "post", "/users/bulk/roles", refused), 404, "not_found")
    assert_error(send(api, "post", "/users/bulk/roles", {**body, "role_ids": [foreign["role"].pk]}), 404,
                 "not_found")
    assert_error(send(api, "post", "/users/bulk/roles", {**body, "mode": "replace"}), 400, "validation_error",
                 "mode")
    assert set(first.roles.values_list("system_key", flat=True)) == {"visitor"}


def test_bulk_teams(tenant, owner, api):
    north, south = make_team(tenant), make_team(tenant)
    user = make_user(tenant, teams=[north])
    body = {"user_ids": [user.pk], "team_ids": [south.pk], "mode": "add"}
    assert send(api, "post", "/users/bulk/teams", body).status_code == 200
    assert set(user.teams.all()) == {north, south}
    send(api, "post", "/users/bulk/teams", {**body, "mode": "set"})
    assert set(user.teams.all()) == {south}
    send(api, "post", "/users/bulk/teams", {**body, "mode": "remove"})
    assert not user.teams.exists()


def test_team_admin_sees_and_edits_only_own_team(tenant, owner):
    team, elsewhere = make_team(tenant), make_team(tenant)
    admin = make_user(tenant, roles=("team_admin",), teams=[team])
    colleague = make_user(tenant, teams=[team])
    stranger = make_user(tenant, teams=[elsewhere])
    client = api_client_for(admin)
    assert ids(send(client, "get", "/users")) == {admin.pk, colleague.pk}
    assert_error(send(client, "get", f"/users/{stranger.pk}"), 404, "not_found")
    assert_error(send(client, "patch", f"/users/{stranger.pk}", {"name": "改"}), 404, "not_found")
    assert send(client, "patch", f"/users/{colleague.pk}", {"job_title": "组长"}).json()["job_title"] == "组长"
    assert_error(send(client, "post", "/users/bulk/teams", {"user_ids": [stranger.pk], "team_ids": [team.pk]}),
                 404, "not_found")


# --- idempotency --------------------------------------------------------------------------------

def test_idempotency_key_replays_the_first_response(tenant, owner, api):
    body = {"name": "幂等", "phone": "13755556666"}
    first = send(api, "post", "/users", body, **{"Idempotency-Key": "create-1"})
    again = send(api, "post", "/users", body, **{"Idempotency-Key": "create-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert User.objects.filter(phone="13755556666").count() == 1
    reused = send(api, "post", "/users", {**body, "name": "别的"}, **{"Idempotency-Key": "create-1"})
    assert_error(reused, 422, "idempotency_key_reused")


def test_idempotency_keys_are_per_user_and_expire(tenant, owner, api):
    manager = api_client_for(make_user(tenant, roles=("manager",)))
    send(api, "post", "/users", {"name": "甲", "phone": "13755550001"}, **{"Idempotency-Key": "k"})
    other_user = send(manager, "post", "/users", {"name": "乙", "phone": "13755550002"}, **{"Idempotency-Key": "k"})
    assert other_user.status_code == 201 and other_user.json()["name"] == "乙"
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    fresh = send(api, "post", "/users", {"name": "丙", "phone": "13755550003"}, **{"Idempotency-Key": "k"})
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh.headers
    assert IdempotencyRecord.objects.count() == 1


def test_failed_create_stores_no_idempotency_record(tenant, owner, api):
    refused = send(api, "post", "/users", {"name": "重复", "phone": owner.phone}, **{"Idempotency-Key": "retry"})
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    fixed = send(api, "post", "/users", {"name": "改好", "phone": "13766667777"}, **{"Idempotency-Key": "retry"})
    assert fixed.status_code == 201
    assert_error(send(api, "post", "/users", {"name": "x", "phone": "13766667778"}, **{"Idempotency-Key": "k" * 256}),
                 400, "validation_error", "Idempotency-Key")


def test_team_and_role_creates_honour_idempotency_key(tenant, owner, api):
    for _attempt in range(2):
        assert send(api, "post", "/teams", {"name": "一次"}, **{"Idempotency-Key": "team"}).status_code == 201
        assert send(api, "post", "/roles", {"name": "一次"}, **{"Idempotency-Key": "role"}).status_code == 201
    assert Team.objects.filter(name="一次").count() == 1
    assert Role.objects.filter(name="一次").count() == 1


# --- teams --------------------------------------------------------------------------------------

def test_team_list_is_a_tree(tenant, owner, api, foreign):
    leader = make_user(tenant)
    root = make_team(tenant, name="华东", leaders=[leader], members=[make_user(tenant)])
    child = make_team(tenant, name="上海", parent=root)
    rows = send(api, "get", "/teams").json()["results"]
    assert [(row["id"], row["parent_id"], row["depth"]) for row in rows] == [(root.pk, None, 0),
                                                                             (child.pk, root.pk, 1)]
    assert rows[0]["leaders"] == [{"id": leader.pk, "name": leader.name}]
    assert rows[0]["member_count"] == 2
    assert ids(send(api, "get", "/teams?q=上")) == {child.pk}
    assert_error(send(api, "get", f"/teams/{foreign['team'].pk}"), 404, "not_found")


def test_create_get_and_patch_team(tenant, owner, api):
    leader, member = make_user(tenant), make_user(tenant)
    response = send(api, "post", "/teams", {"name": "维修一组", "leader_ids": [leader.pk], "member_ids": [member.pk],
                                            "service_phone": "400-800-1234", "latitude": "31.230416"})
    assert response.status_code == 201, response.content
    team_id = response.json()["id"]
    detail = send(api, "get", f"/teams/{team_id}").json()
    assert {m["id"] for m in detail["members"]} == {leader.pk, member.pk}
    assert detail["member_count"] == 2 and detail["latitude"] == "31.230416"
    child = send(api, "post", "/teams", {"name": "子组", "parent_id": team_id}).json()
    assert child["depth"] == 1
    patched = send(api, "patch", f"/teams/{team_id}", {"area": "浦东新区"}).json()
    assert patched["area"] == "浦东新区" and patched["member_count"] == 2
    assert patched["service_phone"] == "400-800-1234"
    assert_error(send(api, "patch", f"/teams/{team_id}", {"parent_id": child["id"]}), 400, "validation_error",
                 "parent_id")
    assert_error(send(api, "post", "/teams", {"name": "维修一组"}), 400, "validation_error", "name")
    assert_error(send(api, "post", "/teams", {"name": "坐标", "latitude": 91}), 400, "validation_error", "latitude")


def test_team_members_and_delete(tenant, owner, api, foreign):
    team = make_team(tenant)
    child = make_team(tenant, parent=team)
    user = make_user(tenant)
    added = send(api, "post", f"/teams/{team.pk}/members", {"user_ids": [user.pk]}).json()
    assert user.pk in {m["id"] for m in added["members"]}
    assert_error(send(api, "post", f"/teams/{team.pk}/members", {"user_ids": [foreign["user"].pk]}), 404,
                 "not_found")
    assert send(api, "delete", f"/teams/{team.pk}/members/{user.pk}").status_code == 204
    assert not team.members.filter(pk=user.pk).exists()
    assert_error(send(api, "delete", f"/teams/{team.pk}"), 400, "invalid")
    assert send(api, "delete", f"/teams/{child.pk}").status_code == 204
    assert send(api, "delete", f"/teams/{team.pk}").status_code == 204
    assert not Team.objects.exists()
    assert_error(send(api, "delete", f"/teams/{foreign['team'].pk}"), 404, "not_found")


def test_team_writes_need_permission(tenant, owner):
    team = make_team(tenant)
    engineer = api_client_for(make_user(tenant, roles=("engineer",)))
    assert send(engineer, "get", f"/teams/{team.pk}").status_code == 200
    assert_error(send(engineer, "post", "/teams", {"name": "新"}), 403, "permission_denied")
    assert_error(send(engineer, "patch", f"/teams/{team.pk}", {"name": "新"}), 403, "permission_denied")
    assert_error(send(engineer, "delete", f"/teams/{team.pk}"), 403, "permission_denied")
    assert Team.objects.filter(name="新").count() == 0


# --- roles --------------------------------------------------------------------------------------

def test_role_list_and_detail(tenant, owner, api, foreign):
    rows = send(api, "get", "/roles?page_size=50").json()["results"]
    admin = next(row for row in rows if row["system_key"] == "admin")
    assert admin["is_system"] and admin["user_count"] == 1 and "role.manage" in admin["permissions"]
    assert admin["scopes"]["account"] == "all"
    assert foreign["role"].pk not in {row["id"] for row in rows}
    assert_error(send(api, "get", f"/roles/{foreign['role'].pk}"), 404, "not_found")


def test_create_and_patch_custom_role(tenant, owner, api):
    created = send(api, "post", "/roles", {"name": "质检员", "permissions": ["account.view"],
                                           "scopes": {"account": "team"}})
    assert created.status_code == 201, created.content
    role_id = created.json()["id"]
    assert created.json()["is_system"] is False and created.json()["scopes"] == {"account": "team"}
    patched = send(api, "patch", f"/roles/{role_id}", {"permissions": ["account.view", "account.edit"]}).json()
    assert patched["permissions"] == ["account.edit", "account.view"]
    assert patched["scopes"] == {"account": "team"} and patched["name"] == "质检员"
    renamed = send(api, "patch", f"/roles/{role_id}", {"description": "抽检工单"}).json()
    assert renamed["description"] == "抽检工单" and renamed["permissions"] == ["account.edit", "account.view"]
    assert_error(send(api, "patch", f"/roles/{role_id}", {"permissions": ["nothing.fly"]}), 400,
                 "validation_error", "permissions")
    assert_error(send(api, "patch", f"/roles/{role_id}", {"scopes": {"account": "galaxy"}}), 400,
                 "validation_error", "scopes")
    assert_error(send(api, "post", "/roles", {"name": "质检员"}), 400, "validation_error", "name")
    assert Role.objects.get(pk=role_id).permissions == ["account.edit", "account.view"]


def test_delete_and_reset_roles(tenant, owner, api):
    engineer = Role.objects.get(system_key="engineer")
    defaults = sorted(engineer.permissions)
    send(api, "patch", f"/roles/{engineer.pk}", {"permissions": ["account.view"]})
    assert send(api, "post", f"/roles/{engineer.pk}/reset").json()["permissions"] == defaults
    assert_error(send(api, "delete", f"/roles/{engineer.pk}"), 400, "invalid")
    custom = send(api, "post", "/roles", {"name": "临时"}).json()
    assert_error(send(api, "post", f"/roles/{custom['id']}/reset"), 400, "invalid")
    assert send(api, "delete", f"/roles/{custom['id']}").status_code == 204
    assert not Role.objects.filter(pk=custom["id"]).exists()
    assert Role.objects.filter(pk=engineer.pk).exists()


def test_roles_need_permission(tenant, owner):
    engineer = api_client_for(make_user(tenant, roles=("engineer",)))
    assert_error(send(engineer, "get", "/roles"), 403, "permission_denied")
    assert_error(send(engineer, "post", "/roles", {"name": "越权"}), 403, "permission_denied")
    manager = api_client_for(make_user(tenant, roles=("manager",)))
    assert send(manager, "get", "/roles").status_code == 200
    assert_error(send(manager, "post", "/roles", {"name": "越权"}), 403, "permission_denied")
    assert not Role.objects.filter(name="越权").exists()


# --- reference data -----------------------------------------------------------------------------

def test_permission_registry(tenant, owner, api):
    body = send(api, "get", "/permissions").json()
    account = next(module for module in body["modules"] if module["key"] == "account")
    assert account["scoped"] is True and account["label"]
    assert {"code": "account.view", "key": "view", "label": account["actions"][0]["label"]} in account["actions"]
    assert {scope["key"] for scope in body["scopes"]} == {"own", "team", "all"}


def test_work_statuses(tenant, owner, api, foreign):
    rows = send(api, "get", "/work-statuses").json()["results"]
    assert [row["id"] for row in rows] == list(WorkStatus.objects.order_by("sort_order", "id").values_list("id",
                                                                                                           flat=True))
    assert foreign["status"].pk not in {row["id"] for row in rows}


# --- errors and documentation -------------------------------------------------------------------

def test_unknown_endpoint_and_malformed_body_use_the_error_shape(tenant, owner, api):
    assert_error(send(api, "get", "/no-such-thing"), 404, "not_found")
    assert_error(api.post(f"{API}/users", data="{not json", content_type="application/json"), 400, "bad_request")


def test_openapi_schema_lists_the_endpoints(db):
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/auth/login", "/api/v1/me", "/api/v1/users", "/api/v1/users/{user_id}",
                 "/api/v1/users/bulk/roles", "/api/v1/teams/{team_id}/members", "/api/v1/roles/{role_id}/reset",
                 "/api/v1/permissions", "/api/v1/work-statuses"):
        assert path in schema["paths"], path
    assert schema["paths"]["/api/v1/auth/login"]["post"].get("security") in (None, [])
    assert {"BearerTokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])
    assert "ErrorOut" in schema["components"]["schemas"]


def test_docs_page_works_offline_within_the_csp(db):
    response = Client().get(f"{API}/docs")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attrs, content in scripts:
        runs_code = 'type="application/json"' not in attrs
        assert not (runs_code and content.strip()), "inline script would be blocked by the CSP"
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/static/") for source in sources), sources
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source
