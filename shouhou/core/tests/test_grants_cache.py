"""The process-wide cache of users' grants (core.permissions): used only while the company's
grants_version is unchanged, so a change of roles or of a role's permissions is seen by the next request.

These tests commit (transactional database): the cache is filled only outside transactions."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from shouhou.accounts import services as account_services
from shouhou.accounts.models import Role, User
from shouhou.core import permissions
from shouhou.core.models import Tenant
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import make_company, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def fresh(user):
    """The user as a request loads him: with his company (session and API-token lookups join it)."""
    return User.objects.select_related("tenant").get(pk=user.pk)


def role_queries(user):
    with tenant_context(user.tenant), CaptureQueriesContext(connection) as captured:
        permissions.has_perm(user, "workorder.view")
    return [q["sql"] for q in captured.captured_queries if "accounts_role" in q["sql"]]


def can(user, code):
    user = fresh(user)
    with tenant_context(user.tenant):
        return permissions.has_perm(user, code)


def scope(user, module):
    user = fresh(user)
    with tenant_context(user.tenant):
        return permissions.data_scope(user, module)


@pytest.fixture
def company():
    permissions._GRANTS_CACHE.clear()
    tenant, owner = make_company()
    return tenant, owner


def test_a_second_request_reads_no_roles(company):
    tenant, _owner = company
    engineer = make_user(tenant, roles=("engineer",))
    assert len(role_queries(fresh(engineer))) == 1
    assert role_queries(fresh(engineer)) == []
    assert can(engineer, "workorder.execute")


def test_new_roles_are_seen_by_the_next_request(company):
    tenant, owner = company
    engineer = make_user(tenant, roles=("engineer",))
    assert can(engineer, "workorder.execute") and not can(engineer, "role.manage")
    with tenant_context(tenant):
        finance = Role.objects.get(system_key="finance")
        account_services.assign_roles(actor=fresh(owner), users=[engineer], role_ids=[finance.pk], mode="set")
    assert not can(engineer, "workorder.execute")
    with tenant_context(tenant):
        admin_role = Role.objects.get(system_key="admin")
        account_services.assign_roles(actor=fresh(owner), users=[engineer], role_ids=[admin_role.pk], mode="add")
    assert can(engineer, "role.manage")


def test_a_changed_role_is_seen_by_the_next_request(company):
    tenant, owner = company
    with tenant_context(tenant):
        role = account_services.save_role(actor=fresh(owner), name="只读客服", permission_codes=["customer.view"],
                                          scopes={"customer": "own"})
    clerk = make_user(tenant, roles=(role,))
    assert scope(clerk, "customer") == "own"
    with tenant_context(tenant):
        account_services.save_role(actor=fresh(owner), role=role, name="只读客服",
                                   permission_codes=["customer.view", "customer.create"], scopes={"customer": "all"})
    assert can(clerk, "customer.create") and scope(clerk, "customer") == "all"


def test_a_deleted_role_takes_its_grants_along(company):
    tenant, owner = company
    with tenant_context(tenant):
        role = account_services.save_role(actor=fresh(owner), name="临时角色", permission_codes=["customer.view"])
    temp = make_user(tenant, roles=(role,))
    assert can(temp, "customer.view")
    with tenant_context(tenant):
        account_services.delete_role(actor=fresh(owner), role=role)
    assert not can(temp, "customer.view")


def test_a_stale_company_object_cannot_turn_the_version_back(company):
    tenant, _owner = company
    stale = Tenant.objects.get(pk=tenant.pk)
    make_user(tenant, roles=("engineer",))  # bumps the version
    bumped = Tenant.objects.get(pk=tenant.pk).grants_version
    assert bumped > stale.grants_version
    stale.name = "改名公司"
    stale.save()
    reloaded = Tenant.objects.get(pk=tenant.pk)
    assert (reloaded.name, reloaded.grants_version) == ("改名公司", bumped)


def test_nothing_is_cached_inside_a_transaction(company):
    tenant, _owner = company
    engineer = make_user(tenant, roles=("engineer",))
    with transaction.atomic():
        assert len(role_queries(fresh(engineer))) == 1
        assert len(role_queries(fresh(engineer))) == 1  # roles read inside may not be committed
    assert len(role_queries(fresh(engineer))) == 1
    assert role_queries(fresh(engineer)) == []


def test_each_company_has_its_own_entries(company):
    tenant, _owner = company
    other_tenant, _other_owner = make_company()
    here = make_user(tenant, roles=("engineer",))
    there = make_user(other_tenant, roles=("admin",))
    assert can(there, "role.manage")
    assert not can(here, "role.manage")
    with tenant_context(other_tenant):
        account_services.assign_roles(actor=fresh(_other_owner), users=[there],
                                      role_ids=[Role.objects.get(system_key="engineer").pk], mode="set")
    assert not can(there, "role.manage")
    assert can(here, "workorder.execute")
