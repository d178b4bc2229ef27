"""Custom fields on parts (issue 11): the part form of the form designer, the console form, the list's
columns, filters, sorting and export, the API's `fields` (400 naming the key) and cf_ filters, and the
importer's columns."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from shouhou.core.errors import ValidationFailed
from shouhou.core.excel import write_xlsx
from shouhou.core.forms_engine import get_schema, save_schema
from shouhou.core.importer import commit_import, start_import
from shouhou.core.jobs import DataJob
from shouhou.core.testing import api_client_for, client_for
from shouhou.parts import services
from shouhou.parts.importers import PartImporter
from shouhou.parts.models import Part

pytestmark = pytest.mark.django_db

BRANDS = [{"value": "gree", "label": "格力"}, {"value": "midea", "label": "美的"}]


@pytest.fixture
def schema(tenant, owner):
    """品牌 (required select, searchable, in the list), 重量 (number, searchable), 备注 (text)."""
    built_in = [{"key": field["key"], "system": True} for field in get_schema("part").fields if field.get("system")]
    return save_schema(actor=owner, target="part", permission="part.edit", fields=[
        *built_in,
        {"key": "brand", "label": "品牌", "kind": "select", "options": BRANDS, "required": True,
         "searchable": True, "show_in_list": True},
        {"key": "weight", "label": "重量", "kind": "number", "searchable": True},
        {"key": "memo", "label": "备注", "kind": "text"},
    ])


def api_post(client, address, data, method="post"):
    return getattr(client, method)(f"/api/v1{address}", data=json.dumps(data), content_type="application/json")


def test_the_part_form_is_designable_by_who_may_edit_parts(owner, f):
    assert "number" in [field["key"] for field in get_schema("part").fields if field.get("system")]
    designer = reverse("core:form_designer", args=["part"])
    assert client_for(owner).get(designer).status_code == 200
    assert designer in client_for(owner).get(reverse("parts:list")).content.decode()
    engineer = f.accounts.user(name="工程师乙", roles=("engineer",))
    assert client_for(engineer).get(designer).status_code == 403
    assert designer not in client_for(engineer).get(reverse("parts:list")).content.decode()


def test_services_check_merge_and_record_custom_values(owner, schema):
    with pytest.raises(ValidationFailed) as caught:
        services.create_part(actor=owner, number="BJ-1", name="主板", fields={"brand": "haier", "weight": "x"})
    assert {"fields.brand", "fields.weight"} <= set(caught.value.details)
    with pytest.raises(ValidationFailed) as caught:
        services.create_part(actor=owner, number="BJ-1", name="主板", fields={})
    assert "fields.brand" in caught.value.details and not Part.objects.exists()
    part = services.create_part(actor=owner, number="BJ-1", name="主板", fields={"brand": "gree", "weight": 2})
    services.update_part(actor=owner, part=part, fields={"weight": None, "memo": "易损"})
    part.refresh_from_db()
    assert part.fields == {"brand": "gree", "memo": "易损"}
    from shouhou.core.timeline import entries_for

    changed = [change["label"] for entry in entries_for(part, 10) for change in (entry.changes or [])]
    assert "备注" in changed and "重量" in changed
    with pytest.raises(ValidationFailed) as caught:
        services.update_part(actor=owner, part=part, fields={"brand": None})
    assert "fields.brand" in caught.value.details


def test_console_form_list_filter_sort_detail_and_export(owner, f, schema):
    client = client_for(owner)
    data = {"number": "BJ-F", "name": "压缩机", "sale_price": "10", "cost_price": "5", "enabled": "on"}
    refused = client.post(reverse("parts:part_create"), {**data, "cf_brand": "haier"})
    assert refused.status_code == 400 and not Part.objects.exists()
    assert "cf_brand" in refused.content.decode()
    answer = client.post(reverse("parts:part_create"), {**data, "cf_brand": "gree", "cf_weight": "3"})
    assert answer.status_code == 302
    part = Part.objects.get(number="BJ-F")
    assert part.fields == {"brand": "gree", "weight": 3}
    form = client.get(reverse("parts:part_edit", args=[part.pk])).content.decode()
    assert 'name="cf_brand"' in form and "品牌" in form
    client.post(reverse("parts:part_edit", args=[part.pk]), {**data, "cf_brand": "midea"})
    part.refresh_from_db()
    assert part.fields == {"brand": "midea"}  # the form sends the whole set: the emptied weight is gone
    assert "美的" in client.get(reverse("parts:part_detail", args=[part.pk])).content.decode()
    services.create_part(actor=owner, number="BJ-G", name="电机", fields={"brand": "gree"})
    listing = client.get(reverse("parts:list")).content.decode()
    assert "品牌" in listing and "格力" in listing
    filtered = client.get(reverse("parts:list") + "?f_cf_brand=gree").content.decode()
    assert "电机" in filtered and "压缩机" not in filtered
    ordered = client.get(reverse("parts:list") + "?sort=cf_brand").content.decode()
    assert ordered.index("电机") < ordered.index("压缩机")  # gree before midea
    response = client.get(reverse("parts:list") + "?f_cf_brand=midea&export=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
                .worksheets[0].iter_rows(values_only=True))
    assert "品牌" in rows[0] and len(rows) == 2 and "压缩机" in rows[1] and "美的" in rows[1]


def test_api_fields_errors_and_filters(owner, schema):
    api = api_client_for(owner)
    bad = api_post(api, "/parts", {"number": "BJ-A", "name": "A", "fields": {"brand": "haier"}})
    assert bad.status_code == 400 and "fields.brand" in bad.json()["details"]
    created = api_post(api, "/parts", {"number": "BJ-A", "name": "A", "fields": {"brand": "gree", "weight": 1}})
    assert created.status_code == 201 and created.json()["fields"] == {"brand": "gree", "weight": 1}
    part_id = created.json()["id"]
    changed = api_post(api, f"/parts/{part_id}", {"fields": {"weight": None, "memo": "M"}}, method="patch")
    assert changed.status_code == 200 and changed.json()["fields"] == {"brand": "gree", "memo": "M"}
    bad = api_post(api, f"/parts/{part_id}", {"fields": {"weight": "heavy"}}, method="patch")
    assert bad.status_code == 400 and "fields.weight" in bad.json()["details"]
    api_post(api, "/parts", {"number": "BJ-B", "name": "B", "fields": {"brand": "midea", "weight": 5}})
    assert [p["number"] for p in api.get("/api/v1/parts?cf_brand=midea").json()["results"]] == ["BJ-B"]
    assert [p["number"] for p in api.get("/api/v1/parts?cf_weight__gte=3").json()["results"]] == ["BJ-B"]
    assert api.get("/api/v1/parts?cf_brand__gte=x").status_code == 400


def test_import_carries_custom_columns_and_refuses_bad_cells(owner, schema):
    def upload(headers, rows):
        buffer = io.BytesIO()
        write_xlsx(buffer, headers, rows)
        return SimpleUploadedFile("parts.xlsx", buffer.getvalue(),
                                  content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    headers = ["备件编号", "备件名称", "品牌", "重量"]
    bad = start_import(actor=owner, importer_class=PartImporter,
                       upload=upload(headers, [["BJ-1", "好行", "格力", "1"], ["BJ-2", "坏行", "海尔", ""]]))
    bad.refresh_from_db()
    assert bad.status != DataJob.Status.READY and not Part.objects.exists()
    job = start_import(actor=owner, importer_class=PartImporter,
                       upload=upload(headers, [["BJ-1", "主板", "格力", "2"], ["BJ-2", "电机", "美的", ""]]))
    job.refresh_from_db()
    assert job.status == DataJob.Status.READY, job.errors
    commit_import(actor=owner, job=job)
    assert Part.objects.get(number="BJ-1").fields == {"brand": "gree", "weight": 2}
    assert Part.objects.get(number="BJ-2").fields == {"brand": "midea"}
