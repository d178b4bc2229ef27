"""The custom-field engine's builders (architecture §7): the Django form, the API schema, list columns,
the detail display, Excel, the GIN index operation and the address picker."""

import base64
import datetime as dt
import io
import json

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.state import ProjectState
from django.utils import translation
from openpyxl import Workbook, load_workbook
from pydantic import ValidationError as PydanticValidationError

from shouhou.core.errors import ValidationFailed
from shouhou.core.forms_engine import (
    api_schema,
    as_parsed,
    build_form,
    diff_values,
    display_context,
    display_values,
    excel_columns,
    excel_headers,
    export_cell,
    export_row,
    json_schema,
    list_columns,
    parse_excel_row,
    validate_values,
)
from shouhou.core.forms_engine.migration_ops import AddGinIndexIfPostgres
from shouhou.core.testing import make_user

from .forms_engine_support import (
    COLORS,
    REGIONS,
    one,
    png_bytes,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield

# --- Django forms ----------------------------------------------------------------------------------------

FORM_FIELDS = [
    one("separator", "section", label="基本信息"),
    one("text", "model", label="型号", required=True, placeholder="如 KFR-35"),
    one("description", "note", label="", help="请核对铭牌"),
    one("phone", "phone", label="电话"),
    one("select", "color", label="颜色", options=COLORS),
    one("multi_select", "tags", label="标签", options=COLORS),
    one("cascade", "region", label="地区", options=REGIONS),
    one("number", "power", label="功率", rules={"decimals": 1, "max": 100}),
    one("date", "bought", label="购买日期"),
    one("datetime", "visit", label="上门时间"),
    one("time", "slot", label="时段"),
    one("address", "site", label="地址"),
    one("location", "spot", label="位置"),
    one("user", "owner", label="负责人"),
    one("image", "photos", label="照片", multiple=True),
    one("signature", "sign", label="签名"),
]


def test_form_renders_every_kind_with_its_widget(tenant, owner):
    form = build_form(as_parsed(FORM_FIELDS))()
    html = form.as_div()
    assert form.is_multipart()
    for fragment in ['type="tel"', 'data-picker="date"', 'data-picker="datetime"', 'data-picker="time"', 'type="file"',
                     'type="checkbox" name="tags"', "data-cascade-options", "广东 / 深圳 / 南山",
                     'data-reference-kind="user"', f">{owner.name}<", "基本信息", "请核对铭牌",
                     'placeholder="如 KFR-35"', 'data-address-part="detail"', "data-signature-pad"]:
        assert fragment in html, fragment
    assert "广东 / 深圳<" not in html  # leaf-only cascade offers full paths only


def test_form_cleans_into_engine_values(tenant, owner, media):
    old_photo = {"name": "old.png", "url": "/media/old.png", "size": 3, "content_type": "image/png"}
    form_class = build_form(as_parsed(FORM_FIELDS), {"photos": [old_photo], "model": "旧型号"})
    unbound = form_class()
    assert unbound["model"].value() == "旧型号"
    data = {"model": "KFR-35", "phone": "138-0013-8000", "color": "red", "tags": ["red", "green"],
            "region": '["gd","sz","ns"]', "power": "12.5", "bought": "2026-03-01", "visit": "2026-03-01T09:30",
            "slot": "08:15", "site_0": "广东省", "site_1": "深圳市", "site_2": "", "site_3": "科技园",
            "site_4": "22.5", "site_5": "113.9", "spot_0": "22.5", "spot_1": "113.9", "spot_2": "",
            "owner": str(owner.pk), "photos-present": "1", "photos-keep": [old_photo["url"]],
            "sign": "data:image/png;base64," + base64.b64encode(png_bytes()).decode()}
    files = {"photos": SimpleUploadedFile("new.png", png_bytes(), content_type="image/png")}
    form = form_class(data, files)
    assert form.is_valid(), form.errors
    values = form.custom_values
    assert values["phone"] == "13800138000" and values["region"] == ["gd", "sz", "ns"]
    assert values["power"] == 12.5 and values["visit"] == "2026-03-01T01:30:00+00:00" and values["slot"] == "08:15"
    assert values["site"] == {"province": "广东省", "city": "深圳市", "district": "", "detail": "科技园",
                              "lat": 22.5, "lng": 113.9, "province_code": "440000", "city_code": "440300",
                              "district_code": ""}
    assert values["spot"] == {"lat": 22.5, "lng": 113.9, "address": ""} and values["owner"] == owner.pk
    assert values["photos"][0] == old_photo and values["photos"][1]["name"] == "new.png"
    assert values["sign"]["content_type"] == "image/png"
    assert "section" not in values and "note" not in values


def test_form_reports_engine_and_field_errors(tenant, owner, other_company):
    form_class = build_form(as_parsed(FORM_FIELDS), field_prefix="cf_")
    form = form_class({"cf_phone": "12345", "cf_power": "500", "cf_owner": str(other_company[1].pk),
                       "cf_photos-present": "1"})
    assert not form.is_valid()
    assert form.errors["cf_model"] == ["This field is required."]
    assert "valid phone number" in form.errors["cf_phone"][0]
    assert form.errors["cf_power"]  # above the maximum
    assert form.errors["cf_owner"] == ["The selected colleague does not exist or you cannot choose them."]
    assert form.custom_values is None


def test_form_on_a_model_form_base(tenant):
    class Base(forms.Form):
        name = forms.CharField()

    form = build_form(as_parsed([one("text", "name", label="Custom name")]), base=Base, field_prefix="cf_")(
        {"name": "system", "cf_name": "custom"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "system" and form.custom_values == {"name": "custom"}


def test_form_keeps_stored_files_when_the_input_is_absent(tenant):
    ref = {"name": "a.png", "url": "/media/a.png", "size": 3, "content_type": "image/png"}
    form = build_form(as_parsed([one("image", "photo")]), {"photo": [ref]})({})
    assert form.is_valid(), form.errors
    assert form.custom_values == {"photo": [ref]}
    removed = build_form(as_parsed([one("image", "photo")]), {"photo": [ref]})({"photo-present": "1"})
    assert removed.is_valid() and removed.custom_values == {}


# --- API schema -----------------------------------------------------------------------------------------

def test_api_schema_validates_and_documents(tenant):
    schema = as_parsed(FORM_FIELDS)
    model = api_schema(schema)
    good = model.model_validate({"model": "X", "color": "red", "power": 99.5, "region": ["bj"]})
    assert good.model_dump(by_alias=True, exclude_none=True)["color"] == "red"
    for bad in [{"color": "red"}, {"model": "X", "color": "purple"}, {"model": "X", "power": 101},
                {"model": "X", "unknown": 1}, {"model": "X", "bought": "not a date"}]:
        with pytest.raises(PydanticValidationError):
            model.model_validate(bad)
    assert api_schema(schema, partial=True).model_validate({"color": "blue"})
    document = json_schema(schema)
    assert document["required"] == ["model"]
    assert set(document["properties"]) == {f["key"] for f in FORM_FIELDS} - {"section", "note"}
    assert document["properties"]["model"]["title"] == "型号"
    json.dumps(document)


# --- list columns and detail display ----------------------------------------------------------------------

def test_list_columns_render_escaped_html(tenant, owner):
    schema = as_parsed([one("text", "model", label="型号", show_in_list=True), one("email", "mail", label="邮箱"),
                        one("image", "photos", label="照片"), one("user", "owner", label="负责人", show_in_list=True)])
    columns = list_columns(schema)
    assert [(c.key, c.label, c.default_visible) for c in columns] == [
        ("cf_model", "型号", True), ("cf_mail", "邮箱", False), ("cf_photos", "照片", False), ("cf_owner", "负责人", True)]
    values = {"model": "<script>alert(1)</script>", "mail": "a@b.cn", "owner": owner.pk,
              "photos": [{"name": '"><img onerror=x>', "url": "/media/p.png", "size": 1, "content_type": "image/png"}]}
    cells = {c.field_key: c.render(values) for c in columns}
    assert cells["model"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert cells["mail"] == '<a href="mailto:a@b.cn">a@b.cn</a>'
    assert "<img onerror" not in cells["photos"] and 'src="/media/p.png"' in cells["photos"]
    assert cells["owner"] == owner.name and columns[0].text(values) == "<script>alert(1)</script>"


def test_display_context_loads_references_once_per_kind(tenant, owner, django_assert_num_queries):
    colleague = make_user(tenant)
    schema = as_parsed([one("user", "owner", label="负责人"), one("user", "helpers", label="协助", multiple=True)])
    page = [{"owner": owner.pk, "helpers": [colleague.pk]}, {"owner": colleague.pk}, {}]
    with django_assert_num_queries(1):
        refs = display_context(schema, page)
    with django_assert_num_queries(0):
        rendered = [[item.text for item in display_values(schema, values, refs=refs)] for values in page]
    assert rendered == [[owner.name, colleague.name], [colleague.name, ""], ["", ""]]


def test_display_values_formats_each_kind(tenant):
    schema = as_parsed(FORM_FIELDS)
    values = {"model": "X", "phone": "13800138000", "color": "blue", "tags": ["red", "green"],
              "region": ["gd", "sz", "ns"], "power": 12.5, "bought": "2026-03-01",
              "visit": "2026-03-01T01:30:00+00:00", "slot": "08:15",
              "site": {"province": "广东省", "city": "深圳市", "district": "", "detail": "科技园", "lat": None,
                       "lng": None},
              "spot": {"lat": 22.5, "lng": 113.9, "address": "深圳湾"}}
    shown = {item.key: item for item in display_values(schema, values)}
    assert shown["phone"].html == '<a href="tel:13800138000">13800138000</a>'
    assert shown["color"].text == "蓝色" and shown["region"].text == "广东 / 深圳 / 南山"
    assert shown["tags"].text == "红色, 绿色" and shown["power"].text == "12.5"
    assert shown["visit"].text == "2026-03-01 09:30" and shown["site"].text == "广东省 深圳市 科技园"
    assert shown["spot"].text == "深圳湾 (22.500000, 113.900000)"
    label, html = shown["model"]
    assert (label, html) == ("型号", "X")
    assert "section" not in shown and shown["photos"].text == ""
    assert [i.key for i in display_values(schema, values, include_empty=False)][-1] == "spot"


def test_diff_values_for_the_timeline(tenant):
    schema = as_parsed(FORM_FIELDS)
    changes = diff_values(schema, {"color": "red", "model": "X"}, {"color": "blue", "model": "X", "power": 3})
    assert changes == [{"field": "fields.color", "label": "颜色", "old": "红色", "new": "蓝色"},
                       {"field": "fields.power", "label": "功率", "old": "", "new": "3.0"}]


# --- Excel ----------------------------------------------------------------------------------------------

EXCEL_FIELDS = [
    one("text", "model", label="型号", required=True),
    one("phone", "phone", label="电话"),
    one("select", "color", label="颜色", options=COLORS),
    one("multi_select", "tags", label="标签", options=COLORS),
    one("cascade", "region", label="地区", options=REGIONS),
    one("number", "power", label="功率", rules={"decimals": 2}),
    one("date", "bought", label="购买日期"),
    one("datetime", "visit", label="上门时间"),
    one("time", "slot", label="时段"),
    one("address", "site", label="地址"),
    one("location", "spot", label="位置"),
    one("user", "owner", label="负责人"),
    one("image", "photos", label="照片"),
]


def test_excel_round_trip_through_a_workbook(tenant, owner):
    schema = as_parsed(EXCEL_FIELDS)
    values = {"model": "KFR-35", "phone": "13800138000", "color": "green", "tags": ["red", "blue"],
              "region": ["gd", "sz", "ns"], "power": 1234.56, "bought": "2026-03-01",
              "visit": "2026-03-01T01:30:00+00:00", "slot": "08:15",
              "site": {"province": "广东省", "city": "深圳市", "district": "南山区", "detail": "科技园 A栋",
                       "lat": None, "lng": None},
              "spot": {"lat": 22.5, "lng": 113.9, "address": "深圳湾"}, "owner": owner.pk,
              "photos": [{"name": "p.png", "url": "/media/p.png", "size": 1, "content_type": "image/png"}]}
    assert excel_headers(schema) == [f["label"] for f in EXCEL_FIELDS]
    assert "照片" not in excel_headers(schema, for_import=True)
    book = Workbook()
    sheet = book.active
    sheet.append(excel_headers(schema))
    sheet.append(export_row(schema, values))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    rows = list(load_workbook(buffer).active.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["照片"] == "/media/p.png" and row["颜色"] == "绿色" and row["地区"] == "广东 / 深圳 / 南山"
    imported = parse_excel_row(schema, row)
    # an imported address is matched to the divisions: the same names, with their GB/T 2260 codes
    codes = {"province_code": "440000", "city_code": "440300", "district_code": "440305"}
    assert imported == {**{k: v for k, v in values.items() if k != "photos"}, "site": {**values["site"], **codes}}


def test_excel_parsing_is_lenient_with_what_people_type(tenant, owner):
    schema = as_parsed(EXCEL_FIELDS)
    row = {"型号*": "X", "电话": 13800138000, "颜色": "蓝色", "标签": "红色，蓝色; green", "地区": "广东/广州",
           "功率": "1,200.5", "购买日期": "2026/3/1", "上门时间": "2026-03-01 09:30", "时段": 0.5,
           "地址": "深圳湾", "位置": "22.5，113.9", "负责人": owner.name, "系统列": "ignored"}
    cleaned = parse_excel_row(schema, row)
    assert cleaned["phone"] == "13800138000" and cleaned["color"] == "blue"
    assert cleaned["tags"] == ["red", "blue", "green"] and cleaned["region"] == ["gd", "gz"]
    assert cleaned["power"] == 1200.5 and cleaned["bought"] == "2026-03-01" and cleaned["slot"] == "12:00"
    assert cleaned["visit"] == "2026-03-01T01:30:00+00:00" and cleaned["owner"] == owner.pk
    assert cleaned["site"]["detail"] == "深圳湾" and cleaned["spot"] == {"lat": 22.5, "lng": 113.9, "address": ""}
    assert parse_excel_row(schema, {"型号": "X", "购买日期": 46082})["bought"] == "2026-03-01"  # an Excel serial
    assert parse_excel_row(schema, {"型号": "X", "购买日期": dt.datetime(2026, 3, 1)})["bought"] == "2026-03-01"


def test_excel_row_errors_name_every_bad_cell(tenant, other_company):
    schema = as_parsed(EXCEL_FIELDS)
    make_user(other_company[0], name="外部人员")
    with pytest.raises(ValidationFailed) as exc:
        parse_excel_row(schema, {"电话": "123", "颜色": "紫色", "购买日期": "someday", "负责人": "外部人员",
                                 "功率": "1.234"})
    details = {key: str(messages[0]) for key, messages in exc.value.details.items()}
    assert set(details) == {"model", "phone", "color", "bought", "owner", "power"}
    assert "not one of" in details["color"] and "was not found" in details["owner"]
    assert parse_excel_row(schema, {"颜色": "红色"}, partial=True) == {"color": "red"}
    assert export_cell(schema.get("power"), None) is None
    assert isinstance(export_cell(schema.get("bought"), "2026-03-01"), dt.date)
    assert [c.key for c in excel_columns(schema, for_import=True)][-1] == "owner"


# --- the GIN index operation -------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_gin_index_operation_only_acts_on_postgresql():
    operation = AddGinIndexIfPostgres("core_formschema", "retired_fields", "core_formschema_retired_gin")
    assert operation.deconstruct() == ("AddGinIndexIfPostgres", [], {
        "table": "core_formschema", "column": "retired_fields", "name": "core_formschema_retired_gin"})
    state = ProjectState()

    def index_exists():
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["core_formschema_retired_gin"])
            row = cursor.fetchone()
        return row is not None and "gin" in row[0] and "jsonb_path_ops" in row[0]

    with connection.schema_editor() as editor:
        operation.database_forwards("core", editor, state, state)
    assert index_exists() == (connection.vendor == "postgresql")
    with connection.schema_editor() as editor:
        operation.database_backwards("core", editor, state, state)
    assert not index_exists()
    with pytest.raises(ValueError):
        AddGinIndexIfPostgres("t", "c", "n", opclass="gin_trgm_ops; DROP TABLE x")


def test_address_picker_cascades_and_keeps_unmatched_stored_text(tenant):
    """The address kind draws 省 / 市 / 区县 as the region picker (codes, the chosen levels' children), and an
    address stored before the divisions were matched stays as it was until someone changes it."""
    schema = as_parsed([{"key": "site", "label": "现场地址", "kind": "address"}])
    stored = {"province": "上海市", "city": "上海市", "district": "浦东新区", "detail": "张江路1号",
              "province_code": "310000", "city_code": "310100", "district_code": "310115"}
    html = str(build_form(schema, {"site": stored})())
    for fragment in ('data-region-level="province"', 'data-region-level="city"', 'data-region-level="district"',
                     'data-address-block', 'value="310115" selected', ">黄浦区<", "form-select"):
        assert fragment in html, fragment
    old = {"province": "火星", "city": "", "district": "", "detail": "1号", "lat": None, "lng": None}
    assert "火星 (to fix)" in str(build_form(schema, {"site": old})())
    assert validate_values(schema, {"site": old}, previous={"site": old})["site"]["province"] == "火星"
    with pytest.raises(ValidationFailed):
        validate_values(schema, {"site": {**old, "province": "木星"}}, previous={"site": old})
