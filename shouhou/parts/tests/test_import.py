"""Part import (PART-02) through the generic importer: a good file, and bad rows refusing the whole file."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhou.core.excel import write_xlsx
from shouhou.core.importer import commit_import, start_import
from shouhou.core.jobs import DataJob
from shouhou.parts.importers import PartImporter
from shouhou.parts.models import Part

pytestmark = pytest.mark.django_db

HEADERS = ["备件编号", "备件名称", "备件类别", "规格", "单位", "销售价", "出库价", "序列号管理"]


def upload(rows):
    buffer = io.BytesIO()
    write_xlsx(buffer, HEADERS, rows)
    return SimpleUploadedFile("parts.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_good_file_imports_and_bad_rows_refuse_all(f, owner):
    f.parts.category(name="电路板")
    f.parts.part(number="BJ-OLD")
    job = start_import(actor=owner, importer_class=PartImporter, upload=upload([
        ["BJ-1", "主控板", "电路板", "KFR-35", "块", "180", "120.5", "是"],
        ["BJ-2", "电源线", "", "", "米", "", "", ""],
    ]))
    job.refresh_from_db()
    assert job.status == DataJob.Status.READY, job.errors
    commit_import(actor=owner, job=job)
    first = Part.objects.get(number="BJ-1")
    assert first.category.name == "电路板" and first.serial_tracked and str(first.cost_price) == "120.50"
    bad = start_import(actor=owner, importer_class=PartImporter, upload=upload([
        ["BJ-3", "好行", "", "", "", "", "", ""],
        ["BJ-OLD", "重复编号", "", "", "", "", "", ""],
        ["BJ-4", "", "无此类别", "", "", "-1", "", ""],
    ]))
    bad.refresh_from_db()
    assert bad.status != DataJob.Status.READY
    assert not Part.objects.filter(number="BJ-3").exists()
