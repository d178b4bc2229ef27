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


def make_user(tenant, *, roles=("engineer",), teams=(), name=None, password=DEMO_PASSWORD, **extra):
    """A user of `tenant` with the given system role keys (or Role objects) and teams."""
    from shouhou.accounts.models import Role, User, WorkStatus

    n = next(_seq)
    with tenant_context(tenant):
        phone = extra.pop("phone", f"137{n:08d}")
        user = User(tenant=tenant, name=name or f"用户{n}", phone=phone, account=phone,
                    work_status=WorkStatus.objects.first(), **extra)
        user.set_password(password)
        user.save()
        role_objs = [r if isinstance(r, Role) else Role.objects.get(system_key=r) for r in roles]
        user.roles.set(role_objs)
        for team in teams:
            team.members.add(user)
    return user


def make_team(tenant, name=None, parent=None, leaders=(), members=()):
    from shouhou.accounts.models import Team

    n = next(_seq)
    with tenant_context(tenant):
        team = Team.objects.create(tenant=tenant, name=name or f"团队{n}", parent=parent)
        team.leaders.set(leaders)
        team.members.set(set(members) | set(leaders))
    return team


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
