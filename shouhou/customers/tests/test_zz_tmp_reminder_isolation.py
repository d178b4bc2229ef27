from shouhou.core.tests import test_isolation as iso
from shouhou.core.tests.test_isolation import two_companies  # noqa: F401


def test_mine(two_companies, monkeypatch):  # noqa: F811
    routes = list(iso._routes())
    mine = [(r, n) for r, n in routes if n.startswith("reminders:")]
    assert len(mine) >= 10
    monkeypatch.setattr(iso, "_routes", lambda: iter(mine))
    # the param walk asserts >= 5 checked, the page walk >= 10 pages; run the param walk only with mine
    iso.test_other_companys_objects_are_404_everywhere(two_companies)
    (tenant_a, owner_a), _ = two_companies
    console = iso.client_for(owner_a)
    for route, name in mine:
        if iso.PARAM_RE.search(route):
            continue
        response = console.get("/" + route)
        assert response.status_code < 500, (route, response.status_code)
        assert iso.MARKER_B not in response.content.decode(), route
        print(route, response.status_code)


def test_models(two_companies):  # noqa: F811
    iso.test_every_tenant_model_is_scoped(two_companies)
