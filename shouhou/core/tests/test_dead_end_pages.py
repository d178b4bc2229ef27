"""No dead ends (issue 15) in the kit: every 404 of a console or phone page is one clear page with a way back
(core.gone), status 404, the same for a deleted record and another company's; the API keeps its JSON."""

import pytest
from django.test import Client

from shouhou.core.testing import client_for

GONE = "This record has been deleted or you may not view it."


@pytest.fixture
def records(company, other_company, factories_for):
    from shouhou.core.tenancy import tenant_context

    (tenant, owner), (other_tenant, other_owner) = company, other_company
    with tenant_context(other_tenant):
        theirs = factories_for(other_owner)
        their_customer = theirs.customers.customer()
        their_product = theirs.products.product()
    with tenant_context(tenant):
        ours = factories_for(owner)
        gone_customer = ours.customers.customer()
        gone_product = ours.products.product()
        customer_pk, product_pk = gone_customer.pk, gone_product.pk
        type(gone_product).objects.filter(pk=product_pk).delete()
        type(gone_customer).objects.filter(pk=customer_pk).delete()
    return {"owner": owner, "theirs": {"customers": their_customer.pk, "products": their_product.pk},
            "deleted": {"customers": customer_pk, "products": product_pk}}


@pytest.mark.parametrize("module", ["customers", "products"])
@pytest.mark.parametrize("case", ["theirs", "deleted"])
@pytest.mark.parametrize("suffix", ["", "edit/"])
def test_detail_and_edit_pages_of_a_missing_record_say_so_with_a_way_back(records, module, case, suffix):
    client = client_for(records["owner"])
    page = client.get(f"/{module}/{records[case][module]}/{suffix}")
    html = page.content.decode()
    assert page.status_code == 404
    assert GONE in html and "transferred" not in html
    assert f'href="/{module}/"' in html and "Back to the list" in html
    assert 'href="/"' in html and "Back to home" in html
    assert page.templates[0].name == "core/gone.html"


def test_another_companys_record_reads_exactly_like_a_missing_one(records):
    client = client_for(records["owner"])
    for module in ("customers", "products"):
        theirs = client.get(f"/{module}/{records['theirs'][module]}/")
        missing = client.get(f"/{module}/987654321/")
        assert theirs.status_code == missing.status_code == 404
        for key in ("message", "transferred", "list_url", "home_url"):
            assert theirs.context[key] == missing.context[key]


def test_a_phone_link_gets_the_phone_page(records):
    page = client_for(records["owner"]).get("/m/orders/987654321/")
    html = page.content.decode()
    assert page.status_code == 404 and page.templates[0].name == "mobile/gone.html"
    assert GONE in html and 'href="/m/orders/"' in html and 'href="/m/"' in html


def test_an_unknown_address_has_a_way_home(records):
    page = client_for(records["owner"]).get("/no-such-page/")
    assert page.status_code == 404 and GONE in page.content.decode() and 'href="/"' in page.content.decode()
    assert page.context["list_url"] is None


def test_anonymous_visitors_get_the_plain_page(db):
    page = Client().get("/no-such-page/")
    assert page.status_code == 404 and 'href="/"' in page.content.decode()
    assert page.templates[0].name == "404.html"


def test_an_htmx_request_gets_the_message_alone(records):
    page = client_for(records["owner"]).get("/customers/987654321/", HTTP_HX_REQUEST="true")
    assert page.status_code == 404 and page.content.decode() == GONE


def test_the_api_keeps_its_json_404(records):
    answer = client_for(records["owner"]).get(f"/api/v1/customers/{records['theirs']['customers']}")
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    assert client_for(records["owner"]).get("/api/v1/nope").json()["code"] == "not_found"


# --- the 403 page: the same clear page and ways back (issue 15) ---------------------------------------------



@pytest.fixture
def limited(company, factories_for):
    """A user whose role may view work orders (all) and nothing else."""
    from shouhou.core.tenancy import tenant_context

    tenant, owner = company
    with tenant_context(tenant):
        return factories_for(owner).accounts.user_with(["workorder.view"], scopes={"workorder": "all"})


def test_a_refused_console_page_offers_the_list_and_home(limited):
    page = client_for(limited).get("/work-orders/new/")
    html = page.content.decode()
    assert page.status_code == 403 and page.templates[0].name == "core/gone.html"
    assert page.context["denied"] and 'data-gone="denied"' in html
    assert 'href="/work-orders/"' in html and "Back to the list" in html
    assert 'href="/"' in html and "Back to home" in html


def test_a_refused_phone_page_gets_the_phone_page_with_ways_back(limited):
    page = client_for(limited).get("/m/orders/new/")
    html = page.content.decode()
    assert page.status_code == 403 and page.templates[0].name == "mobile/gone.html"
    assert 'data-gone="denied"' in html
    assert 'href="/m/orders/"' in html and "Back to the list" in html and 'href="/m/"' in html


def test_a_refused_module_list_offers_home(limited):
    page = client_for(limited).get("/customers/")
    html = page.content.decode()
    assert page.status_code == 403 and 'data-gone="denied"' in html and "permission" in html
    assert 'href="/"' in html and "Back to home" in html


def test_a_refused_fragment_and_a_signed_out_403_stay_plain(limited):
    fragment = client_for(limited).get("/customers/", headers={"HX-Request": "true"})
    assert fragment.status_code == 403 and fragment["Content-Type"].startswith("text/plain")
    assert Client().get("/customers/").status_code in (302, 403)
