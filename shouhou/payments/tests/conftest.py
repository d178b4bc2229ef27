import pytest


@pytest.fixture(autouse=True)
def _sandbox(settings):
    """Online methods go to the sandbox provider unless a test builds a real adapter itself."""
    settings.PAYMENTS_SANDBOX = True


@pytest.fixture
def pay(factories):
    """The payments factory with every method switched on."""
    factories.payments.enable()
    return factories.payments
