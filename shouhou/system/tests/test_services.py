"""Direct tests of sign-up, company info and company settings (architecture §12)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shouhou.accounts.models import Role, User, WorkStatus
from shouhou.accounts.roles import SYSTEM_ROLE_KEYS
from shouhou.core import audit, company_settings
from shouhou.core.audit import SystemLog
from shouhou.core.errors import PermissionDenied, ValidationFailed
from shouhou.core.models import Tenant
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import make_user
from shouhou.system import services

WATCHED = [Tenant, User, User.roles.through, Role, WorkStatus, SystemLog]
STRONG_PASSWORD = "Trial-signup-2026"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
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


def sign_up_values(**overrides):
    return {"name": "杭州示例机电有限公司", "short_name": "示例机电", "slug": "shili", "contact_phone": "13700001111",
            "admin_name": "钱多多", "admin_password": STRONG_PASSWORD, "admin_email": "qian@example.com",
            **overrides}


# --- sign-up --------------------------------------------------------------------------------------

def test_sign_up_creates_company_defaults_and_owner(db, settings):
    settings.TRIAL_SEATS, settings.TRIAL_SMS, settings.TRIAL_STORAGE_MB, settings.TRIAL_DAYS = 20, 100, 512, 15
    tenant, owner = services.sign_up(**sign_up_values(slug=" ShiLi "))
    assert (tenant.slug, tenant.name, tenant.short_name, tenant.phone) == ("shili", "杭州示例机电有限公司", "示例机电",
                                                                          "13700001111")
    assert (tenant.plan, tenant.seat_limit, tenant.sms_limit, tenant.sms_used, tenant.storage_limit_mb) == (
        Tenant.Plan.TRIAL, 20, 100, 0, 512)
    assert abs(tenant.expires_at - (timezone.now() + timedelta(days=15))) < timedelta(minutes=1)
    with tenant_context(tenant):
        assert sorted(Role.objects.exclude(system_key="").values_list("system_key", flat=True)) == sorted(
            SYSTEM_ROLE_KEYS)
        assert list(WorkStatus.objects.values_list("name", flat=True)) == ["工作中", "非常忙碌", "休假中", "勿扰模式"]
        assert list(owner.roles.values_list("system_key", flat=True)) == ["admin"]
        assert owner.work_status == WorkStatus.objects.first()
    assert owner.is_tenant_owner and owner.tenant == tenant
    assert (owner.name, owner.phone, owner.email, owner.account) == ("钱多多", "13700001111", "qian@example.com",
                                                                     "13700001111")
    assert owner.check_password(STRONG_PASSWORD)


def test_sign_up_companies_are_independent(db):
    first, _owner = services.sign_up(**sign_up_values())
    second, _other = services.sign_up(**sign_up_values(slug="second", contact_phone="13700002222",
                                                       admin_email=""))
    assert Role.all_tenants.filter(tenant=first).count() == Role.all_tenants.filter(tenant=second).count() == 10


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"slug": "ab"}, "slug"),
        ({"slug": "Has Space"}, "slug"),
        ({"slug": "-dash"}, "slug"),
        ({"slug": "admin"}, "slug"),
        ({"slug": "", "short_name": "示例"}, "slug"),  # no Latin letters to derive a code from
        ({"name": "  "}, "name"),
        ({"short_name": ""}, "short_name"),
        ({"name": "公" * 101}, "name"),
        ({"contact_phone": "12345"}, "phone"),
        ({"admin_email": "bad@"}, "email"),
        ({"admin_password": "12345678"}, "password"),
    ],
)
def test_sign_up_refuses_bad_input(db, overrides, field):
    error = refused(ValidationFailed, services.sign_up, **sign_up_values(**overrides))
    assert field in error.details


def test_sign_up_refuses_taken_slug_and_registered_phone(db):
    services.sign_up(**sign_up_values())
    error = refused(ValidationFailed, services.sign_up, **sign_up_values(contact_phone="13700003333",
                                                                         admin_email=""))
    assert "slug" in error.details
    error = refused(ValidationFailed, services.sign_up, **sign_up_values(slug="another", admin_email=""))
    assert "phone" in error.details


# --- company info ---------------------------------------------------------------------------------

def test_update_company_changes_fields_and_logs(tenant, owner):
    services.update_company(actor=owner, name=" 演示科技有限公司 ", short_name="演示科技", email="info@example.com",
                            address="上海市浦东新区碧波路 690 号", profile="专注设备售后服务。", show_short_name=False)
    stored = Tenant.objects.get(pk=tenant.pk)
    assert (stored.name, stored.email, stored.show_short_name) == ("演示科技有限公司", "info@example.com", False)
    assert tenant.name == "演示科技有限公司" and tenant.display_name == "演示科技有限公司"  # active object follows
    row = SystemLog.objects.get(kind=SystemLog.Kind.SETTINGS)
    assert row.user == owner and set(row.detail["changes"]) == {"name", "short_name", "email", "address", "profile",
                                                                "show_short_name"}
    services.update_company(actor=owner, email="info@example.com")
    assert SystemLog.objects.count() == 1  # nothing changed, nothing logged


def test_update_company_partial_update_keeps_other_fields(tenant, owner):
    name = tenant.name
    services.update_company(actor=owner, phone="400-820-8820")
    stored = Tenant.objects.get(pk=tenant.pk)
    assert (stored.name, stored.phone) == (name, "400-820-8820")


def test_update_company_refusals(tenant, owner):
    assert "name" in refused(ValidationFailed, services.update_company, actor=owner, name=" ").details
    assert "short_name" in refused(ValidationFailed, services.update_company, actor=owner, short_name="").details
    assert "email" in refused(ValidationFailed, services.update_company, actor=owner, email="nope").details
    assert "address" in refused(ValidationFailed, services.update_company, actor=owner, address="路" * 201).details
    manager = make_user(tenant, roles=("manager",))
    refused(PermissionDenied, services.update_company, actor=manager, name="越权公司")


# --- company settings -----------------------------------------------------------------------------

@pytest.fixture
def int_setting(monkeypatch):
    """A numeric setting, declared for the test only (the foundation declares none)."""
    monkeypatch.setitem(company_settings.REGISTRY, "test.reminder_hours",
                        company_settings.Setting("test.reminder_hours", 24, "Reminder hours", "test"))
    return "test.reminder_hours"


def test_update_settings_coerces_types_and_logs(tenant, owner, int_setting):
    changes = company_settings.update_settings(actor=owner, values={
        "team.dispatch_by_team": "on", "team.hide_non_members": "false", "working_hours.days": (1, 2, 3),
        "working_hours.start": "08:30", int_setting: "48",
    })
    assert changes == {"team.dispatch_by_team": [False, True], "working_hours.days": [[1, 2, 3, 4, 5], [1, 2, 3]],
                       "working_hours.start": ["09:00", "08:30"], int_setting: [24, 48]}
    assert company_settings.get("team.dispatch_by_team") is True  # the active tenant object sees it
    stored = Tenant.objects.get(pk=tenant.pk)
    assert company_settings.get(int_setting, stored) == 48 and company_settings.get("working_hours.days", stored) == [
        1, 2, 3]
    row = SystemLog.objects.get(kind=SystemLog.Kind.SETTINGS)
    assert row.user == owner and row.detail["changes"]["team.dispatch_by_team"] == [False, True]
    assert company_settings.update_settings(actor=owner, values={"team.dispatch_by_team": True}) == {}
    assert SystemLog.objects.count() == 1


def test_update_settings_refusals(tenant, owner, int_setting):
    error = refused(ValidationFailed, company_settings.update_settings, actor=owner,
                    values={"team.dispatch_by_team": True, "no.such.setting": 1})
    assert "no.such.setting" in error.details
    assert int_setting in refused(ValidationFailed, company_settings.update_settings, actor=owner,
                                  values={int_setting: "many"}).details
    assert "working_hours.days" in refused(ValidationFailed, company_settings.update_settings, actor=owner,
                                           values={"working_hours.days": "1,2,3"}).details
    refused(PermissionDenied, company_settings.update_settings, actor=make_user(tenant, roles=("manager",)),
            values={"team.dispatch_by_team": True})
    assert company_settings.get("team.dispatch_by_team") is False


def test_log_records_client_and_team(tenant, owner, rf):
    from shouhou.core.testing import make_team

    make_team(tenant, name="华东服务中心", members=[owner])
    request = rf.get("/m/home", HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14)", REMOTE_ADDR="198.51.100.4")
    row = audit.log(SystemLog.Kind.IMPORT_EXPORT, user=owner, action="导出账号", request=request,
                       detail={"rows": 3})
    assert (row.client_type, row.ip, row.team_name, row.user_name) == ("mobile", "198.51.100.4", "华东服务中心",
                                                                       owner.name)
    assert audit.log(SystemLog.Kind.LOGIN, action="系统任务").client_type == "system"
