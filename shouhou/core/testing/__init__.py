"""Test helpers shared by every app: company and user factories, tenant activation, clients.

The uniform surface tests live beside them: `views.py` (console pages) and `api.py` (API endpoints) are
declared per model and run in the world of `surface.py` (the `surface` fixture); `factories.py` bundles
every app's `<app>/factories.py` (the `factories` fixture); `isolation.py` is the tenant-isolation walk.
"""

import itertools

from django.test import Client

from shouhou.core.tenancy import tenant_context

DEMO_PASSWORD = "Shouhou-test-2026"
_seq = itertools.count(1)


def make_company(slug=None, name=None):
    """A company made the way sign-up makes one: system roles, work statuses, owner. Returns (tenant, owner)."""
    from shouhou.system.services import sign_up

    n = next(_seq)
    slug = slug or f"co{n:04d}"
    return sign_up(
        name=name or f"测试公司{n}", short_name=f"测试{n}", slug=slug, contact_phone=f"139{n:08d}",
        admin_name=f"管理员{n}", admin_password=DEMO_PASSWORD,
    )


def owner_of(tenant):
    """The company's super administrator (sign-up made them): the actor of the helpers below. Kept on the
    tenant object, which lives as long as the test that holds it."""
    owner = getattr(tenant, "_test_owner", None)
    if owner is None:
        from shouhou.accounts.models import User

        owner = User.objects.filter(tenant=tenant, is_tenant_owner=True).order_by("pk").first()
        tenant._test_owner = owner
    return owner


def make_user(tenant, *, roles=("engineer",), teams=(), name=None, password=DEMO_PASSWORD, **extra):
    """A user of `tenant` with the given system role keys (or Role objects) and teams, made by the company's
    owner through the accounts factory (accounts.services.create_user)."""
    from shouhou.accounts.factories import AccountsFactory

    n = next(_seq)
    extra.setdefault("phone", f"137{n:08d}")
    with tenant_context(tenant):
        return AccountsFactory(owner_of(tenant)).user(name=name or f"用户{n}", roles=roles, teams=teams,
                                                      password=password, **extra)


def make_team(tenant, name=None, parent=None, leaders=(), members=()):
    """A team of `tenant` (leaders are members too), made by the company's owner through the accounts factory
    (accounts.services.save_team)."""
    from shouhou.accounts.factories import AccountsFactory

    with tenant_context(tenant):
        return AccountsFactory(owner_of(tenant)).team(name=name or f"团队{next(_seq)}", parent=parent,
                                                      leaders=leaders, members=members)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def api_client_for(user):
    """A Client that sends a fresh personal token as Bearer on every request."""
    from shouhou.accounts.services import create_api_token

    with tenant_context(user.tenant):
        _token, key = create_api_token(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {key}"})
