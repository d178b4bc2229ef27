"""Registry for the tenant-isolation walk (core/tests/test_isolation.py, architecture §5, §12).

Each app declares in its `<app>/testing.py`:
- `@populator` functions `(tenant, owner, marker)` creating a few of its objects with `marker` in their
  names, so the walk can prove the other company's rows never show;
- for every URL with parameters, which model each parameter names (`route_params("app:name", pk=Model)`),
  unless the parameter name is in PARAM_MODELS; public token routes go in `public_route(name)`.
A parameterised route missing from the registry fails the walk, so new routes cannot skip it.
"""

PARAM_MODELS = {
    "user_id": "accounts.User",
    "team_id": "accounts.Team",
    "role_id": "accounts.Role",
}
ROUTE_PARAMS: dict[str, dict[str, str]] = {}
PUBLIC_ROUTES: set[str] = set()
POPULATORS = []


def populator(func):
    POPULATORS.append(func)
    return func


def route_params(name, **params):
    """Declare the model ("app_label.Model") each URL parameter of route `name` refers to."""
    ROUTE_PARAMS[name] = params


def public_route(*names):
    PUBLIC_ROUTES.update(names)


def load_core_declarations():
    """core's own declarations: the walk imports `<app>.testing`, which for core is this package."""
    from . import core_routes  # noqa: F401 (registers)
