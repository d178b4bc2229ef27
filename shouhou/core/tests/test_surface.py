"""Surface tests of custom-field definitions (FormSchema), whose pages and endpoint take a form target
("customer"), not an id, so they are written out here on the shared surface world (core/testing/surface.py)
rather than declared.

Covers: FormSchema — console designer page; API get and save (PUT): bad definitions are 400 with nothing
changed, the denied user is 403, another company's definitions never show.
"""

import json

from django.urls import reverse

from shouhou.core.models import FormSchema
from shouhou.core.testing.surface import snapshot

ENDPOINT = "/api/v1/form-schemas/customer"
REFUSED = ("customer.settings",)


def labels(response):
    assert response.status_code == 200, response.content
    return [field.get("label") for field in response.json()["fields"]]


def put(client, fields):
    return client.put(ENDPOINT, json.dumps({"fields": fields}), content_type="application/json")


def test_designer_page_renders(surface):
    surface.mine.core.custom_field("customer", permission="customer.settings", label="表面字段")
    response = surface.client().get(reverse("core:form_designer", args=["customer"]))
    assert response.status_code == 200 and "表面字段" in response.content.decode()


def test_designer_refused_without_permission(surface):
    client = surface.client(surface.denied_user(REFUSED))
    assert client.get(reverse("core:form_designer", args=["customer"])).status_code == 403


def test_get_and_save_through_the_api(surface):
    fields = surface.api().get(ENDPOINT).json()["fields"]
    response = put(surface.api(), [*fields, {"label": "接口字段", "kind": "text"}])
    assert response.status_code == 200, response.content
    assert "接口字段" in labels(surface.api().get(ENDPOINT))


def test_bad_definitions_are_400_and_change_nothing(surface):
    fields = surface.api().get(ENDPOINT).json()["fields"]
    before = snapshot(FormSchema)
    response = put(surface.api(), [*fields, {"label": "坏字段", "kind": "no-such-kind"}])
    assert response.status_code == 400 and response.json()["code"]
    assert snapshot(FormSchema) == before


def test_save_refused_without_permission(surface):
    client = surface.api(surface.denied_user(REFUSED))
    fields = surface.api().get(ENDPOINT).json()["fields"]
    before = snapshot(FormSchema)
    assert put(client, [*fields, {"label": "越权字段", "kind": "text"}]).status_code == 403
    assert snapshot(FormSchema) == before


def test_other_company_definitions_never_show(surface):
    with surface.theirs.active():
        surface.theirs.core.custom_field("customer", permission="customer.settings", label="别家字段")
    assert "别家字段" not in labels(surface.api().get(ENDPOINT))
    page = surface.client().get(reverse("core:form_designer", args=["customer"])).content.decode()
    assert "别家字段" not in page
