import pytest

from shouhou.accounts import services
from shouhou.accounts.models import Role, User
from shouhou.core import permissions
from shouhou.core.errors import ValidationFailed
from shouhou.core.tenancy import NoActiveTenant


def test_signup_creates_system_roles_and_owner(tenant, owner):
    assert Role.objects.filter(system_key__gt="").count() == 10
    assert owner.is_tenant_owner
    assert permissions.has_perm(owner, "account.create")


def test_tenant_manager_fails_closed(db):
    with pytest.raises(NoActiveTenant):
        list(Role.objects.all())


def test_duplicate_phone_refused(tenant, owner):
    with pytest.raises(ValidationFailed) as exc:
        services.create_user(actor=owner, name="x", phone=owner.phone)
    assert "phone" in exc.value.details
    assert User.objects.filter(phone=owner.phone).count() == 1


def test_team_admin_cannot_grant_a_role_wider_than_his_own(tenant, owner):
    from shouhou.core.errors import PermissionDenied
    from shouhou.core.testing import make_team, make_user

    team = make_team(tenant)
    team_admin = make_user(tenant, roles=("team_admin",), teams=[team])
    member = make_user(tenant, roles=("engineer",), teams=[team])
    manager_role = Role.objects.get(system_key="manager")
    with pytest.raises(PermissionDenied):
        services.assign_roles(actor=team_admin, users=[member], role_ids=[manager_role.pk])
    with pytest.raises(PermissionDenied):
        services.assign_roles(actor=team_admin, users=[team_admin], role_ids=[Role.objects.get(system_key="admin").pk])
    assert set(member.roles.values_list("system_key", flat=True)) == {"engineer"}
    assert not team_admin.roles.filter(system_key="admin").exists()
