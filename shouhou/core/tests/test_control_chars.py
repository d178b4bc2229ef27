"""Control characters (U+0000–U+001F, U+007F) are refused at every text boundary — every console form,
every API input, query strings, Excel import rows — and Excel exports never fail on text already stored."""

import importlib
import io
import pkgutil
import types
import typing

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from pydantic import BaseModel

import shouhou
from shouhou.core.excel import write_xlsx
from shouhou.core.forms_engine import get_schema, save_schema, validate_values
from shouhou.core.importer import start_import
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import api_client_for, client_for
from shouhou.core.text_guard import control_character_errors, is_multiline_field
from shouhou.core.validators import CONTROL_CHARACTERS_CODE, find_control_character, normalize_newlines

ALL_CONTROLS = "".join(chr(c) for c in range(0x20)) + "\x7f"


# --- the one rule -------------------------------------------------------------------------------------

def test_single_line_text_refuses_every_control_character_and_multi_line_keeps_tab_and_line_breaks():
    for char in ALL_CONTROLS:
        assert find_control_character(f"a{char}b") == char
        expected = None if char in "\t\n\r" else char
        assert find_control_character(f"a{char}b", multiline=True) == expected
    assert find_control_character("售后 服务·é €") is None
    assert normalize_newlines("a\r\nb\rc") == "a\nb\nc"


# --- console forms: every text field of every form class -----------------------------------------------

def _import_all_project_modules():
    for module in pkgutil.walk_packages(shouhou.__path__, "shouhou."):
        if ".tests" not in module.name and ".migrations" not in module.name and "browser_fixtures" not in module.name:
            importlib.import_module(module.name)


def _project_form_classes():
    _import_all_project_modules()
    seen, pending = [], [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("shouhou.") and ".tests" not in cls.__module__:
            seen.append(cls)
    return seen


def _codes(error):
    return {e.code for e in error.error_list}


def test_every_text_field_of_every_project_form_refuses_control_characters():
    checked = []
    for form_class in _project_form_classes():
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.CharField):
                continue
            refused = ["x\x07y", "x\x00y", "x\x7fy"] + ([] if is_multiline_field(field) else ["x\ny", "x\ty"])
            for value in refused:
                with pytest.raises(ValidationError) as caught:
                    field.clean(value)
                assert caught.value.error_list, (form_class, name, value)
            checked.append(f"{form_class.__name__}.{name}")
    assert len(checked) > 40, checked  # the walk found the project's forms


def test_a_text_field_swapped_to_a_textarea_after_it_was_built_allows_line_breaks():
    class NoteForm(forms.Form):
        title = forms.CharField()
        note = forms.CharField()

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["note"].widget = forms.Textarea()

    form = NoteForm({"title": "one\nline", "note": "two\r\nlines\tand a tab"})
    assert not form.is_valid()
    assert list(form.errors) == ["title"] and form.errors.as_data()["title"][0].code == CONTROL_CHARACTERS_CODE
    assert form.cleaned_data["note"] == "two\nlines\tand a tab"
    assert not NoteForm({"title": "ok", "note": "bell\x07"}).is_valid()


def test_the_error_names_the_invisible_character():
    with pytest.raises(ValidationError) as caught:
        forms.CharField().clean("x\x01")
    assert caught.value.messages == ["Remove the invisible control character U+0001 from the text."]


@pytest.fixture
def text_fields(tenant, owner):
    built_in = [{"key": f["key"], "system": True} for f in get_schema("customer").fields if f.get("system")]
    return save_schema(actor=owner, target="customer", permission="customer.settings", fields=[
        *built_in,
        {"key": "code", "label": "编码", "kind": "text"},
        {"key": "memo", "label": "备注", "kind": "textarea"},
        {"key": "site", "label": "现场地址", "kind": "address"},
    ])


def test_custom_field_text_kinds_refuse_control_characters_on_every_write_path(text_fields):
    with pytest.raises(Exception) as caught:
        validate_values(text_fields, {"code": "a\nb", "memo": "x\x0by", "site": {"detail": "1\x00号"}})
    assert set(caught.value.details) == {"code", "memo", "site"}
    cleaned = validate_values(text_fields, {"code": "ab", "memo": "line 1\r\nline 2\tend"})
    assert cleaned["memo"] == "line 1\nline 2\tend"


# --- API: every string of every operation's input -------------------------------------------------------

def _api_operations():
    from config.api import api

    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                yield f"{'/'.join(operation.methods)} {bound.prefix}{path}", operation


def _string_places(annotation, loc=()):
    """[(loc, build)] for every place `annotation` can hold free text; build(text) makes the value."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _string_places(args[0], loc)
    if origin in (typing.Union, types.UnionType):
        places = {}
        for arg in args:
            for place_loc, build in _string_places(arg, loc):
                places.setdefault(place_loc, build)
        return list(places.items())
    if origin is typing.Literal or annotation is type(None):
        return []
    if annotation is str or annotation is typing.Any:
        return [(loc, lambda text: text)]
    if origin in (list, set, frozenset, tuple):
        return [(place_loc, lambda text, b=build: [b(text)]) for place_loc, build in _string_places(args[0], (*loc, 0))]
    if origin is dict:
        return [(place_loc, lambda text, b=build: {"k": b(text)}) for place_loc, build in _string_places(args[1], (*loc, "k"))]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(place_loc, lambda text, n=name, b=build: annotation.model_construct(**{n: b(text)}))
                for name, field in annotation.model_fields.items()
                for place_loc, build in _string_places(field.annotation, (*loc, field.alias or name))]
    return []


def test_every_string_in_every_api_input_is_checked():
    checked = []
    for name, operation in _api_operations():
        for model in operation.models:
            for loc, build in _string_places(model):
                errors = control_character_errors(build("x\x07y"))
                assert [error_loc for error_loc, _char in errors] == [loc], (name, loc)
                checked.append((name, loc))
    assert len(checked) > 100, checked  # the walk found the API's inputs
    assert any(len(loc) > 3 for _name, loc in checked)  # nested schemas and lists included


@pytest.fixture
def api(tenant, owner):
    return api_client_for(owner)


def _post(client, path, payload):
    return client.post(path, payload, content_type="application/json")


def test_api_refuses_control_characters_with_a_field_error_and_creates_nothing(api, text_fields):
    from shouhou.customers.models import Customer

    cases = [({"name": "甲\x07乙"}, "name"),
             ({"name": "甲乙", "contacts": [{"name": "张三", "note": "\x00"}]}, "contacts.0.note"),
             ({"name": "甲乙", "tags": ["VIP\n"]}, "tags.0"),
             ({"name": "甲乙", "fields": {"memo": "a\x1bb"}}, "fields.memo"),
             ({"name": "甲乙", "fields": {"code": "a\nb"}}, "fields.code")]
    for payload, field in cases:
        response = _post(api, "/api/v1/customers", payload)
        assert response.status_code == 400, (payload, response.content)
        body = response.json()
        assert body["code"] == "validation_error" and field in body["details"], body
    assert not Customer.objects.exists()


def test_api_multi_line_fields_keep_line_breaks_but_not_other_controls(api):
    ok = _post(api, "/api/v1/product-templates", {"name": "模板", "number": "TPL", "description": "一\n二\t三"})
    assert ok.status_code == 201, ok.content
    bad = _post(api, "/api/v1/product-templates", {"name": "模板2", "number": "TPL2", "description": "一\x08"})
    assert bad.status_code == 400 and "description" in bad.json()["details"]


# --- query strings and raw posts: a NUL is never a 500 (PostgreSQL cannot even compare it) -------------

def test_query_strings_with_control_characters_are_refused_with_400(tenant, owner, api):
    console = client_for(owner)
    for path in (reverse("customers:list"), reverse("products:list"), reverse("workorders:list"),
                 reverse("accounts:users"), reverse("system:logs")):
        for q in ("a\x00b", "a\x07"):
            response = console.get(path, {"q": q})
            assert response.status_code == 400 and b"q:" in response.content, (path, q)
    response = api.get("/api/v1/customers", {"q": "\x00"})
    assert response.status_code == 400 and response.json()["details"] == {"q": [response.json()["details"]["q"][0]]}
    assert api.get("/api/v1/work-orders", {"q": "a\x00"}).status_code == 400


def test_a_nul_in_a_raw_post_is_refused(db, company):
    from django.test import Client

    response = Client().post(reverse("accounts:login"), {"username": "138\x00", "password": "x"})
    assert response.status_code == 400


# --- Excel import: a row with a control character is a bad row, nothing is imported -------------------

def test_an_import_row_with_a_control_character_is_reported_by_row_and_column(tenant, owner, settings, tmp_path):
    from shouhou.accounts.importers import UserImporter
    from shouhou.accounts.models import User
    from shouhou.core.jobs import DataJob

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    write_xlsx(buffer, ["Name*", "Mobile phone", "Job title"], [
        ["好人", "13900000001", "工程师"], ["坏\x7f人", "13900000002", "工程师"], ["换行", "13900000003", "工程\n师"]])
    before = User.objects.count()
    with translation.override("en"):
        job = start_import(actor=owner, importer_class=UserImporter,
                           upload=SimpleUploadedFile("users.xlsx", buffer.getvalue()))
    job.refresh_from_db()
    assert job.status == DataJob.Status.INVALID
    errors = {error["row"]: error["messages"] for error in job.errors}
    assert set(errors) == {3, 4}
    assert errors[3][0].startswith("Name:") and "U+007F" in errors[3][0]
    assert errors[4][0].startswith("Job title:")
    assert User.objects.count() == before


# --- Excel export: stored text with control characters never breaks an export --------------------------

def _sheet_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


@pytest.mark.django_db
def test_every_list_exports_text_stored_with_control_characters():
    from shouhou.accounts.models import User
    from shouhou.core.audit import SystemLog
    from shouhou.customers.models import Customer
    from shouhou.demo.seed import seed_all
    from shouhou.products.models import Product
    from shouhou.workorders.models import WorkOrder

    # PostgreSQL cannot store NUL at all, so only SQLite gets it in the stored text.
    controls = ALL_CONTROLS if connection.vendor == "sqlite" else ALL_CONTROLS.replace("\x00", "")
    dirty = f"脏{controls}数据"
    tenant = seed_all(scale=0.01)
    with tenant_context(tenant):
        owner = User.objects.filter(tenant=tenant, roles__system_key="admin").first()
        Customer.objects.update(name=dirty)
        Product.objects.update(name=dirty)
        WorkOrder.objects.update(description=dirty, contact_name=dirty)
        User.objects.filter(tenant=tenant).update(job_title=dirty)
        User.objects.filter(pk=owner.pk).update(name=dirty)
        SystemLog.objects.create(kind=SystemLog.Kind.LOGIN, user=owner, user_name=dirty, action=dirty)
    console = client_for(owner)
    for path, query in ((reverse("customers:list"), {}), (reverse("products:list"), {}),
                        (reverse("workorders:list"), {}), (reverse("accounts:users"), {}),
                        (reverse("system:logs"), {"tab": "login"})):
        response = console.get(path, {**query, "export": "xlsx"})
        assert response.status_code == 200, path
        rows = _sheet_rows(response)
        assert len(rows) > 1 and "脏" in str(rows), path
        assert not any(ILLEGAL_CHARACTERS_RE.search(str(cell)) for row in rows for cell in row), path
