"""Tenant isolation (architecture §5): no read, write or list crosses from one company to another.

Two companies are filled with every app's data (each app's `testing.py` populators). Then:
1. every TenantModel's default manager, with company A active, returns only A's rows, and refuses to
   query with no company active;
2. every parameterised route and API path, requested by A's administrator with B's object ids, answers
   404 — for GET and for POST — never 403, 200 or a redirect;
3. every parameterless GET page and API list, requested by A's administrator, never shows B's marker.
"""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from shouhou.core.models import TenantModel
from shouhou.core.tenancy import NoActiveTenant, tenant_context
from shouhou.core.testing import api_client_for, client_for, make_company
from shouhou.core.testing.isolation import (
    PARAM_MODELS,
    POPULATORS,
    PUBLIC_ROUTES,
    ROUTE_PARAMS,
    load_core_declarations,
)

MARKER_A, MARKER_B = "甲方标记", "乙方隔离标记"
SKIP_PREFIXES = ("i18n/", "static/", "media/")
# GET routes that act (log out, open a notification …) or need query input are still walked; these
# only make sense as a POST target or stream a file and are covered by their own tests.
GET_SKIP = {"accounts:logout", "api:logout"}


def _load_app_declarations():
    load_core_declarations()
    for app in apps.get_app_configs():
        if app.name.startswith("shouhou."):
            try:
                importlib.import_module(f"{app.name}.testing")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.testing":
                    raise


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            yield prefix + str(pattern.pattern), name


def _routes():
    seen = set()
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith(SKIP_PREFIXES) or route.startswith("^") or (route, name) in seen:
            continue
        seen.add((route, name))
        yield route, name


PARAM_RE = re.compile(r"<(?:(\w+):)?(\w+)>")


@pytest.fixture
def two_companies(db):
    _load_app_declarations()
    companies = []
    for marker in (MARKER_A, MARKER_B):
        tenant, owner = make_company(name=f"{marker}公司")
        with tenant_context(tenant):
            for populate in POPULATORS:
                populate(tenant, owner, marker)
        companies.append((tenant, owner))
    return companies


def test_every_tenant_model_is_scoped(two_companies):
    (tenant_a, _), (tenant_b, _) = two_companies
    models = [m for m in apps.get_models() if issubclass(m, TenantModel)]
    assert len(models) > 5
    with_rows = 0
    for model in models:
        with pytest.raises(NoActiveTenant):
            list(model.objects.all()[:1])
        with tenant_context(tenant_a):
            assert not model.objects.exclude(tenant=tenant_a).exists(), model
            assert not model.objects.filter(tenant=tenant_b).exists(), model
        with_rows += model.all_tenants.filter(tenant=tenant_b).exists()
    assert with_rows >= 5, "populators should give company B rows in most models"


def _object_of_b(model_label, tenant_b):
    model = apps.get_model(model_label)
    manager = model.all_tenants if hasattr(model, "all_tenants") else model.objects
    obj = manager.filter(tenant=tenant_b).order_by("pk").first()
    assert obj is not None, f"no {model_label} of company B: add a populator"
    return obj


def _fill(route, name, tenant_b):
    params = ROUTE_PARAMS.get(name, {})
    values = {}
    for converter, param in PARAM_RE.findall(route):
        label = params.get(param) or PARAM_MODELS.get(param)
        if label is None:
            raise AssertionError(f"route {name or route!r}: declare what <{param}> names (route_params)")
        obj = _object_of_b(label, tenant_b)
        values[param] = obj.pk if converter in ("", "int", "path", "str", "slug") else obj.pk
    return PARAM_RE.sub(lambda m: str(values[m.group(2)]), route)


def test_other_companys_objects_are_404_everywhere(two_companies):
    (tenant_a, owner_a), (tenant_b, _) = two_companies
    console, api = client_for(owner_a), api_client_for(owner_a)
    checked = []
    for route, name in _routes():
        if not PARAM_RE.search(route) or name in PUBLIC_ROUTES:
            continue
        url = "/" + _fill(route, name, tenant_b)
        missing = "/" + PARAM_RE.sub("987654321", route)
        client = api if url.startswith("/api/") else console
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            # 404, or exactly what a made-up id gets (a 400 for a missing body, a 405, a 415 for a
            # form-encoded body): never a hint
            assert status == 404 or (status in (400, 405, 415) and status == getattr(client, method)(missing).status_code), (
                f"{method.upper()} {url} ({name}) → {status}")
        checked.append(name)
    assert len(checked) >= 5


def test_lists_and_pages_never_show_another_company(two_companies):
    (tenant_a, owner_a), (tenant_b, _) = two_companies
    console, api = client_for(owner_a), api_client_for(owner_a)
    pages = 0
    for route, name in _routes():
        if PARAM_RE.search(route) or name in GET_SKIP or name in PUBLIC_ROUTES:
            continue
        url = "/" + route
        response = (api if url.startswith("/api/") else console).get(url)
        assert response.status_code < 500, f"GET {url} → {response.status_code}"
        if response.status_code == 200 and not response.get("Content-Disposition"):
            body = response.content.decode("utf-8", "replace")
            assert MARKER_B not in body, f"GET {url} ({name}) shows company B's data"
            pages += 1
    assert pages >= 10
