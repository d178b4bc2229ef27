"""Product import (PRD-06) through the generic importer: the template, a good file, and a file with bad
rows among good ones (nothing imported, every bad row listed)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from shouhou.core.audit import SystemLog
from shouhou.core.errors import Conflict
from shouhou.core.excel import write_xlsx
from shouhou.core.importer import commit_import, start_import
from shouhou.core.jobs import DataJob
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import client_for, make_user
from shouhou.products import services
from shouhou.products.importers import ProductImporter
from shouhou.products.models import Product

from .conftest import make_customer, make_product


@pytest.fixture(autouse=True)
def _chinese_default(settings):
    """These tests check what a Chinese user sees: the product's default language."""
    settings.LANGUAGE_CODE = "zh-hans"



def zh(message):
    with translation.override("zh-hans"):
        return translation.gettext(message)


HEADERS = ["产品名称", "产品编号", "序列号", "产品类型", "客户", "模板", "安装日期", "保修截止", "颜色", "功率"]


def upload(rows, headers=HEADERS):
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows)
    return SimpleUploadedFile("products.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def setup(tenant, owner, custom_fields):
    services.create_product_type(actor=owner, name="空调")
    services.create_template(actor=owner, name="模板空调", number="MB", warranty_months=12,
                             fields={"color": "grey"})
    return make_customer(owner, name="导入客户")


def test_a_good_file_imports_every_row(setup, owner):
    customer = setup
    job = start_import(actor=owner, importer_class=ProductImporter, upload=upload([
        ["空调一号", "IMP-1", "SN1", "空调", customer.number, "", "2025-01-01", "2028-01-01", "白色", 5],
        ["空调二号", "IMP-2", "", "", "导入客户", "", "", "", "灰色", ""],
        ["", "", "SN3", "", "", "MB", "2025-03-01", "", "", ""],
    ]))
    job.refresh_from_db()
    assert job.status == DataJob.Status.READY, job.errors
    commit_import(actor=owner, job=job)
    job.refresh_from_db()
    assert job.status == DataJob.Status.DONE and job.result["created"] == 3
    one = Product.objects.get(number="IMP-1")
    assert one.customer == customer and one.product_type.name == "空调" and one.fields == {"color": "white", "power": 5}
    assert str(one.warranty_end) == "2028-01-01"
    templated = Product.objects.get(serial_number="SN3")
    assert (templated.name, templated.number, str(templated.warranty_end)) == ("模板空调", "MB-0001", "2026-03-01")
    assert templated.fields == {"color": "grey"}
    assert SystemLog.objects.filter(kind=SystemLog.Kind.IMPORT_EXPORT, detail__key="products.products").exists()


def test_bad_rows_among_good_ones_import_nothing(setup, owner, other_company):
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        make_customer(other_owner, name="别家客户")
    make_product(owner, number="EXIST", fields={"color": "white"})
    job = start_import(actor=owner, importer_class=ProductImporter, upload=upload([
        ["好行", "OK-1", "", "", "", "", "", "", "白色", ""],
        ["缺编号", "", "", "", "", "", "", "", "白色", ""],
        ["坏类型", "OK-2", "", "不存在的类型", "", "", "", "", "白色", ""],
        ["坏颜色", "OK-3", "", "", "", "", "", "", "紫色", ""],
        ["别家客户", "OK-4", "", "", "别家客户", "", "", "", "白色", ""],
        ["重复", "OK-1", "", "", "", "", "", "", "白色", ""],
        ["已存在", "EXIST", "", "", "", "", "", "", "白色", ""],
        ["坏日期", "OK-5", "", "", "", "", "明天", "", "白色", ""],
    ]))
    job.refresh_from_db()
    assert job.status == DataJob.Status.INVALID
    bad_rows = {error["row"] for error in job.errors}
    assert bad_rows == {3, 4, 5, 6, 7, 8, 9}, job.errors
    assert Product.objects.count() == 1
    with pytest.raises(Conflict):
        commit_import(actor=owner, job=job)
    assert Product.objects.count() == 1


def test_rows_failing_at_commit_roll_everything_back(setup, owner):
    job = start_import(actor=owner, importer_class=ProductImporter, upload=upload([
        ["甲", "RACE-1", "", "", "", "", "", "", "白色", ""],
        ["乙", "RACE-2", "", "", "", "", "", "", "白色", ""],
    ]))
    job.refresh_from_db()
    assert job.status == DataJob.Status.READY
    make_product(owner, number="RACE-2", fields={"color": "white"})  # taken between check and commit
    commit_import(actor=owner, job=job)
    job.refresh_from_db()
    assert job.status == DataJob.Status.INVALID
    assert not Product.objects.filter(number="RACE-1").exists()


def test_import_pages_and_template(setup, owner):
    admin = client_for(owner)
    template = admin.get(reverse("products:import_template"))
    sheet = load_workbook(io.BytesIO(b"".join(template.streaming_content)), read_only=True).worksheets[0]
    headers = next(sheet.iter_rows(values_only=True))
    assert headers[:2] == (zh("Product name") + "*", zh("Product number")) and "颜色" in headers and "功率" in headers
    response = admin.post(reverse("products:import"), {"file": upload([["页面导入", "PG-1", "", "", "", "", "", "",
                                                                        "白色", ""]])})
    assert response.status_code == 302
    job = DataJob.objects.get(key="products.products")
    admin.post(reverse("products:import_commit", args=[job.pk]))
    assert Product.objects.filter(number="PG-1").exists()
    engineer = client_for(make_user(setup.tenant, roles=("engineer",)))
    assert engineer.get(reverse("products:import")).status_code == 403
