import pytest


@pytest.fixture
def f(factories):
    return factories


@pytest.fixture
def keeper(f):
    """A spare-parts keeper (system role `warehouse`, data scope own: the warehouses he manages)."""
    return f.accounts.user(name="库管甲", roles=("warehouse",))


@pytest.fixture
def engineer(f):
    return f.accounts.user(name="工程师甲", roles=("engineer",))
