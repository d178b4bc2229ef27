"""One object bundling every app's test factories, bound to one acting user.

Each app has a `<app>/factories.py` with a factory class whose constructor takes the acting user and
whose methods build data through that app's services. The root conftest.py registers the classes
(`FACTORIES`, name -> class) and offers them as fixtures:

    def test_something(factories):                  # bound to the first company's owner
        customer = factories.customers.customer(name="甲")
    def test_isolation(factories, factories_for, other_company):
        theirs = factories_for(other_company[1])    # bound to the other company's owner
        with theirs.active():                       # its company activated while building
            theirs.customers.customer()

core does not import the apps: the registry is handed in by the conftest.
"""

import contextlib

from shouhou.core.tenancy import tenant_context


class Factories:
    def __init__(self, actor, registry):
        self.actor = actor
        self.tenant = actor.tenant
        for name, factory_class in registry.items():
            setattr(self, name, factory_class(actor))

    @contextlib.contextmanager
    def active(self):
        """The factories' company as the current tenant (the services require one)."""
        with tenant_context(self.tenant):
            yield self
