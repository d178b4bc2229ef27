"""The world every surface test runs in (core/testing/views.py and api.py), as the `surface` fixture.

Two companies made the way sign-up makes them: the first ("mine", active for the test body, its owner an
administrator) and another ("theirs"), each with its factories (core/testing/factories.py). The other
company, the denied and the out-of-scope users are made on demand, since most tests need none of them.

Loaded as a pytest plugin by the root conftest.py.
"""

import functools
import itertools

import pytest

from shouhou.core import permissions
from shouhou.core.testing import api_client_for, client_for, make_company

_numbers = itertools.count(1)


class SurfaceWorld:
    def __init__(self, tenant, owner, factories_for):
        self.tenant, self.owner = tenant, owner
        self._factories_for = factories_for
        self.mine = factories_for(owner)
        self._clients = {}

    @functools.cached_property
    def theirs(self):
        """The other company's factories; the company is made on first use (most tests never need it)."""
        _tenant, other_owner = make_company()
        return self._factories_for(other_owner)

    def client(self, user=None):
        """A signed-in console client (the owner's unless `user`)."""
        user = user or self.owner
        return self._clients.setdefault(("console", user.pk), client_for(user))

    def api(self, user=None):
        """An API client sending a personal token of `user` (the owner's unless given)."""
        user = user or self.owner
        if ("api", user.pk) not in self._clients:
            self._clients[("api", user.pk)] = api_client_for(user)
        return self._clients[("api", user.pk)]

    def denied_user(self, refused):
        """A user holding every permission except the codes in `refused` ("customer.view") and whole
        modules named there by a trailing dot ("customer."), with the widest data scope everywhere."""
        codes = {code for code in permissions.all_codes() if not _matches(code, refused)}
        return self.mine.accounts.user_with(codes, scopes=_all_scopes())

    def scoped_user(self, module, scope=permissions.SCOPE_OWN):
        """A user holding every permission, whose data scope of `module` is `scope` (own: nothing they did not
        make or own)."""
        return self.mine.accounts.user_with(permissions.all_codes(), scopes={**_all_scopes(), module: scope})

    def theirs_make(self, make):
        """`make(factories)` run as the other company's owner, that company active meanwhile."""
        with self.theirs.active():
            return make(self.theirs)


def _matches(code, refused):
    return any(code == item or (item.endswith(".") and code.startswith(item)) for item in refused)


def _all_scopes():
    return {module.key: permissions.SCOPE_ALL for module in permissions.MODULES.values() if module.scoped}


def unique(prefix):
    """`prefix` and a number no other call in the test run returns: labels that find one row in a page."""
    return f"{prefix}{next(_numbers):05d}"


def snapshot(model):
    """Every row of `model` in every company, field by field: equal snapshots mean nothing changed.
    A user's last sign-in is left out: signing the test's clients in is no change a request made."""
    return [{key: value for key, value in row.items() if key != "last_login"}
            for row in model._base_manager.order_by("pk").values()]


@pytest.fixture
def surface(tenant, owner, factories_for):
    return SurfaceWorld(tenant, owner, factories_for)
