"""Excel import (CUS-06): the template's columns, a good file with geocoding, a file with bad rows
(nothing imported, every bad row listed with its reason), a commit refused when the data changed —
and exports of the list's current view, inline and as a background job, logged."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from shouhou.core.audit import SystemLog
from shouhou.core.company_settings import update_settings
from shouhou.core.excel import write_xlsx
from shouhou.core.jobs import DataJob
from shouhou.core.models import ListPreference
from shouhou.core.testing import client_for, make_team, make_user
from shouhou.customers import importers, services
from shouhou.customers.models import Customer

from .conftest import make_customer

HEADERS = ["客户名称*", "客户编号", "状态", "联系人", "电话", "省", "市", "区", "详细地址", "纬度", "经度",
           "服务团队", "客户负责人", "标签", "客户等级*", "合同金额", "上级客户"]


@pytest.fixture(autouse=True)
def _chinese_default(settings):
    """These tests read files as a Chinese user makes them: the product's default language."""
    settings.LANGUAGE_CODE = "zh-hans"


def zh(message, **values):
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % values if values else text


def xlsx_upload(headers, rows, name="customers.xlsx"):
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def row(name, **cells):
    """One data row; cells are named by their header without the required mark."""
    keys = [header.rstrip("*") for header in HEADERS]
    values = dict(zip(keys, [name, "", "", "张三", "13800138000", "上海市", "上海市", "浦东新区", "张江路 1 号",
                             "", "", "", "", "", "A 级", "", ""], strict=True))
    assert set(cells) <= set(keys), cells
    values.update(cells)
    return [values[key] for key in keys]


def run_import(client, rows):
    response = client.post(reverse("customers:import"), {"file": xlsx_upload(HEADERS, rows)})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = DataJob.all_tenants.filter(kind=DataJob.Kind.IMPORT).latest("pk")
    job.refresh_from_db()
    return job


@pytest.fixture
def admin(owner):
    return client_for(owner)


def test_template_has_system_and_custom_columns(tenant, admin, custom_fields):
    response = admin.get(reverse("customers:import_template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    headers = [cell.value for cell in next(workbook.worksheets[0].iter_rows())]
    assert headers[0] == f"{zh('Customer name')}*"
    assert {zh("Phone"), zh("Detailed address"), zh("Service team"), zh("Customer owners")} <= set(headers)
    assert headers[-3:] == ["客户等级*", "合同金额", "上级客户"]


def test_a_good_file_imports_every_row_with_coordinates(tenant, owner, admin, custom_fields):
    team = make_team(tenant, name="上海组")
    make_user(tenant, name="李四", phone="13911110000")
    parent = make_customer(owner, name="集团总部", fields={"level": "a"})
    job = run_import(admin, [
        row("甲公司", 纬度=31.1, 经度=121.1, 合同金额=12000),
        row("乙公司", 服务团队="上海组", 客户负责人="李四、13911110000", 标签="VIP、新客户", 客户等级="B 级",
            上级客户="集团总部", 状态=zh("Potential")),
        row("丙公司", 客户编号="OLD-001", 联系人="", 电话="021-12345678", 省="", 市="杭州", 区="", 详细地址=""),
    ])
    assert job.status == DataJob.Status.READY and job.errors == [] and job.total == 3, job.errors
    admin.post(reverse("customers:import_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == DataJob.Status.DONE and job.result["created"] == 3
    first, second, third = (Customer.objects.get(name=n) for n in ("甲公司", "乙公司", "丙公司"))
    assert str(first.latitude) == "31.100000" and first.fields == {"level": "a", "amount": 12000}
    assert second.service_team == team and [u.name for u in second.owners.all()] == ["李四"]
    assert second.tags == ["VIP", "新客户"] and second.fields == {"level": "b", "parent": parent.pk}
    assert second.status == "potential" and second.latitude is not None, "located from 上海"
    assert third.number == "OLD-001" and third.contact_name == "丙公司" and third.contact_phone == "02112345678"
    assert str(third.latitude) == "30.274085", "located from 杭州"
    assert SystemLog.objects.filter(kind=SystemLog.Kind.IMPORT_EXPORT, detail__job=job.pk).exists()


def test_bad_rows_import_nothing_and_are_all_listed(tenant, owner, admin, custom_fields):
    make_customer(owner, name="老客户", fields={"level": "a"})
    count = Customer.objects.count()
    job = run_import(admin, [
        row("好公司一"),                                      # 2: good
        row("坏电话", 电话="12345"),                           # 3
        row("缺等级", 客户等级=""),                             # 4: required custom field
        row("怪等级", 客户等级="Z 级"),                          # 5: not an option
        row("老客户"),                                        # 6: name taken
        row("好公司一"),                                      # 7: repeats row 2
        row("无坐标", 省="", 市="", 区="", 详细地址="火星基地"),     # 8: cannot be located
        row("怪团队", 服务团队="没有的团队"),                      # 9
        row("外人", 上级客户="别家客户"),                        # 10: reference not found
        row("好公司二"),                                      # 11: good
    ])
    assert job.status == DataJob.Status.INVALID
    reasons = {error["row"]: " ".join(error["messages"]) for error in job.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10], reasons
    assert reasons[3].startswith(zh('Phone'))
    assert reasons[4].startswith("客户等级") and zh("This field is required.") in reasons[4]
    assert reasons[5].startswith("客户等级")
    assert zh("A customer named “%(value)s” already exists.", value="老客户") in reasons[6]
    assert "2" in reasons[7]
    assert reasons[8].startswith(zh('Detailed address'))
    assert zh("Unknown team: %(name)s", name="没有的团队") in reasons[9]
    assert reasons[10].startswith("上级客户")
    assert Customer.objects.count() == count
    page = admin.get(reverse("customers:import_job", args=[job.pk])).content.decode()
    assert "火星基地" in page and reverse("customers:import_commit", args=[job.pk]) not in page


def test_unlocatable_addresses_may_be_allowed(tenant, owner, admin, custom_fields):
    update_settings(actor=owner, values={"customer.allow_geocode_failure_on_import": True},
                    permission="customer.settings")
    job = run_import(admin, [row("火星公司", 省="", 市="", 区="", 详细地址="火星基地")])
    assert job.status == DataJob.Status.READY
    admin.post(reverse("customers:import_commit", args=[job.pk]))
    imported = Customer.objects.get(name="火星公司")
    assert imported.address_detail == "火星基地" and imported.latitude is None


def test_a_commit_after_the_data_changed_imports_nothing(tenant, owner, admin, custom_fields):
    job = run_import(admin, [row("先到公司"), row("后到公司")])
    assert job.status == DataJob.Status.READY
    make_customer(owner, name="后到公司", fields={"level": "a"})  # someone was quicker
    admin.post(reverse("customers:import_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == DataJob.Status.INVALID and [e["row"] for e in job.errors] == [3]
    assert not Customer.objects.filter(name="先到公司").exists()


def test_import_needs_the_permission(tenant, admin):
    engineer = client_for(make_user(tenant, roles=("engineer",)))
    assert engineer.get(reverse("customers:import")).status_code == 403
    assert engineer.post(reverse("customers:import"), {"file": xlsx_upload(HEADERS, [row("x")])}).status_code == 403
    assert not DataJob.objects.exists()


# --- export -------------------------------------------------------------------------------------------

def export_sheet(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_export_writes_the_chosen_columns_of_the_current_view(tenant, owner, admin, custom_fields):
    make_customer(owner, name="导出甲", fields={"level": "a", "amount": 5}, tags=["VIP"])
    make_customer(owner, name="导出乙", fields={"level": "b"}, status="inactive")
    ListPreference.objects.create(user=owner, list_key="customers",
                                  columns=["name", "number", "status", "tags", "cf_level", "cf_amount"])
    response = admin.get(reverse("customers:list") + "?tab=active&export=xlsx")
    assert response.status_code == 200
    headers, rows = export_sheet(response)
    assert list(headers) == [zh("Customer name"), zh("Customer number"), zh("Status"), zh("Tags"), "客户等级", "合同金额"]
    assert rows == [("导出甲", "CUS00001", zh("Active"), "VIP", "A 级", 5)]
    log = SystemLog.objects.get(kind=SystemLog.Kind.IMPORT_EXPORT)
    assert log.detail["rows"] == 1 and "tab=active" in log.detail["query"]


def test_export_is_filtered_by_custom_fields_and_search(tenant, owner, admin, custom_fields):
    make_customer(owner, name="筛选甲", fields={"level": "a"})
    make_customer(owner, name="筛选乙", fields={"level": "b"})
    response = admin.get(reverse("customers:list") + "?f_cf_level=b&export=xlsx")
    assert [r[0] for r in export_sheet(response)[1]] == ["筛选乙"]
    response = admin.get(reverse("customers:list") + "?q=筛选甲&export=xlsx")
    assert [r[0] for r in export_sheet(response)[1]] == ["筛选甲"]


def test_large_exports_run_as_a_job(tenant, owner, admin, monkeypatch):
    monkeypatch.setattr(importers, "EXPORT_JOB_THRESHOLD", 1)
    for name in ("大导出甲", "大导出乙"):
        make_customer(owner, name=name)
    response = admin.get(reverse("customers:list") + "?export=xlsx")
    job = DataJob.objects.get(kind=DataJob.Kind.EXPORT)
    assert response.status_code == 302 and response["Location"] == reverse("customers:export_job", args=[job.pk])
    assert job.status == DataJob.Status.DONE and job.result["rows"] == 2
    page = admin.get(reverse("customers:export_job", args=[job.pk])).content.decode()
    assert reverse("customers:export_download", args=[job.pk]) in page
    headers, rows = export_sheet(admin.get(reverse("customers:export_download", args=[job.pk])))
    assert sorted(r[0] for r in rows) == ["大导出乙", "大导出甲"]
    assert SystemLog.objects.filter(kind=SystemLog.Kind.IMPORT_EXPORT, detail__job=job.pk).exists()
    other = client_for(make_user(tenant, roles=("manager",)))
    assert other.get(reverse("customers:export_download", args=[job.pk])).status_code == 404, "the owner's file"


def test_export_needs_the_permission(tenant, owner):
    engineer = client_for(make_user(tenant, roles=("engineer",)))
    assert engineer.get(reverse("customers:list") + "?export=xlsx").status_code == 403


def test_service_numbering_survives_an_import(tenant, owner, admin, custom_fields):
    job = run_import(admin, [row("编号甲"), row("编号乙")])
    admin.post(reverse("customers:import_commit", args=[job.pk]))
    created = services.create_customer(actor=owner, name="编号丙", fields={"level": "a"},
                                       addresses=[{"city": "上海", "detail": "x"}])
    assert sorted(Customer.objects.values_list("number", flat=True)) == ["CUS00001", "CUS00002", "CUS00003"]
    assert created.number == "CUS00003"
