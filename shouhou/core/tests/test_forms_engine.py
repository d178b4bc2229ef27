"""The custom-field engine (architecture §7): every kind's acceptance and refusal, schema saving with its
refusals and retired fields, and the builders (form, API schema, list columns and filters, detail
display, Excel) — filters run on whichever database the suite runs on (SQLite and PostgreSQL)."""

import base64
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import QueryDict
from django.utils import translation

from shouhou.core import timeline
from shouhou.core.audit import SystemLog
from shouhou.core.errors import Conflict, PermissionDenied, QuotaExceeded, ValidationFailed
from shouhou.core.files import path_of
from shouhou.core.forms_engine import (
    as_parsed,
    build_form,
    display_values,
    filter_q,
    filterable_fields,
    filters_from_params,
    get_schema,
    kind_catalogue,
    list_columns,
    merge_values,
    parse_excel_row,
    preview_schema,
    register_target,
    save_schema,
    validate_values,
)
from shouhou.core.forms_engine.kinds import KINDS
from shouhou.core.forms_engine.kinds import references as reference_registry
from shouhou.core.forms_engine.models import FormSchema
from shouhou.core.forms_engine.services import TARGETS
from shouhou.core.models import OutboxEvent, Tenant
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import make_user

from .forms_engine_support import (
    COLORS,
    PERMISSION,
    REGIONS,
    check,
    one,
    png_bytes,
    refused,
    schema_of,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield

# --- kinds: acceptance --------------------------------------------------------------------------------

ACCEPTED = [
    (one("text"), "  hello  ", "hello"),
    (one("text"), 12345.0, "12345"),
    (one("text", rules={"pattern": r"[A-Z]{2}\d{3}"}), "AB123", "AB123"),
    (one("textarea"), "line one  \r\nline two", "line one\nline two"),
    (one("scan_code"), " SN-0001 ", "SN-0001"),
    (one("phone"), "138 0013 8000", "13800138000"),
    (one("phone"), "+86 13800138000", "13800138000"),
    (one("phone"), "0755-12345678", "075512345678"),
    (one("phone"), "400-123-4567", "4001234567"),
    (one("phone", rules={"phone_type": "mobile"}), "13800138000", "13800138000"),
    (one("email"), " Zhang@Example.COM ", "zhang@example.com"),
    (one("select", options=COLORS), "blue", "blue"),
    (one("multi_select", options=COLORS), ["red", "blue", "red"], ["red", "blue"]),
    (one("multi_select", options=COLORS), "green", ["green"]),
    (one("cascade", options=REGIONS), ["gd", "sz", "ns"], ["gd", "sz", "ns"]),
    (one("cascade", options=REGIONS), ["bj"], ["bj"]),
    (one("cascade", options=REGIONS), '["gd","gz"]', ["gd", "gz"]),
    (one("cascade", options=REGIONS, rules={"leaf_only": False}), ["gd"], ["gd"]),
    (one("number"), "42", 42),
    (one("number"), "1,234", 1234),
    (one("number", rules={"decimals": 2}), "3.10", 3.1),
    (one("number", rules={"min": 0, "max": 10}), 10, 10),
    (one("number", rules={"decimals": 1, "min": -5}), -4.5, -4.5),
    (one("date"), "2026-03-01", "2026-03-01"),
    (one("date"), dt.date(2026, 3, 1), "2026-03-01"),
    (one("datetime"), "2026-03-01T09:30:00+08:00", "2026-03-01T01:30:00+00:00"),
    (one("datetime"), "2026-03-01 09:30", "2026-03-01T01:30:00+00:00"),  # company time (Asia/Shanghai)
    (one("datetime"), dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.UTC), "2026-03-01T01:30:00+00:00"),
    (one("time"), "08:30", "08:30"),
    (one("time"), dt.time(8, 30, 15), "08:30:15"),
    (one("address"), {"province": "广东省", "city": "深圳市", "district": "南山区", "detail": "科技园1号",
                      "lat": "22.54", "lng": 113.95},
     {"province": "广东省", "city": "深圳市", "district": "南山区", "detail": "科技园1号", "lat": 22.54, "lng": 113.95,
      "province_code": "440000", "city_code": "440300", "district_code": "440305"}),
    # the region picker posts codes; names with variants (上海 / 上海市) match too
    (one("address"), {"province": "310000", "city": "310100", "district": "310115", "detail": "张江路1号"},
     {"province": "上海市", "city": "上海市", "district": "浦东新区", "detail": "张江路1号", "lat": None, "lng": None,
      "province_code": "310000", "city_code": "310100", "district_code": "310115"}),
    (one("address"), {"province": "上海", "city": "上海", "district": "浦东"},
     {"province": "上海市", "city": "上海市", "district": "浦东新区", "detail": "", "lat": None, "lng": None,
      "province_code": "310000", "city_code": "310100", "district_code": "310115"}),
    (one("address"), {"detail": "科技园1号"},
     {"province": "", "city": "", "district": "", "detail": "科技园1号", "lat": None, "lng": None}),
    (one("location"), {"lat": 22.5, "lng": 113.9, "address": "深圳湾"},
     {"lat": 22.5, "lng": 113.9, "address": "深圳湾"}),
    (one("attachment"), [{"name": "a.pdf", "url": "/media/t1/a.pdf", "size": 10, "content_type": "application/pdf"}],
     [{"name": "a.pdf", "url": "/media/t1/a.pdf", "size": 10, "content_type": "application/pdf"}]),
    (one("image", multiple=True),
     [{"name": "p.jpg", "url": "https://cdn.example.com/p.jpg", "size": 99, "content_type": "image/jpeg"}] * 2,
     [{"name": "p.jpg", "url": "https://cdn.example.com/p.jpg", "size": 99, "content_type": "image/jpeg"}] * 2),
    (one("signature"), {"name": "s.png", "url": "/media/s.png", "size": 5, "content_type": "image/png"},
     {"name": "s.png", "url": "/media/s.png", "size": 5, "content_type": "image/png"}),
]


@pytest.mark.parametrize(("definition", "value", "expected"), ACCEPTED,
                         ids=[f"{d['kind']}-{i}" for i, (d, _v, _e) in enumerate(ACCEPTED)])
def test_kind_accepts_and_normalizes(offline_company, definition, value, expected):
    assert check(definition, value) == expected


# --- kinds: refusal -----------------------------------------------------------------------------------

BIG = 30 * 1024 * 1024
REFUSED = [
    (one("text", rules={"max_length": 5}), "too long", "at most 5 characters"),
    (one("text", rules={"min_length": 3}), "ab", "at least 3 characters"),
    (one("text", rules={"pattern": r"\d+"}), "abc", "required format"),
    (one("text", rules={"pattern": r"\d+", "pattern_message": "Digits only."}), "abc", "Digits only."),
    (one("text"), {"a": 1}, "Enter text"),
    (one("phone"), "12345", "valid phone number"),
    (one("phone"), "1380013800", "valid phone number"),
    (one("phone", rules={"phone_type": "mobile"}), "0755-12345678", "mainland mobile"),
    (one("phone", rules={"phone_type": "landline"}), "13800138000", "landline"),
    (one("email"), "not-an-email", "valid e-mail"),
    (one("select", options=COLORS), "purple", "not one of the available choices"),
    (one("select", options=COLORS), "红色", "not one of the available choices"),  # labels are not values
    (one("multi_select", options=COLORS), ["red", "pink"], "“pink” is not one of"),
    (one("multi_select", options=COLORS, rules={"max_choices": 1}), ["red", "blue"], "at most 1"),
    (one("multi_select", options=COLORS, rules={"min_choices": 2}), ["red"], "at least 2"),
    (one("multi_select", options=COLORS), {"x": 1}, "list of choices"),
    (one("cascade", options=REGIONS), ["gd"], "last level"),
    (one("cascade", options=REGIONS), ["gd", "sz"], "last level"),
    (one("cascade", options=REGIONS), ["gd", "xx"], "gd / xx"),
    (one("cascade", options=REGIONS), ["sz"], "not one of"),
    (one("number"), "abc", "Enter a number"),
    (one("number"), True, "Enter a number"),
    (one("number"), "1.5", "whole number"),
    (one("number", rules={"decimals": 1}), "1.25", "at most 1 decimal places"),
    (one("number", rules={"min": 1}), 0, "at least 1"),
    (one("number", rules={"max": 9.5, "decimals": 1}), 9.6, "at most 9.5"),
    (one("number"), "1e20", "too large"),
    (one("number"), "NaN", "Enter a number"),
    (one("date"), "2026-02-30", "valid date"),
    (one("date"), "tomorrow", "valid date"),
    (one("date"), 20260301, "valid date"),
    (one("datetime"), "2026-03-01 25:00", "valid date and time"),
    (one("time"), "24:10", "valid time"),
    (one("address"), {"street": "x"}, "Unknown address parts"),
    (one("address"), {"province": "火星省", "detail": "x"}, "Unknown province"),
    (one("address"), {"province": "浙江省", "city": "深圳市"}, "is not a city of"),
    (one("address"), {"detail": "x", "lat": 22.5}, "both latitude and longitude"),
    (one("address"), {"detail": "x", "lat": 95, "lng": 100}, "between -90 and 90"),
    (one("address", rules={"need_detail": True}), {"province": "广东省"}, "detailed address"),
    (one("address", rules={"need_coordinates": True}), {"detail": "x"}, "coordinates"),
    (one("address"), "广东省深圳市", "as an object"),
    (one("location"), {"address": "somewhere"}, "latitude and longitude"),
    (one("location"), {"lat": 1, "lng": 200}, "between -180 and 180"),
    (one("attachment"), [{"name": "a.pdf", "url": "/m/a.pdf", "size": BIG, "content_type": "application/pdf"}],
     "too large"),
    (one("attachment"), [{"name": "x.html", "url": "/m/x.html", "size": 1, "content_type": "text/html"}],
     "not allowed"),
    (one("attachment", rules={"accept": [".pdf"]}),
     [{"name": "a.docx", "url": "/m/a.docx", "size": 1, "content_type": ""}], "allowed types: .pdf"),
    (one("attachment"), [{"name": "a.pdf", "url": "javascript:alert(1)", "size": 1, "content_type": ""}],
     "invalid address"),
    (one("attachment"), [{"name": "a.pdf", "url": "//evil.example/a.pdf", "size": 1, "content_type": ""}],
     "invalid address"),
    (one("attachment"), [{"name": "a.pdf", "url": "/m/a.pdf", "size": -1, "content_type": ""}], "invalid size"),
    (one("attachment"), [{"name": "a.pdf", "url": "/m/a.pdf", "size": 1, "owner": "x"}], "file reference"),
    (one("attachment"), [{"name": "a.pdf", "url": "/m/a.pdf", "size": 1}] * 2, "at most 1 files"),
    (one("attachment", multiple=True, rules={"max_count": 2}),
     [{"name": "a.pdf", "url": "/m/a.pdf", "size": 1}] * 3, "at most 2 files"),
    (one("image"), [{"name": "a.pdf", "url": "/m/a.pdf", "size": 1, "content_type": "application/pdf"}],
     "not a valid image"),
    (one("image", rules={"max_size_mb": 1}),
     [{"name": "a.png", "url": "/m/a.png", "size": 2 * 1024 * 1024, "content_type": "image/png"}], "too large"),
    (one("signature"), "data:text/html;base64,PGI+", "PNG or JPEG"),
    (one("signature"), "data:image/png;base64,!!!!", "PNG or JPEG"),
    (one("signature"), "data:image/png;base64," + base64.b64encode(b"not an image").decode(), "PNG or JPEG"),
    (one("signature"), {"name": "s.gif", "url": "/m/s.gif", "size": 1, "content_type": "image/gif"}, "PNG or JPEG"),
    (one("user"), "abc", "id of a record"),
    (one("user"), [1, 2], "only one"),
]


@pytest.mark.parametrize(("definition", "value", "fragment"), REFUSED,
                         ids=[f"{d['kind']}-{i}" for i, (d, _v, _f) in enumerate(REFUSED)])
def test_kind_refuses_with_a_clear_message(offline_company, definition, value, fragment):
    refused(definition, value, fragment)


def test_every_kind_of_the_design_is_registered_and_described():
    expected = {"separator", "description", "scan_code", "text", "textarea", "select", "multi_select", "cascade",
                "number", "phone", "email", "address", "attachment", "image", "date", "datetime", "time",
                "customer", "product", "user", "location", "signature"}
    assert set(KINDS) == expected
    catalogue = {entry["kind"]: entry for entry in kind_catalogue()}
    assert set(catalogue) == expected
    assert catalogue["cascade"]["options"] == "tree" and catalogue["select"]["options"] == "flat"
    assert catalogue["number"]["rules"]["decimals"]["max"] == 6
    assert catalogue["separator"]["has_value"] is False and catalogue["user"]["multiple"] is True


# --- required, unknown, partial, previous -------------------------------------------------------------

def test_required_fields_unknown_keys_and_partial_updates(tenant):
    schema = schema_of(one("text", "name", required=True), one("number", "age"), one("separator", "sep", label=""))
    with pytest.raises(ValidationFailed) as exc:
        validate_values(schema, {"age": 3, "nickname": "x"})
    assert [str(m) for m in exc.value.details["name"]] == ["This field is required."]
    assert [str(m) for m in exc.value.details["nickname"]] == ["Unknown field."]
    with pytest.raises(ValidationFailed) as exc:
        validate_values(schema, {"name": "   "})
    assert "name" in exc.value.details
    with pytest.raises(ValidationFailed) as exc:
        validate_values(schema, {"sep": "x", "name": "ok"})  # layout items hold no value
    assert "sep" in exc.value.details

    assert validate_values(schema, {"name": "张三", "age": ""}) == {"name": "张三"}  # empties are not stored
    partial = validate_values(schema, {"age": ""}, partial=True)
    assert partial == {"age": None}
    assert merge_values({"name": "张三", "age": 3}, partial) == {"name": "张三"}
    with pytest.raises(ValidationFailed):
        validate_values(schema, {"name": ""}, partial=True)  # a required value cannot be cleared


def test_error_prefix_for_api_details(tenant):
    with pytest.raises(ValidationFailed) as exc:
        validate_values(schema_of(one("email", "mail")), {"mail": "x"}, error_prefix="fields.")
    assert list(exc.value.details) == ["fields.mail"]
    assert exc.value.as_dict()["details"]["fields.mail"] == ["Enter a valid e-mail address."]


def test_unchanged_values_stand_after_their_option_or_record_is_gone(tenant, owner, other_company):
    definition = one("select", "color", options=COLORS[:1])
    assert validate_values(schema_of(definition), {"color": "blue"}, previous={"color": "blue"}) == {"color": "blue"}
    refused(definition, "blue", "not one of")
    multi = one("multi_select", "tags", options=COLORS[:1])
    assert check(multi, ["red", "blue"], previous={"tags": ["blue"]}) == ["red", "blue"]
    stranger = other_company[1]
    user_field = one("user", "who")
    assert check(user_field, stranger.pk, previous={"who": stranger.pk}) == stranger.pk
    refused(user_field, stranger.pk, "does not exist")


# --- references across tenants ------------------------------------------------------------------------

def test_user_reference_must_belong_to_the_active_company(tenant, owner, other_company):
    colleague = make_user(tenant)
    stranger = other_company[1]
    assert check(one("user"), str(colleague.pk)) == colleague.pk
    assert check(one("user", multiple=True), [owner.pk, colleague.pk, owner.pk]) == [owner.pk, colleague.pk]
    refused(one("user"), stranger.pk, "The selected colleague does not exist or you cannot choose them.")
    refused(one("user", multiple=True), [owner.pk, stranger.pk], "does not exist")
    refused(one("user"), 10**9, "does not exist")


def test_reference_kinds_are_pluggable(tenant, owner, monkeypatch):
    """customers/products register their kinds; until then a reference cannot be confirmed."""
    monkeypatch.delitem(reference_registry.SOURCES, "product", raising=False)
    refused(one("product"), 1, "The selected product does not exist or you cannot use it.")

    visible = {7: "上海客户", 8: "北京客户"}

    class FakeCustomer:
        def __init__(self, pk):
            self.pk, self.name = pk, visible[pk]

    class FakeQuerySet(list):
        def values_list(self, *_args, **_kwargs):
            return [c.pk for c in self]

    def resolve(ids):
        return FakeQuerySet(FakeCustomer(i) for i in ids if i in visible)

    def match(texts):
        return {t: [pk for pk, name in visible.items() if name == t] for t in texts}

    monkeypatch.setitem(reference_registry.SOURCES, "customer", reference_registry.ReferenceSource(
        "customer", resolve, lambda c: c.name, match, None, "/customers/pick/"))
    definition = one("customer", "client", label="客户")
    assert check(definition, 7) == 7
    refused(definition, 9, "The selected customer does not exist or you cannot use it.")
    items = display_values(schema_of(definition), {"client": 8})
    assert (items[0].label, items[0].text) == ("客户", "北京客户")
    assert parse_excel_row(schema_of(definition), {"客户": "上海客户"}) == {"client": 7}
    with pytest.raises(ValidationFailed) as exc:
        parse_excel_row(schema_of(definition), {"客户": "广州客户"})
    assert "was not found" in str(exc.value.details["client"][0])
    html = build_form(schema_of(definition), {"client": 7})().as_p()
    assert 'data-search-url="/customers/pick/"' in html and "上海客户" in html

    with pytest.raises(ValueError):
        reference_registry.register_reference_kind("invoice", resolve)


# --- files --------------------------------------------------------------------------------------------

def test_unusable_upload_names_get_a_safe_storage_name(tenant, media):
    ref = check(one("attachment"), [SimpleUploadedFile("???.pdf", b"%PDF-1.4", content_type="application/pdf")])[0]
    assert ref["name"] == "???.pdf" and path_of(ref["url"]).endswith(".pdf") and "?" not in path_of(ref["url"])
    assert len(list(media.rglob("*.pdf"))) == 1


def test_uploads_are_checked_then_stored_and_counted(tenant, media):
    schema = schema_of(one("image", "photos", multiple=True), one("text", "note", required=True))
    upload = SimpleUploadedFile("现场.png", png_bytes(), content_type="application/octet-stream")
    with pytest.raises(ValidationFailed):
        validate_values(schema, {"photos": [upload]})  # another field is invalid: nothing is stored
    assert not list(media.rglob("*.png"))
    tenant.refresh_from_db()
    assert tenant.storage_used_bytes == 0

    cleaned = validate_values(schema, {"photos": [upload], "note": "ok"})
    ref = cleaned["photos"][0]
    assert ref["name"] == "现场.png" and ref["content_type"] == "image/png"  # read from the bytes
    assert ref["url"].startswith("/files/") and ref["size"] == len(png_bytes())
    assert len(list(media.rglob("*.png"))) == 1
    tenant.refresh_from_db()
    assert tenant.storage_used_bytes == ref["size"]


def test_fake_images_and_blocked_uploads_are_refused(tenant, media):
    fake = SimpleUploadedFile("x.png", b"<html><script>alert(1)</script>", content_type="image/png")
    refused(one("image"), [fake], "not a valid image")
    page = SimpleUploadedFile("x.html", b"<html></html>", content_type="text/html")
    refused(one("attachment"), [page], "not allowed")
    assert not list(media.rglob("*"))


def test_storage_quota_is_enforced(tenant, media):
    Tenant.objects.filter(pk=tenant.pk).update(storage_limit_mb=1, storage_used_bytes=1024 * 1024 - 10)
    tenant.refresh_from_db()
    upload = SimpleUploadedFile("a.pdf", b"x" * 100, content_type="application/pdf")
    with pytest.raises(QuotaExceeded):
        validate_values(schema_of(one("attachment", "doc")), {"doc": [upload]})


def test_signature_data_url_is_stored_as_a_file(tenant, media):
    data_url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    ref = check(one("signature"), data_url)
    assert ref["content_type"] == "image/png" and ref["name"] == "signature.png"
    assert (media / path_of(ref["url"])).read_bytes() == png_bytes()
    refused(one("signature", rules={"max_size_mb": 0.1}),
            "data:image/png;base64," + base64.b64encode(png_bytes((800, 800), "BMP")[:200_000]).decode(),
            "too large")


def test_stored_files_stand_without_recheck(tenant):
    old = {"name": "big.pdf", "url": "/media/big.pdf", "size": BIG, "content_type": "application/pdf"}
    definition = one("attachment", "doc")
    assert check(definition, [old], previous={"doc": [old]}) == [old]
    refused(definition, [old], "too large")


# --- schemas: saving, refusals, retired fields ----------------------------------------------------------

def base_fields():
    return [one("text", "model", label="型号", required=True, searchable=True, show_in_list=True),
            one("select", "color", label="颜色", options=COLORS, searchable=True),
            one("number", "power", label="功率", rules={"min": 0, "unit": "W"})]


def test_get_schema_creates_once_per_company(tenant, other_company):
    schema = get_schema("engine_test")
    assert schema.pk and schema.fields == [] and schema.version == 0
    assert get_schema("engine_test").pk == schema.pk
    with tenant_context(other_company[0]):
        assert get_schema("engine_test").pk != schema.pk
    assert FormSchema.all_tenants.filter(target="engine_test").count() == 2
    with pytest.raises(ValueError):
        get_schema("bad target!")


def test_save_schema_records_version_timeline_log_and_event(tenant, owner):
    schema = save_schema(actor=owner, target="engine_test", fields=base_fields(), permission=PERMISSION)
    assert schema.version == 1 and [f["key"] for f in schema.fields] == ["model", "color", "power"]
    assert schema.fields[1]["options"] == COLORS and schema.updated_by == owner
    entry = timeline.entries_for(schema)[0]
    assert entry.verb == "form_schema.saved" and entry.actor == owner
    assert {c["field"] for c in entry.changes} == {"model", "color", "power"}
    assert SystemLog.objects.filter(kind=SystemLog.Kind.SETTINGS, user=owner).exists()
    assert OutboxEvent.objects.filter(name="form_schema.saved", payload__version=1).exists()

    fields = base_fields()
    fields[0]["label"] = "产品型号"
    fields.reverse()
    schema = save_schema(actor=owner, target="engine_test", fields=fields, permission=PERMISSION, expected_version=1)
    changes = timeline.entries_for(schema)[0].changes
    assert {c["field"] for c in changes} == {"model", "order"}
    assert "产品型号" in next(c["new"] for c in changes if c["field"] == "model")

    unchanged = save_schema(actor=owner, target="engine_test", fields=fields, permission=PERMISSION)
    assert unchanged.version == 2  # nothing changed: no new version, no entry
    with pytest.raises(Conflict):
        save_schema(actor=owner, target="engine_test", fields=fields, permission=PERMISSION, expected_version=1)


def test_save_schema_needs_the_permission(tenant):
    engineer = make_user(tenant, roles=("engineer",))
    with pytest.raises(PermissionDenied):
        save_schema(actor=engineer, target="engine_test", fields=base_fields(), permission=PERMISSION)
    assert get_schema("engine_test").version == 0


def test_new_fields_get_generated_keys_and_bare_option_labels(tenant, owner):
    schema = save_schema(actor=owner, target="engine_test", permission=PERMISSION, fields=[
        {"label": "等级", "kind": "select", "options": ["A级", "B级"]}])
    field = schema.fields[0]
    assert field["key"].startswith("f_") and field["options"] == [{"value": "A级", "label": "A级"},
                                                                   {"value": "B级", "label": "B级"}]


DEFINITION_REFUSALS = [
    ([one("text", "a"), one("number", "a", label="B")], "fields.1.key", "already uses the key"),
    ([one("text", "a", label="同名"), one("number", "b", label="同名")], "fields.1.label", "already has the title"),
    ([one("colour", "a")], "fields.0.kind", "Unknown field type"),
    ([one("select", "a")], "fields.0.options", "at least one option"),
    ([one("select", "a", options=["x", "x"])], "fields.0.options", "appears twice"),
    ([one("select", "a", options=[{"value": "x", "label": "X", "children": ["y"]}])], "fields.0.options",
     "Only cascade options"),
    ([one("cascade", "a", options=[{"label": "a/b"}])], "fields.0.options", "cannot contain “/”"),
    ([one("text", "a", options=["x"])], "fields.0.options", "has no options"),
    ([one("text", "A-1")], "fields.0.key", "lower-case letters"),
    ([one("text", "a", label="")], "fields.0.label", "Enter a title"),
    ([one("text", "a", label="x" * 51)], "fields.0.label", "at most 50"),
    ([one("text", "a", required="yes")], "fields.0.required", "true or false"),
    ([one("text", "a", colour="red")], "fields.0.colour", "Unknown property"),
    ([one("text", "a", multiple=True)], "fields.0.multiple", "several values"),
    ([one("signature", "a", searchable=True)], "fields.0.searchable", "cannot be searched"),
    ([one("separator", "a", required=True)], "fields.0.required", "hold no value"),
    ([one("description", "a")], "fields.0.help", "text to show"),
    ([one("number", "a", rules={"min": 5, "max": 1})], "fields.0.rules", "minimum is above"),
    ([one("number", "a", rules={"decimals": 9})], "fields.0.rules", "at most 6"),
    ([one("number", "a", rules={"decimals": "2"})], "fields.0.rules", "Enter a number"),
    ([one("text", "a", rules={"pattern": "(unclosed"})], "fields.0.rules", "not a valid regular expression"),
    ([one("text", "a", rules={"colour": 1})], "fields.0.rules", "Unknown rule"),
    ([one("phone", "a", rules={"phone_type": "fax"})], "fields.0.rules", "Choose one of"),
    ([one("attachment", "a", rules={"accept": [".html"]})], "fields.0.rules", "cannot be allowed"),
    ([one("multi_select", "a", options=["x,y"])], "fields.0.options", "commas"),
    ([one("text", "a", system=True)], "fields.0.system", "built-in fields"),
    ("not a list", "fields", "as a list"),
    (["text"], "fields.0", "must be an object"),
]


@pytest.mark.parametrize(("fields", "location", "fragment"), DEFINITION_REFUSALS,
                         ids=[loc + "-" + str(i) for i, (_f, loc, _m) in enumerate(DEFINITION_REFUSALS)])
def test_save_schema_refuses_bad_definitions(tenant, owner, fields, location, fragment):
    with pytest.raises(ValidationFailed) as exc:
        save_schema(actor=owner, target="engine_test", fields=fields, permission=PERMISSION)
    messages = [str(m) for m in exc.value.details.get(location, [])]
    assert any(fragment in m for m in messages), exc.value.details
    assert get_schema("engine_test").version == 0


def test_removed_fields_are_retired_and_their_values_stay_readable(tenant, owner):
    save_schema(actor=owner, target="engine_test", fields=base_fields(), permission=PERMISSION)
    values = {"model": "X1", "color": "red", "power": 5}
    fields = base_fields()
    fields[1]["options"] = COLORS[1:]  # "red" is dropped from the options
    schema = save_schema(actor=owner, target="engine_test", fields=[fields[0], fields[1]], permission=PERMISSION)
    assert [f["key"] for f in schema.retired_fields] == ["power"]
    assert schema.retired_fields[0]["retired_at"]
    assert schema.fields[1]["retired_options"] == [COLORS[0]]
    change = next(c for c in timeline.entries_for(schema)[0].changes if c["field"] == "power")
    assert change["new"] == "removed"

    items = display_values(schema, values)
    assert [(i.label, i.text, i.retired) for i in items] == [
        ("型号", "X1", False), ("颜色", "红色", False), ("功率 (removed)", "5 W", True)]
    with pytest.raises(ValidationFailed) as exc:
        validate_values(schema, values)
    assert set(exc.value.details) == {"power", "color"}  # a removed field takes no new values
    assert validate_values(schema, {"model": "X2", "color": "blue"}, previous=values) == {
        "model": "X2", "color": "blue", "power": 5}  # the removed field's value is kept

    schema = save_schema(actor=owner, target="engine_test", fields=base_fields(), permission=PERMISSION)
    assert schema.retired_fields == [] and schema.fields[1].get("retired_options") is None

    with pytest.raises(ValidationFailed) as exc:
        save_schema(actor=owner, target="engine_test", permission=PERMISSION,
                    fields=[base_fields()[0], one("date", "color", label="颜色")])
    assert "cannot be changed" in str(exc.value.details["fields.1.kind"][0])

    save_schema(actor=owner, target="engine_test", permission=PERMISSION, fields=base_fields()[:1])
    with pytest.raises(ValidationFailed) as exc:
        save_schema(actor=owner, target="engine_test", permission=PERMISSION,
                    fields=[base_fields()[0], one("date", "power", label="功率")])
    assert "removed field of another type" in str(exc.value.details["fields.1.kind"][0])


def test_preview_checks_unsaved_definitions_without_saving(tenant, owner):
    preview = preview_schema(target="engine_test", fields=[{"label": "等级", "kind": "select", "options": ["A级", "B级"]}])
    key = preview.fields[0].key
    form = build_form(preview)({key: "B级"})
    assert form.is_valid() and form.custom_values == {key: "B级"}
    with pytest.raises(ValidationFailed) as exc:
        preview_schema(target="engine_test", fields=[one("select", "a")])
    assert "fields.0.options" in exc.value.details
    assert get_schema("engine_test").version == 0 and get_schema("engine_test").fields == []


def test_compatible_kind_change_is_allowed(tenant, owner):
    save_schema(actor=owner, target="engine_test", fields=[one("text", "note")], permission=PERMISSION)
    schema = save_schema(actor=owner, target="engine_test", fields=[one("textarea", "note")], permission=PERMISSION)
    assert schema.fields[0]["kind"] == "textarea"


def test_system_fields_are_locked_and_skipped_by_the_engine(tenant, owner, monkeypatch):
    monkeypatch.setitem(TARGETS, "gadget", None)
    register_target("gadget", label="Gadget", system_fields=[
        {"key": "name", "label": "Name", "kind": "text", "required": True, "show_in_list": True}])
    schema = get_schema("gadget:3")
    assert schema.fields[0]["system"] is True and schema.fields[0]["key"] == "name"

    saved = save_schema(actor=owner, target="gadget:3", permission=PERMISSION, fields=[
        one("text", "extra", label="Extra"), {"key": "name", "kind": "number", "label": "Hacked", "system": True}])
    assert [f["key"] for f in saved.fields] == ["extra", "name"]
    assert saved.fields[1]["kind"] == "text" and saved.fields[1]["label"] == "Name"  # locked: only moved

    assert validate_values(saved, {"extra": "x"}) == {"extra": "x"}  # "name" is a column, not a value
    assert [c.field_key for c in list_columns(saved)] == ["extra"]
    assert "name" not in build_form(saved)().fields
    with pytest.raises(ValidationFailed) as exc:
        save_schema(actor=owner, target="gadget:3", permission=PERMISSION, fields=[one("text", "extra")])
    assert "cannot be removed" in str(exc.value.details["fields"][0])
    with pytest.raises(ValidationFailed) as exc:
        save_schema(actor=owner, target="gadget:3", permission=PERMISSION,
                    fields=[one("text", "name", label="Mine"), {"key": "name", "system": True}])
    assert "fields.0.key" in exc.value.details


# --- filters (SQLite and PostgreSQL) ------------------------------------------------------------------------

FILTER_FIELDS = [
    one("text", "model", label="型号"),
    one("select", "color", label="颜色", options=COLORS),
    one("multi_select", "tags", label="标签", options=[{"value": "安装", "label": "安装"},
                                                       {"value": "维修", "label": "维修"},
                                                       {"value": "保养", "label": "保养"}]),
    one("cascade", "region", label="地区", options=REGIONS, rules={"leaf_only": False}),
    one("number", "power", label="功率", rules={"decimals": 1}),
    one("date", "bought", label="购买日期"),
    one("datetime", "visit", label="上门时间"),
    one("user", "engineers", label="工程师", multiple=True),
    one("user", "owner", label="负责人"),
    one("address", "site", label="地址"),
    one("phone", "tel", label="电话"),
    one("image", "pics", label="图片"),
]


@pytest.fixture
def records(tenant, owner):
    """Rows whose JSON column holds custom values (Tenant.settings is a JSON dict column)."""
    colleague = make_user(tenant)
    values = {
        "a": {"model": "空调KFR-35", "color": "red", "tags": ["安装", "维修"], "region": ["gd", "sz", "ns"],
              "power": 1.5, "bought": "2026-01-10", "visit": "2026-03-01T01:30:00+00:00",
              "engineers": [owner.pk, colleague.pk], "owner": owner.pk,
              "site": {"province": "广东省", "city": "深圳市", "district": "南山区", "detail": "科技园", "lat": None,
                       "lng": None},
              "tel": "13800138000", "pics": [{"name": "p.png", "url": "/m/p.png", "size": 1, "content_type": ""}]},
        "b": {"model": "冰箱BCD-100", "color": "blue", "tags": ["保养"], "region": ["gd", "gz"], "power": 12,
              "bought": "2026-02-20", "visit": "2026-03-01T17:00:00+00:00", "engineers": [colleague.pk],
              "owner": colleague.pk},
        "c": {"model": "空调KFR-50", "tags": ["维修"], "region": ["bj"], "power": 120.5, "bought": "2025-12-31"},
    }
    made = {}
    for name, fields in values.items():
        made[name] = Tenant.objects.create(name=name, short_name=name, slug=f"cf-filter-{name}", settings=fields)
    made["owner"], made["colleague"] = owner, colleague
    return made


def matching(records, filters):
    ids = {records[n].pk: n for n in "abc"}
    q = filter_q(as_parsed(FILTER_FIELDS), filters, column="settings")
    return sorted(ids[pk] for pk in Tenant.objects.filter(q, pk__in=ids).values_list("pk", flat=True))


def test_filters_on_every_filterable_kind(records):
    owner, colleague = records["owner"], records["colleague"]
    cases = [
        ({"model": "kfr"}, ["a", "c"]),
        ({"model": "空调"}, ["a", "c"]),
        ({"model__exact": "冰箱BCD-100"}, ["b"]),
        ({"color": "red"}, ["a"]),
        ({"color__in": ["red", "blue"]}, ["a", "b"]),
        ({"color__isnull": "true"}, ["c"]),
        ({"color__isnull": "false"}, ["a", "b"]),
        ({"tags": "维修"}, ["a", "c"]),
        ({"tags__in": ["安装", "保养"]}, ["a", "b"]),
        ({"tags__all": ["安装", "维修"]}, ["a"]),
        ({"region": "gd"}, ["a", "b"]),
        ({"region": ["gd", "sz"]}, ["a"]),
        ({"region": '["gd","gz"]'}, ["b"]),
        ({"power": "12"}, ["b"]),
        ({"power__gte": "1.5"}, ["a", "b", "c"]),
        ({"power__gte": "10", "power__lte": "100"}, ["b"]),
        ({"power__lte": 2}, ["a"]),
        ({"bought__gte": "2026-01-01"}, ["a", "b"]),
        ({"bought__lte": "2026-01-10"}, ["a", "c"]),
        ({"bought": "2025-12-31"}, ["c"]),
        ({"visit": "2026-03-01"}, ["a"]),  # 09:30 on 1 March in Shanghai; b is 01:00 on 2 March there
        ({"visit__gte": "2026-03-02"}, ["b"]),
        ({"visit__lte": "2026-03-01"}, ["a"]),
        ({"engineers": str(owner.pk)}, ["a"]),
        ({"engineers__in": [owner.pk, colleague.pk]}, ["a", "b"]),
        ({"owner": colleague.pk}, ["b"]),
        ({"owner__in": [owner.pk, colleague.pk]}, ["a", "b"]),
        ({"site": "南山"}, ["a"]),
        ({"tel": "138-0013"}, ["a"]),
        ({"pics__isnull": "false"}, ["a"]),
        ({"pics__isnull": True}, ["b", "c"]),
        ({"model": "空调", "power__gte": 100}, ["c"]),
    ]
    for filters, expected in cases:
        assert matching(records, filters) == expected, (connection.vendor, filters)


def test_filter_refusals(records):
    for filters, key in [({"nope": "1"}, "nope"), ({"color": "purple"}, "color"), ({"power__gte": "abc"}, "power__gte"),
                         ({"bought__gte": "yesterday"}, "bought__gte"), ({"model__gte": "a"}, "model__gte"),
                         ({"color__isnull": "maybe"}, "color__isnull"), ({"region": ["xx"]}, "region"),
                         ({"tags__in": []}, "tags__in")]:
        with pytest.raises(ValidationFailed) as exc:
            matching(records, filters)
        assert key in exc.value.details, filters


def test_filters_from_query_parameters(records):
    params = QueryDict("cf_color=red&cf_color=blue&cf_power__gte=1&q=ignored&cf_unknown=1&cf_model=")
    filters = filters_from_params(as_parsed(FILTER_FIELDS), params)
    assert filters == {"color": ["red", "blue"], "power__gte": "1"}
    assert matching(records, {"color__in": filters["color"], "power__gte": filters["power__gte"]}) == ["a", "b"]
    schema = as_parsed([one("text", "x", searchable=True), one("signature", "s"), one("text", "y")])
    assert [f.key for f in filterable_fields(schema)] == ["x"]


def test_sorting_by_a_custom_number(records):
    column = next(c for c in list_columns(as_parsed(FILTER_FIELDS)) if c.field_key == "power")
    ids = [records[n].pk for n in "abc"]
    ordered = Tenant.objects.filter(pk__in=ids).order_by(column.sort_expression("settings", descending=True))
    assert [t.name for t in ordered] == ["c", "b", "a"]
    multi = next(c for c in list_columns(as_parsed(FILTER_FIELDS)) if c.field_key == "tags")
    assert multi.sort_expression("settings") is None
