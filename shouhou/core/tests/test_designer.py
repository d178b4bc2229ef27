"""The form designer page, its preview and save endpoints, the form-schemas API, and the address
geocoding helper of engine forms: rendering, permissions, versions (409), per-field errors (400),
targets that are not this company's (404), and isolation between companies."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from shouhou.core.designer_targets import ADMIN_ONLY, DESIGNABLE, register_designable, resolve_target
from shouhou.core.errors import NotFound
from shouhou.core.forms_engine import get_schema, save_schema
from shouhou.core.forms_engine.services import TARGETS, Target
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import api_client_for, client_for, make_company, make_user
from shouhou.workorders.models import AddonComponent, WorkOrderType

pytestmark = pytest.mark.django_db

MARKER_B = "乙公司保密字段"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin(company):
    return company[1]


@pytest.fixture
def engineer(company):
    return make_user(company[0], roles=("engineer",), name="工程师乙")


def designer_url(target):
    return reverse("core:form_designer", args=[target])


def page_config(response):
    """The JSON block designer.js reads."""
    html = response.content.decode()
    start = html.index('<script id="designer-config" type="application/json">') + len(
        '<script id="designer-config" type="application/json">')
    return json.loads(html[start:html.index("</script>", start)])


def customer_fields(tenant):
    with tenant_context(tenant):
        return get_schema("customer").fields


def post_json(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def level_field(**extra):
    return {"label": "客户等级", "kind": "select", "options": ["A级", "B级"], **extra}


def make_type(tenant, name="上门维修"):
    with tenant_context(tenant):
        return WorkOrderType.objects.create(tenant=tenant, name=name)


# --- the page ------------------------------------------------------------------------------------------

def test_designer_page_renders_palette_fields_and_config_for_the_administrator(company, admin):
    response = client_for(admin).get(designer_url("customer"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kind="cascade"' in html and 'data-kind="signature"' in html  # the palette
    assert "core/designer.js" in html and "vendor/sortable/Sortable.min.js" in html
    assert "<script>" not in html  # no inline script (CSP): the config is a JSON block
    config = page_config(response)
    assert config["target"] == "customer" and config["version"] == 0
    system = [f for f in config["fields"] if f["system"]]
    assert [f["key"] for f in system][:2] == ["name", "number"]
    assert config["urls"]["save"] == reverse("core:form_designer_save", args=["customer"])
    assert config["kinds"]["number"]["rules"]["decimals"]["max"] == 6
    assert "key" in config["props"] and "retired_at" not in config["props"]
    assert 'name="preview-name"' in html and "disabled" in html  # the preview shows system fields locked


def test_designer_page_is_refused_without_the_settings_permission(engineer):
    assert client_for(engineer).get(designer_url("customer")).status_code == 403
    assert client_for(engineer).post(reverse("core:form_designer_preview", args=["customer"]),
                                     {"fields": "[]"}).status_code == 403


@pytest.mark.parametrize("target", ["gadget", "customer:5", "workorder_type", "workorder_type:abc", "Bad!",
                                    "receipt:", "product:1"])
def test_unknown_or_malformed_targets_are_404(admin, target):
    assert client_for(admin).get(f"/forms/{target}/design/").status_code == 404


def test_work_order_type_forms_belong_to_the_company(company, admin, other_company):
    own = make_type(company[0])
    theirs = make_type(other_company[0], name="别家类型")
    client = client_for(admin)
    for prefix in ("workorder_type", "receipt"):
        response = client.get(designer_url(f"{prefix}:{own.pk}"))
        assert response.status_code == 200
        assert "上门维修" in response.content.decode()  # the title names the type
        assert client.get(designer_url(f"{prefix}:{theirs.pk}")).status_code == 404
        assert client.get(designer_url(f"{prefix}:987654")).status_code == 404
    with tenant_context(other_company[0]):
        component = AddonComponent.objects.create(tenant=other_company[0], name="别家组件")
    assert client.get(designer_url(f"component:{component.pk}")).status_code == 404
    save = post_json(client, reverse("core:form_designer_save", args=[f"workorder_type:{theirs.pk}"]), {"fields": []})
    assert save.status_code == 404


def test_work_order_type_designer_locks_its_system_fields(company, admin):
    order_type = make_type(company[0])
    response = client_for(admin).get(designer_url(f"workorder_type:{order_type.pk}"))
    config = page_config(response)
    assert {"customer", "priority", "planned_at"} <= {f["key"] for f in config["fields"] if f["system"]}
    assert response.content.decode().count("bi-lock-fill") >= 3


def test_back_link_follows_a_safe_next_only(admin):
    client = client_for(admin)
    safe = client.get(designer_url("customer") + "?next=/customers/?page=2").content.decode()
    assert 'href="/customers/?page=2" data-designer-back' in safe
    unsafe = client.get(designer_url("customer") + "?next=https://evil.example/").content.decode()
    assert f'href="{reverse("customers:settings")}" data-designer-back' in unsafe


# --- live preview ----------------------------------------------------------------------------------------

def test_preview_renders_the_unsaved_fields_as_a_form(company, admin):
    fields = [*customer_fields(company[0]), level_field(required=True, help="按年消费额"),
              {"kind": "separator", "label": "补充信息"},
              {"label": "地区", "kind": "cascade", "options": [{"label": "广东", "children": [{"label": "深圳"}]}]}]
    response = client_for(admin).post(reverse("core:form_designer_preview", args=["customer"]),
                                      {"fields": json.dumps(fields)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "客户等级" in html and "按年消费额" in html and "补充信息" in html
    assert '<option value="A级">A级</option>' in html
    assert "data-cascade-options" in html  # the cascade select widgets.js turns into chained selects
    assert "form-select" in html  # console styling
    assert json.loads(html[html.index('id="designer-preview-errors"'):].split(">", 1)[1].split("<", 1)[0]) == ""
    with tenant_context(company[0]):
        assert get_schema("customer").version == 0  # nothing saved


def test_preview_lists_definition_errors_keyed_by_field(company, admin):
    fields = [*customer_fields(company[0]), level_field(), {"label": "空选项", "kind": "select", "options": []}]
    response = client_for(admin).post(reverse("core:form_designer_preview", args=["customer"]),
                                      {"fields": json.dumps(fields)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "空选项" in html and "Add at least one option." in html
    block = html[html.index('id="designer-preview-errors"'):].split(">", 1)[1].split("</script>", 1)[0]
    assert json.loads(block) == {f"fields.{len(fields) - 1}.options": ["Add at least one option."]}


def test_preview_with_unreadable_input_is_a_400(admin):
    response = client_for(admin).post(reverse("core:form_designer_preview", args=["customer"]), {"fields": "{nope"})
    assert response.status_code == 400


# --- saving from the page --------------------------------------------------------------------------------

def test_saving_from_the_page_bumps_the_version_and_generates_keys(company, admin):
    url = reverse("core:form_designer_save", args=["customer"])
    fields = [*customer_fields(company[0]), level_field(show_in_list=True)]
    response = post_json(client_for(admin), url, {"fields": fields, "expected_version": 0})
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    level = body["fields"][-1]
    assert level["label"] == "客户等级" and level["key"].startswith("f_") and level["show_in_list"] is True
    assert [o["value"] for o in level["options"]] == ["A级", "B级"]
    with tenant_context(company[0]):
        assert get_schema("customer").version == 1


def test_saving_with_a_stale_version_is_a_conflict(company, admin):
    url = reverse("core:form_designer_save", args=["customer"])
    fields = [*customer_fields(company[0]), level_field()]
    client = client_for(admin)
    assert post_json(client, url, {"fields": fields, "expected_version": 0}).status_code == 200
    stale = post_json(client, url, {"fields": [*fields, {"label": "备注", "kind": "text"}], "expected_version": 0})
    assert stale.status_code == 409
    assert stale.json()["message"] == "This form was changed by someone else; please reload it."
    with tenant_context(company[0]):
        assert get_schema("customer").version == 1


def test_saving_refused_definitions_answers_per_field_errors(company, admin):
    url = reverse("core:form_designer_save", args=["customer"])
    system = customer_fields(company[0])
    fields = [*system, level_field(), {"label": "客户等级", "kind": "text"}, {"label": "预算", "kind": "number",
                                                                           "rules": {"min": 10, "max": 1}}]
    response = post_json(client_for(admin), url, {"fields": fields, "expected_version": 0})
    assert response.status_code == 400
    details = response.json()["details"]
    base = len(system)
    assert f"fields.{base + 1}.label" in details and f"fields.{base + 2}.rules" in details
    removed = post_json(client_for(admin), url, {"fields": [level_field()], "expected_version": 0})
    assert removed.status_code == 400 and "cannot be removed" in " ".join(removed.json()["details"]["fields"])
    assert post_json(client_for(admin), url, {"fields": system, "expected_version": "x"}).status_code == 400
    assert client_for(admin).post(url, "not json", content_type="application/json").status_code == 400


def test_saving_from_the_page_needs_the_permission(engineer):
    response = post_json(client_for(engineer), reverse("core:form_designer_save", args=["customer"]), {"fields": []})
    assert response.status_code == 403


def test_removed_fields_come_back_as_retired_and_can_be_restored(company, admin):
    url = reverse("core:form_designer_save", args=["customer"])
    system = customer_fields(company[0])
    client = client_for(admin)
    saved = post_json(client, url, {"fields": [*system, level_field()], "expected_version": 0}).json()
    level = saved["fields"][-1]
    removed = post_json(client, url, {"fields": system, "expected_version": 1}).json()
    assert [f["key"] for f in removed["retired_fields"]] == [level["key"]]
    assert removed["retired_fields"][0]["retired_at"]
    config = page_config(client.get(designer_url("customer")))
    assert config["retired"][0]["key"] == level["key"]
    restore = {k: v for k, v in config["retired"][0].items() if k in config["props"]}
    restored = post_json(client, url, {"fields": [*system, restore], "expected_version": 2}).json()
    assert restored["fields"][-1]["key"] == level["key"] and restored["retired_fields"] == []


# --- the API ------------------------------------------------------------------------------------------------

def test_api_get_gives_definitions_kinds_and_version(admin):
    response = api_client_for(admin).get("/api/v1/form-schemas/customer")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"target", "label", "version", "fields", "retired_fields", "updated_at", "kinds"}
    assert body["target"] == "customer" and body["version"] == 0
    kinds = {k["kind"]: k for k in body["kinds"]}
    assert kinds["cascade"]["options"] == "tree" and kinds["attachment"]["rules"]["max_size_mb"]["type"] == "float"
    assert any(f["system"] and f["key"] == "name" for f in body["fields"])


def test_api_put_saves_with_version_check_and_field_errors(company, admin):
    api = api_client_for(admin)
    url = "/api/v1/form-schemas/customer"
    system = customer_fields(company[0])
    saved = api.put(url, json.dumps({"fields": [*system, level_field()], "expected_version": 0}),
                    content_type="application/json")
    assert saved.status_code == 200 and saved.json()["version"] == 1
    stale = api.put(url, json.dumps({"fields": system, "expected_version": 0}), content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    bad = [*system, {"label": "颜色", "kind": "select", "options": []}, {"kind": "nonsense"}]
    refused = api.put(url, json.dumps({"fields": bad, "expected_version": 1}), content_type="application/json")
    assert refused.status_code == 400
    details = refused.json()["details"]
    assert details[f"fields.{len(system)}.options"] == ["Add at least one option."]
    assert f"fields.{len(system) + 1}.kind" in details
    with tenant_context(company[0]):
        assert get_schema("customer").version == 1


def test_api_reading_needs_the_forms_view_permission_and_writing_its_settings_permission(company, engineer):
    api = api_client_for(engineer)
    assert api.get("/api/v1/form-schemas/customer").status_code == 200  # engineers fill in customer forms
    refused = api.put("/api/v1/form-schemas/customer", json.dumps({"fields": customer_fields(company[0])}),
                      content_type="application/json")
    assert refused.status_code == 403
    storekeeper = make_user(company[0], roles=("warehouse",))
    assert api_client_for(storekeeper).get("/api/v1/form-schemas/customer").status_code == 403


def test_api_targets_of_another_company_are_404(company, admin, other_company):
    theirs = make_type(other_company[0], name="别家类型")
    api = api_client_for(admin)
    assert api.get(f"/api/v1/form-schemas/workorder_type:{theirs.pk}").status_code == 404
    put = api.put(f"/api/v1/form-schemas/receipt:{theirs.pk}", json.dumps({"fields": []}),
                  content_type="application/json")
    assert put.status_code == 404
    assert api.get("/api/v1/form-schemas/nonsense").status_code == 404
    own = make_type(company[0])
    assert api.get(f"/api/v1/form-schemas/workorder_type:{own.pk}").status_code == 200


# --- isolation ------------------------------------------------------------------------------------------------

def test_each_company_designs_only_its_own_schema(company, admin):
    tenant_b, owner_b = make_company(name="乙公司")
    with tenant_context(tenant_b):
        save_schema(actor=owner_b, target="customer", permission="customer.settings",
                    fields=[*get_schema("customer").fields, level_field(label=MARKER_B)])
    with tenant_context(company[0]):
        save_schema(actor=admin, target="customer", permission="customer.settings",
                    fields=[*get_schema("customer").fields, level_field(label="甲公司字段")])
    page = client_for(admin).get(designer_url("customer"))
    assert "甲公司字段" in page.content.decode() and MARKER_B not in page.content.decode()
    assert page_config(page)["version"] == 1
    api = json.dumps(api_client_for(admin).get("/api/v1/form-schemas/customer").json(), ensure_ascii=False)
    assert "甲公司字段" in api and MARKER_B not in api
    own_b = client_for(owner_b).get(designer_url("customer"))
    assert MARKER_B in own_b.content.decode() and "甲公司字段" not in own_b.content.decode()


# --- targets and permissions -------------------------------------------------------------------------------

def test_a_form_whose_permission_is_not_registered_stays_with_administrators(company, admin, monkeypatch):
    monkeypatch.setitem(TARGETS, "gadget", TARGETS["customer"])
    monkeypatch.setitem(DESIGNABLE, "gadget", DESIGNABLE["customer"])
    register_designable("gadget", permission="gadget.settings", read_permission="gadget.view")
    with tenant_context(company[0]):
        design = resolve_target("gadget")
        assert design.permission == ADMIN_ONLY and design.read_permission == ADMIN_ONLY
        with pytest.raises(NotFound):
            resolve_target("gadget:1")
    manager = make_user(company[0], roles=("manager",))
    assert client_for(admin).get(designer_url("gadget")).status_code == 200
    assert client_for(manager).get(designer_url("gadget")).status_code == 403


def test_registered_target_needs_a_designable_entry(company, admin, monkeypatch):
    monkeypatch.setitem(TARGETS, "orphan", Target("orphan", "Orphan"))
    assert client_for(admin).get(designer_url("orphan")).status_code == 404


# --- geocoding for address inputs --------------------------------------------------------------------------

def test_geocode_gives_coordinates_of_an_address(admin):
    client = client_for(admin)
    found = client.get(reverse("core:form_geocode"), {"province": "广东省", "city": "深圳市", "detail": "科技园"})
    assert found.status_code == 200 and round(found.json()["lat"], 2) == 22.54
    assert client.get(reverse("core:form_geocode")).status_code == 400
    unknown = client.get(reverse("core:form_geocode"), {"detail": "无名之地"})
    assert unknown.status_code == 400 and unknown.json()["message"]


def test_geocode_needs_a_login(client):
    assert client.get(reverse("core:form_geocode"), {"city": "深圳"}).status_code == 302


# --- in the browser -------------------------------------------------------------------------------------------

def _drag(page, source, target):
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 12, start["y"] + start["height"] / 2 + 12, steps=4)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 6, steps=20)
    page.mouse.up()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_designing_a_customer_field_in_the_browser(page, phone, company, admin):
    from shouhou.browser_fixtures import login, shot
    from shouhou.core.testing import DEMO_PASSWORD

    login(page, admin.phone, DEMO_PASSWORD)
    page.goto(designer_url("customer"))
    page.wait_for_selector(".canvas-item")
    _drag(page, page.locator('.palette-item[data-kind="select"]'), page.locator(".canvas-item").nth(2))
    page.wait_for_selector(".canvas-item.is-selected")
    assert "is-selected" in page.locator(".canvas-item").nth(2).get_attribute("class")  # dropped at index 2
    page.fill("#prop-label", "客户等级")
    page.click("[data-props] button:has(.bi-card-text)")  # bulk edit of the options
    page.fill("[data-bulk-options]", "A级\nB级\nC级")
    page.click("[data-props] .btn-primary")
    page.wait_for_selector("#designer-preview select option:has-text('C级')", state="attached")
    shot(page, "designer-pc")
    page.click("[data-designer-save]")
    page.wait_for_selector("[data-designer-status].text-success")
    with tenant_context(company[0]):
        schema = get_schema("customer")
    level = schema.fields[2]
    assert schema.version == 1 and level["label"] == "客户等级"
    assert [o["label"] for o in level["options"]] == ["A级", "B级", "C级"]
    assert page.locator("[data-designer-version]").inner_text() == "1"

    login(phone, admin.phone, DEMO_PASSWORD)
    phone.goto(designer_url("customer"))
    phone.wait_for_selector(".canvas-item")
    palette, canvas = phone.locator(".designer-palette").bounding_box(), phone.locator(".designer-canvas").bounding_box()
    assert canvas["y"] > palette["y"] + palette["height"] - 1 and canvas["width"] > 300  # the panes stack
    shot(phone, "designer-phone")
    assert not page.js_errors and not phone.js_errors
