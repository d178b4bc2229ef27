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
