"""Direct tests of the account, team, role, work-status and token services (architecture §12).

Every refusal is checked with `refused`, which also proves the database is exactly as it was.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation

from shouhou.accounts import queries, services
from shouhou.accounts.models import ApiToken, Role, Team, User, WorkStatus
from shouhou.accounts.roles import SYSTEM_ROLE_KEYS
from shouhou.core import permissions, timeline
from shouhou.core.audit import SystemLog
from shouhou.core.errors import DomainError, NotFound, PermissionDenied, QuotaExceeded, ValidationFailed
from shouhou.core.models import Activity, OutboxEvent, Tenant
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, make_team, make_user

WATCHED = [Tenant, User, User.roles.through, Team, Team.members.through, Team.leaders.through, Role,
           WorkStatus, ApiToken, Activity, OutboxEvent, SystemLog]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's real cost is not under test here; it would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def db_state():
    return {model._meta.label: list(model._base_manager.order_by("pk").values()) for model in WATCHED}


def refused(exc_type, service, **kwargs):
    """Call a service that must refuse; assert it raised `exc_type` and wrote nothing."""
    before = db_state()
    with pytest.raises(exc_type) as info:
        service(**kwargs)
    assert db_state() == before
    return info.value


def fresh(user):
    """A new instance, so cached grants and team ids are not reused."""
    return User.objects.get(pk=user.pk)


def role(key):
    return Role.objects.get(system_key=key)


def foreign(model, other_company, **lookup):
    with tenant_context(other_company[0]):
        return model.objects.get(**lookup)


# --- create_user ----------------------------------------------------------------------------------

def test_create_user_with_roles_teams_and_timeline(tenant, owner):
    team = make_team(tenant, name="上海一组")
    user = services.create_user(actor=owner, name=" 李强 ", phone="+86 138-0013-8000", email="LiQiang@Example.com",
                                password="Field-Engineer-7", role_ids=[role("engineer").pk], team_ids=[team.pk])
    user = fresh(user)
    assert (user.name, user.phone, user.email, user.account) == ("李强", "13800138000", "liqiang@example.com",
                                                                 "13800138000")
    assert user.check_password("Field-Engineer-7")
    assert list(user.roles.values_list("system_key", flat=True)) == ["engineer"]
    assert list(user.teams.all()) == [team]
    assert user.work_status == WorkStatus.objects.order_by("sort_order").first()
    assert [e.verb for e in timeline.entries_for(user)] == ["created"]
    assert OutboxEvent.objects.filter(name="account.created", payload__user_id=user.pk).count() == 1


def test_create_user_without_password_cannot_log_in(tenant, owner):
    user = services.create_user(actor=owner, name="王芳", email="wangfang@example.com")
    assert user.account == "wangfang@example.com"
    assert not user.has_usable_password()


@pytest.mark.parametrize(
    "values, field",
    [
        ({"name": "坏手机", "phone": "1234567"}, "phone"),
        ({"name": "坏手机", "phone": "23800138000"}, "phone"),
        ({"name": "无联系方式"}, "phone"),
        ({"name": "坏邮箱", "email": "not-an-email"}, "email"),
        ({"name": "", "phone": "13800138001"}, "name"),
        ({"name": "弱密码", "phone": "13800138002", "password": "12345678"}, "password"),
        ({"name": "短密码", "phone": "13800138003", "password": "Ab1!"}, "password"),
        ({"name": "常见密码", "phone": "13800138004", "password": "password"}, "password"),
        ({"name": "长" * 51, "phone": "13800138005"}, "name"),
        ({"name": "职位太长", "phone": "13800138006", "job_title": "工" * 51}, "job_title"),
    ],
)
def test_create_user_refuses_bad_input(tenant, owner, values, field):
    error = refused(ValidationFailed, services.create_user, actor=owner, **values)
    assert field in error.details


def test_create_user_refuses_duplicate_phone_in_any_format(tenant, owner):
    spaced = f"+86 {owner.phone[:3]} {owner.phone[3:7]}-{owner.phone[7:]}"
    for phone in (owner.phone, spaced):
        error = refused(ValidationFailed, services.create_user, actor=owner, name="撞手机", phone=phone)
        assert "phone" in error.details


def test_create_user_refuses_duplicate_email_in_any_company(tenant, owner, other_company):
    other = make_user(other_company[0], email="taken@example.com")
    error = refused(ValidationFailed, services.create_user, actor=owner, name="撞邮箱", email="TAKEN@example.com")
    assert "email" in error.details
    assert other.email == "taken@example.com"


def test_create_user_refuses_when_seats_are_used_up(tenant, owner):
    tenant.seat_limit = User.objects.filter(tenant=tenant, is_active=True).count()
    tenant.save()
    refused(QuotaExceeded, services.create_user, actor=owner, name="超额", phone="13800138010")
    disabled = services.create_user(actor=owner, name="停用的不占名额", phone="13800138011", is_active=False)
    assert not disabled.is_active


def test_create_user_refuses_ids_of_another_company(tenant, owner, other_company):
    foreign_role = foreign(Role, other_company, system_key="engineer")
    foreign_team = make_team(other_company[0], name="别家团队")
    refused(NotFound, services.create_user, actor=owner, name="甲", phone="13800138020", role_ids=[foreign_role.pk])
    refused(NotFound, services.create_user, actor=owner, name="甲", phone="13800138020", team_ids=[foreign_team.pk])
    refused(NotFound, services.create_user, actor=owner, name="甲", phone="13800138020", role_ids=[999999])


def test_create_user_needs_permission(tenant):
    engineer = make_user(tenant, roles=("engineer",))
    refused(PermissionDenied, services.create_user, actor=engineer, name="甲", phone="13800138030")


# --- update_user ----------------------------------------------------------------------------------

def test_update_user_records_changes(tenant, owner):
    user = make_user(tenant, name="旧名字", phone="13800138040")
    services.update_user(actor=owner, user=user, name="新名字", phone="13800138041", email="new@example.com",
                         job_title="工程师")
    user = fresh(user)
    assert (user.name, user.phone, user.account, user.email, user.job_title) == (
        "新名字", "13800138041", "13800138041", "new@example.com", "工程师")
    entry = timeline.entries_for(user)[0]
    assert entry.verb == "updated"
    assert {c["field"] for c in entry.changes} == {"name", "phone", "email", "job_title"}


def test_update_user_refusals(tenant, owner, other_company):
    user = make_user(tenant, phone="13800138050")
    other = make_user(tenant, phone="13800138051")
    assert "phone" in refused(ValidationFailed, services.update_user, actor=owner, user=user,
                              phone="13800138051").details
    assert "name" in refused(ValidationFailed, services.update_user, actor=owner, user=user, name="  ").details
    assert "phone" in refused(ValidationFailed, services.update_user, actor=owner, user=user, phone="12").details
    assert "job_title" in refused(ValidationFailed, services.update_user, actor=owner, user=user,
                                  job_title="x" * 51).details
    refused(NotFound, services.update_user, actor=owner, user=other_company[1], name="越界")
    refused(PermissionDenied, services.update_user, actor=fresh(other), user=user, name="无权")


def test_update_user_outside_team_scope_is_not_found(tenant):
    team = make_team(tenant)
    team_admin = make_user(tenant, roles=("team_admin",), teams=[team])
    outsider = make_user(tenant)
    refused(NotFound, services.update_user, actor=team_admin, user=outsider, name="不在团队")
    member = make_user(tenant, teams=[team])
    services.update_user(actor=fresh(team_admin), user=member, name="本团队成员")
    assert fresh(member).name == "本团队成员"


# --- enable/disable, passwords, work status --------------------------------------------------------

def test_set_active_disables_and_enables(tenant, owner):
    user = make_user(tenant)
    assert services.set_active(actor=owner, users=[user], active=False) == [fresh(user)]
    assert not fresh(user).is_active
    assert services.set_active(actor=owner, users=[user], active=False) == []
    services.set_active(actor=owner, users=[user], active=True)
    assert fresh(user).is_active
    assert [e.verb for e in timeline.entries_for(user)] == ["enabled", "disabled", "created"]  # made by the service


def test_set_active_refuses_self_owner_and_seats(tenant, owner):
    manager = make_user(tenant, roles=("manager",))
    user = make_user(tenant)
    refused(DomainError, services.set_active, actor=owner, users=[owner], active=False)
    refused(DomainError, services.set_active, actor=manager, users=[user, manager], active=False)
    refused(DomainError, services.set_active, actor=manager, users=[user, owner], active=False)
    services.set_active(actor=owner, users=[user], active=False)
    tenant.seat_limit = User.objects.filter(tenant=tenant, is_active=True).count()
    tenant.save()
    refused(QuotaExceeded, services.set_active, actor=owner, users=[user], active=True)


def test_reset_password_sets_given_or_random_password_and_unlocks(tenant, owner):
    user = make_user(tenant)
    User.objects.filter(pk=user.pk).update(failed_logins=3, locked_until=timezone.now() + timedelta(minutes=5))
    returned = services.reset_password(actor=owner, user=user, new_password="Brand-new-pass-9")
    user = fresh(user)
    assert returned == "Brand-new-pass-9" and user.check_password("Brand-new-pass-9")
    assert (user.failed_logins, user.locked_until) == (0, None)
    random_password = services.reset_password(actor=owner, user=user)
    assert len(random_password) >= 10 and fresh(user).check_password(random_password)
    assert "password" in refused(ValidationFailed, services.reset_password, actor=owner, user=user,
                                 new_password="123").details
    assert fresh(user).check_password(random_password)


def test_change_own_password(tenant):
    user = make_user(tenant)
    assert "old_password" in refused(ValidationFailed, services.change_own_password, user=user,
                                     old_password="wrong", new_password="Another-pass-42").details
    assert "password" in refused(ValidationFailed, services.change_own_password, user=user,
                                 old_password=DEMO_PASSWORD, new_password="abc").details
    services.change_own_password(user=user, old_password=DEMO_PASSWORD, new_password="Another-pass-42")
    assert fresh(user).check_password("Another-pass-42")
    assert timeline.entries_for(user)[0].verb == "password_changed"


def test_set_work_status(tenant, owner, other_company):
    busy = WorkStatus.objects.get(name="非常忙碌")
    services.set_work_status(user=owner, status_id=busy.pk)
    assert fresh(owner).work_status == busy
    assert timeline.entries_for(owner)[0].changes[0]["new"] == "非常忙碌"
    foreign_status = foreign(WorkStatus, other_company, name="休假中")
    refused(NotFound, services.set_work_status, user=owner, status_id=foreign_status.pk)
    refused(NotFound, services.set_work_status, user=owner, status_id=999999)
    services.set_work_status(user=owner, status_id=None)
    assert fresh(owner).work_status is None


# --- bulk role and team assignment -----------------------------------------------------------------

def test_assign_roles_add_remove_set(tenant, owner):
    first, second = make_user(tenant, roles=()), make_user(tenant, roles=())
    engineer, visitor = role("engineer"), role("visitor")

    def keys(user):
        return set(fresh(user).roles.values_list("system_key", flat=True))

    services.assign_roles(actor=owner, users=[first, second], role_ids=[engineer.pk, visitor.pk], mode="add")
    assert keys(first) == keys(second) == {"engineer", "visitor"}
    services.assign_roles(actor=owner, users=[first, second], role_ids=[visitor.pk], mode="remove")
    assert keys(first) == keys(second) == {"engineer"}
    services.assign_roles(actor=owner, users=[first], role_ids=[role("finance").pk], mode="set")
    assert keys(first) == {"finance"}
    assert OutboxEvent.objects.filter(name="account.roles_changed", payload__user_id=first.pk).count() == 3


def test_owner_keeps_the_admin_role(tenant, owner):
    admin = role("admin")
    refused(DomainError, services.assign_roles, actor=owner, users=[owner], role_ids=[admin.pk], mode="remove")
    refused(DomainError, services.assign_roles, actor=owner, users=[owner], role_ids=[role("engineer").pk],
            mode="set")
    assert fresh(owner).roles.filter(system_key="admin").exists()


def test_assign_roles_touching_admin_needs_role_management(tenant, owner):
    manager = make_user(tenant, roles=("manager",))
    engineer = make_user(tenant)
    other_admin = make_user(tenant, roles=("admin",))
    refused(PermissionDenied, services.assign_roles, actor=manager, users=[engineer], role_ids=[role("admin").pk])
    refused(PermissionDenied, services.assign_roles, actor=manager, users=[other_admin],
            role_ids=[role("engineer").pk], mode="set")
    services.assign_roles(actor=manager, users=[engineer], role_ids=[role("visitor").pk])
    assert fresh(engineer).roles.filter(system_key="visitor").exists()


def test_assign_roles_refuses_foreign_role(tenant, owner, other_company):
    user = make_user(tenant)
    refused(NotFound, services.assign_roles, actor=owner, users=[user],
            role_ids=[foreign(Role, other_company, system_key="visitor").pk])
    refused(NotFound, services.assign_roles, actor=owner, users=[other_company[1]], role_ids=[role("visitor").pk])


def test_assign_teams_add_remove_set(tenant, owner, other_company):
    east, north = make_team(tenant, name="华东"), make_team(tenant, name="华北")
    first, second = make_user(tenant), make_user(tenant)

    def names(user):
        return set(fresh(user).teams.values_list("name", flat=True))

    services.assign_teams(actor=owner, users=[first, second], team_ids=[east.pk, north.pk])
    assert names(first) == names(second) == {"华东", "华北"}
    services.assign_teams(actor=owner, users=[first], team_ids=[east.pk], mode="remove")
    assert names(first) == {"华北"}
    services.assign_teams(actor=owner, users=[second], team_ids=[east.pk], mode="set")
    assert names(second) == {"华东"}
    assert timeline.entries_for(second)[0].verb == "teams"
    refused(NotFound, services.assign_teams, actor=owner, users=[first],
            team_ids=[make_team(other_company[0]).pk])


# --- delete ---------------------------------------------------------------------------------------

def test_delete_user_writes_deletion_log(tenant, owner):
    user = make_user(tenant, name="离职员工", phone="13800138060")
    services.delete_user(actor=owner, user=user)
    assert not User.objects.filter(pk=user.pk).exists()
    row = SystemLog.objects.get(kind=SystemLog.Kind.DELETE)
    assert row.user == owner and row.detail["name"] == "离职员工" and row.detail["account"] == "13800138060"


def test_delete_user_refusals(tenant, owner, other_company):
    manager = make_user(tenant, roles=("manager",))
    user = make_user(tenant)
    refused(DomainError, services.delete_user, actor=owner, user=owner)
    refused(PermissionDenied, services.delete_user, actor=manager, user=user)
    refused(NotFound, services.delete_user, actor=owner, user=other_company[1])


# --- login and throttling -------------------------------------------------------------------------

def login_request(path="/accounts/login/", agent="Mozilla/5.0 (Windows NT 10.0)", ip="203.0.113.7"):
    return RequestFactory().post(path, HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)


def test_login_by_phone_or_email_writes_login_log(tenant):
    user = make_user(tenant, email="Engineer@Example.com")
    assert services.login(request=login_request(), username=user.phone, password=DEMO_PASSWORD) == user
    assert services.login(request=login_request("/m/login/", "Mozilla/5.0 (iPhone)"), username="engineer@example.com",
                          password=DEMO_PASSWORD) == user
    assert services.login(request=login_request("/api/v1/auth/login"), username=user.phone,
                          password=DEMO_PASSWORD) == user
    rows = SystemLog.objects.filter(kind=SystemLog.Kind.LOGIN).order_by("id")
    assert [r.client_type for r in rows] == ["pc", "mobile", "api"]
    assert {r.ip for r in rows} == {"203.0.113.7"} and {r.user_id for r in rows} == {user.pk}
    assert fresh(user).last_login is not None


def test_wrong_password_counts_and_locks(tenant, settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = make_user(tenant)
    with translation.override("en"):
        for _attempt in range(2):
            with pytest.raises(services.LoginFailed):
                services.login(request=login_request(), username=user.phone, password="wrong")
        assert fresh(user).failed_logins == 2
        with pytest.raises(services.LoginLocked) as locked:
            services.login(request=login_request(), username=user.phone, password="wrong")
        assert "locked" in str(locked.value.message)
        assert fresh(user).is_locked
        with pytest.raises(services.LoginLocked) as still_locked:
            services.login(request=login_request(), username=user.phone, password=DEMO_PASSWORD)
        assert "locked" in str(still_locked.value.message)
    assert SystemLog.objects.filter(kind=SystemLog.Kind.LOGIN, user=user).count() == 3  # 2 failed + locked


def test_login_works_again_after_the_lock_expires(tenant):
    user = make_user(tenant)
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert services.login(request=login_request(), username=user.phone, password=DEMO_PASSWORD) == user
    assert fresh(user).locked_until is None


def test_login_refuses_unknown_disabled_and_suspended(tenant):
    user = make_user(tenant)
    with pytest.raises(services.LoginFailed):
        services.login(request=login_request(), username="13999999999", password=DEMO_PASSWORD)
    assert not SystemLog.objects.exists()
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(services.LoginFailed):
        services.login(request=login_request(), username=user.phone, password=DEMO_PASSWORD)
    User.objects.filter(pk=user.pk).update(is_active=True)
    Tenant.objects.filter(pk=tenant.pk).update(is_active=False)
    with pytest.raises(services.LoginFailed):
        services.login(request=login_request(), username=user.phone, password=DEMO_PASSWORD)


# --- teams ----------------------------------------------------------------------------------------

def test_team_tree_with_leaders(tenant, owner):
    lead, member = make_user(tenant), make_user(tenant)
    east = services.save_team(actor=owner, name="华东服务中心", service_phone="021-61230000", area="上海、浙江",
                              address="上海市黄浦区", latitude=Decimal("31.230416"), longitude=Decimal("121.473701"),
                              leader_ids=[lead.pk])
    shanghai = services.save_team(actor=owner, name="上海一组", parent_id=east.pk, member_ids=[member.pk])
    hangzhou = services.save_team(actor=owner, name="杭州组", parent_id=east.pk)
    services.save_team(actor=owner, name="华北服务中心")
    assert set(east.members.all()) == {lead} and list(east.leaders.all()) == [lead]
    assert [(t.name, depth) for t, depth in queries.team_tree(owner)] == [
        ("华东服务中心", 0), ("上海一组", 1), ("杭州组", 1), ("华北服务中心", 0)]
    assert Team.descendant_ids({east.pk}) == {east.pk, shanghai.pk, hangzhou.pk}
    assert shanghai.ancestors() == [east]
    assert timeline.entries_for(east)[0].verb == "created"


def test_team_edit_keeps_members_unless_given(tenant, owner):
    member, lead = make_user(tenant), make_user(tenant)
    team = services.save_team(actor=owner, name="上海二组", member_ids=[member.pk])
    services.save_team(actor=owner, team=team, name="上海二组（徐汇）", leader_ids=[lead.pk])
    assert set(team.members.all()) == {member, lead}
    services.save_team(actor=owner, team=team, name="上海二组", member_ids=[])
    assert list(team.members.all()) == []
    assert timeline.entries_for(team)[1].changes[0]["new"] == "上海二组（徐汇）"


def test_team_refusals(tenant, owner, other_company):
    root = services.save_team(actor=owner, name="华南服务中心")
    child = services.save_team(actor=owner, name="广州组", parent_id=root.pk)
    grandchild = services.save_team(actor=owner, name="天河小组", parent_id=child.pk)
    refused(ValidationFailed, services.save_team, actor=owner, team=root, name="华南服务中心", parent_id=grandchild.pk)
    refused(ValidationFailed, services.save_team, actor=owner, team=root, name="华南服务中心", parent_id=root.pk)
    refused(ValidationFailed, services.save_team, actor=owner, name="广州组", parent_id=root.pk)
    refused(ValidationFailed, services.save_team, actor=owner, name="华南服务中心")
    refused(ValidationFailed, services.save_team, actor=owner, name=" ")
    refused(ValidationFailed, services.save_team, actor=owner, name="坐标错", latitude=Decimal("91"),
            longitude=Decimal("120"))
    refused(ValidationFailed, services.save_team, actor=owner, name="坐标错", latitude="abc", longitude="120")
    refused(ValidationFailed, services.save_team, actor=owner, name="坐标错", latitude="30", longitude="-181")
    refused(ValidationFailed, services.save_team, actor=owner, name="团" * 51)
    refused(NotFound, services.save_team, actor=owner, name="外", parent_id=make_team(other_company[0]).pk)
    refused(NotFound, services.save_team, actor=owner, name="外", leader_ids=[other_company[1].pk])
    refused(PermissionDenied, services.save_team, actor=make_user(tenant), name="无权")
    assert services.save_team(actor=owner, name="广州组", parent_id=child.pk).parent == child  # other parent: fine


def test_team_coordinates_from_text(tenant, owner):
    team = services.save_team(actor=owner, name="杭州组", latitude=" 30.2741499 ", longitude="120.1551", address="")
    team.refresh_from_db()
    assert (team.latitude, team.longitude) == (Decimal("30.274150"), Decimal("120.155100"))
    services.save_team(actor=owner, team=team, name="杭州组", latitude="", longitude=None)
    team.refresh_from_db()
    assert (team.latitude, team.longitude) == (None, None)


def test_delete_team(tenant, owner):
    root = services.save_team(actor=owner, name="华北服务中心")
    leaf = services.save_team(actor=owner, name="天津组", parent_id=root.pk)
    refused(DomainError, services.delete_team, actor=owner, team=root)
    services.delete_team(actor=owner, team=leaf)
    services.delete_team(actor=owner, team=root)
    assert not Team.objects.exists()
    assert list(SystemLog.objects.filter(kind=SystemLog.Kind.DELETE).values_list("detail__name", flat=True)) == [
        "华北服务中心", "天津组"]


def test_team_members_add_and_remove(tenant, owner):
    team = make_team(tenant)
    first, second = make_user(tenant), make_user(tenant)
    services.add_team_members(actor=owner, team=team, user_ids=[first.pk, second.pk])
    team.leaders.add(first)
    services.remove_team_member(actor=owner, team=team, user_id=first.pk)
    assert list(team.members.all()) == [second] and not team.leaders.exists()


# --- roles and data scope -------------------------------------------------------------------------

def test_system_roles_cannot_be_deleted_and_can_be_reset(tenant, owner):
    engineer = role("engineer")
    default_codes, default_scopes = permissions.default_grants("engineer")
    refused(DomainError, services.delete_role, actor=owner, role=engineer)
    services.save_role(actor=owner, role=engineer, name=engineer.name, permission_codes=["account.view"],
                       scopes={"account": "all"})
    assert role("engineer").permissions == ["account.view"]
    services.reset_role(actor=owner, role=role("engineer"))
    assert (set(role("engineer").permissions), role("engineer").scopes) == (default_codes, default_scopes)
    assert SystemLog.objects.filter(kind=SystemLog.Kind.SETTINGS).count() == 2


def test_admin_role_permissions_are_fixed(tenant, owner):
    refused(DomainError, services.save_role, actor=owner, role=role("admin"), name="系统管理员",
            permission_codes=["account.view"])


def test_custom_role_create_edit_delete(tenant, owner):
    custom = services.save_role(actor=owner, name="区域经理", description="看本区域",
                                permission_codes=["account.view", "team.view"], scopes={"account": "team"})
    assert (custom.permissions, custom.scopes, custom.is_system) == (["account.view", "team.view"],
                                                                     {"account": "team"}, False)
    services.save_role(actor=owner, role=custom, name="区域经理", permission_codes=["account.view", "account.edit"],
                       scopes={"account": "all"})
    custom.refresh_from_db()
    assert custom.permissions == ["account.edit", "account.view"]
    log_row = SystemLog.objects.filter(kind=SystemLog.Kind.SETTINGS).first()
    assert (log_row.detail["added"], log_row.detail["removed"]) == (["account.edit"], ["team.view"])
    refused(DomainError, services.reset_role, actor=owner, role=custom)
    services.delete_role(actor=owner, role=custom)
    assert not Role.objects.filter(pk=custom.pk).exists()


def test_role_refusals(tenant, owner):
    error = refused(ValidationFailed, services.save_role, actor=owner, name="新角色",
                    permission_codes=["account.view", "account.fly"])
    assert "account.fly" in str(error.details["permissions"][0])
    refused(ValidationFailed, services.save_role, actor=owner, name="新角色", permission_codes=["account.view"],
            scopes={"account": "galaxy"})
    refused(ValidationFailed, services.save_role, actor=owner, name="新角色", permission_codes=[],
            scopes={"nowhere": "all"})
    refused(ValidationFailed, services.save_role, actor=owner, name=str(role("engineer").name))
    refused(ValidationFailed, services.save_role, actor=owner, name="")
    refused(ValidationFailed, services.save_role, actor=owner, name="角" * 51)
    refused(PermissionDenied, services.save_role, actor=make_user(tenant, roles=("manager",)), name="越权")


def test_data_scope_own_team_all(tenant, owner, other_company):
    region = make_team(tenant, name="华东")
    sub_team = make_team(tenant, name="上海一组", parent=region)
    elsewhere = make_team(tenant, name="华北")
    team_admin = make_user(tenant, roles=("team_admin",), teams=[region])
    in_sub_team = make_user(tenant, teams=[sub_team])
    in_region = make_user(tenant, teams=[region])
    outside = make_user(tenant, teams=[elsewhere])
    engineer = make_user(tenant)
    director = make_user(tenant, roles=("director",))

    def visible(actor):
        return set(queries.visible_users(fresh(actor)))

    assert visible(engineer) == {engineer}
    assert visible(team_admin) == {team_admin, in_sub_team, in_region}
    everyone = set(User.objects.filter(tenant=tenant))
    assert visible(director) == visible(owner) == everyone
    assert other_company[1] not in everyone and outside in everyone
    team_reader = services.save_role(actor=owner, name="团队查看", permission_codes=["account.view"],
                                     scopes={"account": "team"})
    services.assign_roles(actor=owner, users=[engineer], role_ids=[team_reader.pk], mode="set")
    services.assign_teams(actor=owner, users=[engineer], team_ids=[elsewhere.pk])
    assert visible(engineer) == {engineer, outside}
    no_view = services.save_role(actor=owner, name="无账号权限", permission_codes=[])
    services.assign_roles(actor=owner, users=[engineer], role_ids=[no_view.pk], mode="set")
    assert visible(engineer) == set()


def test_every_system_role_is_present_once(tenant):
    assert sorted(Role.objects.exclude(system_key="").values_list("system_key", flat=True)) == sorted(SYSTEM_ROLE_KEYS)


# --- work statuses --------------------------------------------------------------------------------

def test_work_status_add_edit_reorder_delete(tenant, owner):
    added = services.save_work_status(actor=owner, name="外出中", color="#1677ff")
    assert added.sort_order == WorkStatus.objects.exclude(pk=added.pk).order_by("-sort_order")[0].sort_order + 1
    services.save_work_status(actor=owner, status=added, name="外勤中", color="#13c2c2")
    added.refresh_from_db()
    assert (added.name, added.color) == ("外勤中", "#13c2c2")
    ids = list(WorkStatus.objects.values_list("pk", flat=True))
    services.reorder_work_statuses(actor=owner, ordered_ids=list(reversed(ids)))
    assert list(WorkStatus.objects.values_list("pk", flat=True)) == list(reversed(ids))
    reordered_names = list(WorkStatus.objects.values_list("name", flat=True))
    user = make_user(tenant)
    services.set_work_status(user=user, status_id=added.pk)
    services.delete_work_status(actor=owner, status=added)
    assert fresh(user).work_status is None
    details = list(SystemLog.objects.filter(kind=SystemLog.Kind.SETTINGS).order_by("id").values_list("detail",
                                                                                                     flat=True))
    assert len(details) == 4  # added, edited, reordered, deleted
    assert details[2]["order"] == reordered_names


def test_work_status_refusals(tenant, owner):
    refused(ValidationFailed, services.save_work_status, actor=owner, name="工作中")
    refused(ValidationFailed, services.save_work_status, actor=owner, name="")
    refused(ValidationFailed, services.save_work_status, actor=owner, name="忙" * 31)
    ids = list(WorkStatus.objects.values_list("pk", flat=True))
    refused(ValidationFailed, services.reorder_work_statuses, actor=owner, ordered_ids=ids[:-1])
    refused(PermissionDenied, services.save_work_status, actor=make_user(tenant, roles=("manager",)), name="新")
    for status in WorkStatus.objects.all()[1:]:
        services.delete_work_status(actor=owner, status=status)
    refused(DomainError, services.delete_work_status, actor=owner, status=WorkStatus.objects.get())


# --- API tokens -----------------------------------------------------------------------------------

def test_api_tokens_store_only_a_hash(tenant, owner):
    token, key = services.create_api_token(user=owner, name="集成", days=30)
    assert key.startswith("sh_") and token.prefix == key[:10]
    assert token.key_hash == services.hash_token(key) and key not in str(ApiToken.objects.filter(pk=token.pk).values())
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert list(queries.tokens_of(owner)) == [token]


def test_api_token_revoke_only_own(tenant, owner):
    other = make_user(tenant)
    token, _key = services.create_api_token(user=owner)
    refused(NotFound, services.revoke_api_token, user=other, token_id=token.pk)
    services.revoke_api_token(user=owner, token_id=token.pk)
    assert not ApiToken.objects.exists()
