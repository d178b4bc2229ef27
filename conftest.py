import pytest

pytest_plugins = ["shouhou.browser_fixtures", "shouhou.core.testing.surface"]

# Every app's test factories (<app>/factories.py), built through its services; a new app adds its line.
FACTORIES = {
    "core": "shouhou.core.factories.CoreFactory",
    "accounts": "shouhou.accounts.factories.AccountsFactory",
    "system": "shouhou.system.factories.SystemFactory",
    "messaging": "shouhou.messaging.factories.MessagingFactory",
    "customers": "shouhou.customers.factories.CustomersFactory",
    "reminders": "shouhou.reminders.factories.RemindersFactory",
    "products": "shouhou.products.factories.ProductsFactory",
    "parts": "shouhou.parts.factories.PartsFactory",
    "workorders": "shouhou.workorders.factories.WorkordersFactory",
    "plans": "shouhou.plans.factories.PlansFactory",
    "reports": "shouhou.reports.factories.ReportsFactory",
    "payments": "shouhou.payments.factories.PaymentsFactory",
    "settlement": "shouhou.settlement.factories.SettlementFactory",
    "visits": "shouhou.visits.factories.VisitsFactory",
}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """Browser tests on SQLite use a test database file, not the default in-memory one. The live server
    answers the browser's requests in several threads, and in-memory SQLite shares its tables between
    connections with table locks that fail at once ("database table is locked") instead of waiting;
    a file in WAL mode lets readers and the writer wait for each other (`timeout` in settings)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and any(
            item.get_closest_marker("browser") for item in request.session.items):
        database.setdefault("TEST", {})["NAME"] = str(settings.BASE_DIR / "var" / "test_browser.sqlite3")


@pytest.fixture(autouse=True, scope="session")
def _huey_immediate():
    """Jobs run inline in tests unless a test opts out (see core/tests/test_jobs.py)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield


@pytest.fixture(autouse=True, scope="session")
def _strict_templates():
    """A template variable missing from its context fails the test (production renders it as "");
    see shouhou/core/testing/strict_templates.py."""
    from django.conf import settings

    from shouhou.core.testing import strict_templates

    uninstall = strict_templates.install(settings.TEMPLATES)
    yield
    uninstall()


@pytest.fixture(autouse=True)
def _no_missing_template_variables(_strict_templates):
    """Also catches misses in the live server's thread (browser tests) and in code that swallows errors."""
    from shouhou.core.testing import strict_templates

    strict_templates.forget_missing_variables()
    yield
    strict_templates.assert_no_missing_variables()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Most test time would go to PBKDF2; tests don't need a slow hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _small_demo_seed():
    """`manage.py seed_demo` makes ~2,000 work orders (a minute or two); tests that run it get 1% of the
    business data unless they pass a scale themselves."""
    from django.test import override_settings

    with override_settings(DEMO_SEED_SCALE=0.01):
        yield


@pytest.fixture(autouse=True)
def _tests_in_english(settings):
    """Tests assert English msgids, whether or not the zh-hans catalogue is compiled; the
    Chinese default itself is covered by shouhou/core/tests/test_language.py."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def company(db):
    from shouhou.core.testing import make_company

    return make_company()


@pytest.fixture
def tenant(company):
    """The first company, activated for the test body."""
    from shouhou.core.tenancy import tenant_context

    tenant_obj, _owner = company
    with tenant_context(tenant_obj):
        yield tenant_obj


@pytest.fixture
def owner(company):
    return company[1]


@pytest.fixture
def other_company(db):
    from shouhou.core.testing import make_company

    return make_company()


@pytest.fixture
def factories_for(db):
    """`factories_for(user)`: every app's factories acting as `user` (see core/testing/factories.py)."""
    from django.utils.module_loading import import_string

    from shouhou.core.testing.factories import Factories

    registry = {name: import_string(path) for name, path in FACTORIES.items()}
    return lambda actor: Factories(actor, registry)


@pytest.fixture
def factories(tenant, owner, factories_for):
    """Every app's factories acting as the first company's owner (that company is active)."""
    return factories_for(owner)
