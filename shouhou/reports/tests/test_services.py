"""Service reports made on completion: the system template's PDF holds the Chinese order data, parts and
services with totals; an Excel template is filled and exported as .xlsx and PDF; edits remake the report;
sending texts a signed link; settings and uploads refuse bad input and change nothing."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from openpyxl import Workbook, load_workbook

from shouhou.core import files
from shouhou.core.errors import Conflict, NotFound, ValidationFailed
from shouhou.messaging.models import SmsMessage
from shouhou.reports import configure, services
from shouhou.reports.models import ServiceReport, TemplateKind
from shouhou.workorders.services import orders as order_services

from .conftest import complete, pdf_text

pytestmark = pytest.mark.django_db


def stored(reference):
    with default_storage.open(files.path_of(reference["url"]), "rb") as handle:
        return handle.read()


def test_completion_makes_a_pdf_with_the_chinese_order_data_and_fees(shop, owner, commits):
    with commits():
        order = complete(shop, owner)
    report = ServiceReport.objects.get(order=order)
    assert report.status == ServiceReport.Status.READY and report.kind == TemplateKind.SYSTEM
    text = pdf_text(stored(report.pdf))
    for expected in (order.number, "甲公司", "中央空调", "空调不制冷", "更换压缩机，测试正常", "压缩机", "上门检测",
                     "¥200.00", "¥80.00", "¥280.00"):
        assert expected in text, expected
    assert report.xlsx == {} and report.order_version == order.version


def test_chosen_fields_only(shop, owner, commits):
    from shouhou.reports.factories import ReportsFactory

    ReportsFactory(owner).enable(shop.order_type, report_fields=["order.number", "customer.name"])
    with commits():
        order = complete(shop, owner)
    text = pdf_text(stored(ServiceReport.objects.get(order=order).pdf))
    assert "甲公司" in text and order.number in text
    assert "空调不制冷" not in text and "上门检测" not in text


def test_no_report_while_the_type_has_reports_off(factories, owner, commits):
    with commits():
        order = factories.workorders.finished()
    assert not ServiceReport.objects.filter(order=order).exists()
    with pytest.raises(Conflict):
        services.generate(actor=owner, order_id=order.pk)


def test_no_report_before_completion(shop, owner):
    with pytest.raises(Conflict) as caught:
        services.generate(actor=owner, order_id=shop.order.pk)
    assert caught.value.code == "report_unavailable"


def test_an_edit_remakes_the_report_and_frees_the_old_file(shop, owner, tenant, commits):
    with commits():
        order = complete(shop, owner)
    first = ServiceReport.objects.get(order=order)
    used = type(tenant).objects.get(pk=tenant.pk).storage_used_bytes
    with commits():
        order = order_services.update_work_order(actor=owner, order=order, description="压缩机老化")
    report = ServiceReport.objects.get(order=order)
    assert report.pdf["url"] != first.pdf["url"] and report.order_version == order.version
    assert "压缩机老化" in pdf_text(stored(report.pdf))
    assert files.path_of(first.pdf["url"]) is None  # the replaced PDF is deleted …
    now = type(tenant).objects.get(pk=tenant.pk).storage_used_bytes
    assert abs(now - used) < first.pdf["size"] + report.pdf["size"]  # … and its bytes given back


def test_excel_template_is_filled_and_exported(shop, owner, factories, commits):
    factories.reports.template(shop.order_type)
    factories.reports.enable(shop.order_type, report_kind="custom")
    with commits():
        order = complete(shop, owner, parts=3)
    report = ServiceReport.objects.get(order=order)
    assert report.kind == TemplateKind.CUSTOM and report.xlsx["name"].endswith(".xlsx")
    sheet = load_workbook(BytesIO(stored(report.xlsx))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert "甲公司" in flat and "压缩机" in flat and "上门检测" in flat
    assert not any(isinstance(v, str) and "{{" in v for v in flat)
    text = pdf_text(stored(report.pdf))
    assert "甲公司" in text and "压缩机" in text and "300.00" in text and "380" in text


def test_sending_texts_a_signed_link(shop, owner, commits):
    with commits():
        order = complete(shop, owner)
    assert SmsMessage.objects.filter(purpose="report.send").count() == 1  # sent on completion (the default)
    report = services.send(actor=owner, order_id=order.pk)
    message = SmsMessage.objects.filter(purpose="report.send").latest("pk")
    assert message.phone == order.contact_phone and "/r/" in message.content and order.number in message.content
    assert report.sent_at is not None and order.contact_phone in report.sent_to


def test_sending_without_a_phone_is_refused(shop, owner, commits):
    with commits():
        order = complete(shop, owner)
    order.contact_phone = ""  # a contact without a phone (not through a service: the refusal is the point)
    type(order).objects.filter(pk=order.pk).update(contact_phone="")
    before = SmsMessage.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.send(actor=owner, order_id=order.pk)
    assert "phone" in caught.value.details
    assert SmsMessage.objects.count() == before and ServiceReport.objects.get(order=order).sent_at is not None


def test_another_companys_order_is_not_found(shop, owner, other_company, commits):
    from shouhou.core.tenancy import tenant_context

    with commits():
        order = complete(shop, owner)
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant), pytest.raises(NotFound):
        services.generate(actor=other_owner, order_id=order.pk)


def test_engineer_outside_scope_gets_not_found(shop, owner, factories, commits):
    with commits():
        order = complete(shop, owner)
    engineer = factories.accounts.user(name="工程师丙", roles=("engineer",))
    with pytest.raises(NotFound):
        services.generate(actor=engineer, order_id=order.pk)


# --- settings and uploads ---------------------------------------------------------------------------------------

def xlsx(build):
    workbook = Workbook()
    build(workbook.active)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_upload_refuses_unknown_keys_and_non_excel(factories, owner):
    order_type = factories.workorders.order_type()
    with pytest.raises(ValidationFailed) as caught:
        factories.reports.template(order_type, xlsx(lambda s: s.append(["{{order.numbr}}"])))
    assert "order.numbr" in str(caught.value.details["file"][0])
    with pytest.raises(ValidationFailed):
        factories.reports.template(order_type, b"PK\x03\x04 not really a workbook")
    with pytest.raises(ValidationFailed):
        factories.reports.template(order_type, xlsx(lambda s: s.append(["no keys"])))
    assert configure.settings_for(order_type).report_template == {}


def test_custom_kind_needs_a_template_and_fields_must_be_known(factories, owner):
    order_type = factories.workorders.order_type()
    with pytest.raises(ValidationFailed) as caught:
        factories.reports.enable(order_type, report_kind="custom")
    assert "report_kind" in caught.value.details
    with pytest.raises(ValidationFailed):
        factories.reports.enable(order_type, report_fields=["order.nope"])
    assert configure.settings_for(order_type).pk is None


def test_custom_fields_are_in_the_dictionary(factories, owner):
    from shouhou.core import forms_engine
    from shouhou.reports import fields

    order_type = factories.workorders.order_type()
    built_in = [{"key": f["key"], "system": True} for f in forms_engine.get_schema(order_type.form_target).fields
                if f.get("system")]
    forms_engine.save_schema(actor=owner, target=order_type.form_target, permission="workorder_settings.manage",
                             fields=[*built_in, {"key": "f_model", "label": "机型", "kind": "text"}])
    keys = {entry.key: entry.label for entry in fields.dictionary(order_type)}
    assert keys["cf.f_model"] == "机型" and "part.name" in keys and "order.number" in keys


def test_removing_a_template_goes_back_to_the_system_one(factories, owner):
    order_type = factories.workorders.order_type()
    row = factories.reports.template(order_type, purpose="print")
    assert row.print_kind == TemplateKind.CUSTOM and row.print_template
    path = files.path_of(row.print_template["url"])
    row = configure.remove_template(actor=owner, type_id=order_type.pk, purpose="print")
    assert row.print_kind == TemplateKind.SYSTEM and row.print_template == {}
    assert path and files.path_of(row.print_template.get("url")) is None


def test_print_with_the_uploaded_template(shop, owner, factories):
    factories.reports.template(shop.order_type, purpose="print")
    _order, pdf = services.print_pdf(actor=owner, order_id=shop.order.pk)
    assert shop.order.number in pdf_text(pdf) and "甲公司" in pdf_text(pdf)


def test_fee_values(shop, owner, commits):
    from shouhou.reports import fields

    with commits():
        order = complete(shop, owner, parts=2, services=2)
    values = fields.values(order)
    assert [(row["name"], row["quantity"], row["amount"]) for row in values["parts"]] == [
        ("压缩机", Decimal("2"), Decimal("200.00"))]
    assert values["fees.total"] == Decimal("360.00")


def test_a_report_that_cannot_be_made_is_marked_failed_and_not_sent(shop, owner, factories, commits):
    row = factories.reports.template(shop.order_type)
    factories.reports.enable(shop.order_type, report_kind="custom")
    default_storage.delete(files.path_of(row.report_template["url"]))
    with commits():
        order = complete(shop, owner)
    report = ServiceReport.objects.get(order=order)
    assert report.status == ServiceReport.Status.FAILED and "upload it again" in report.error
    assert not SmsMessage.objects.filter(purpose="report.send").exists()


def test_e_mail_with_the_pdf_when_e_mail_is_set_up(shop, owner, commits, settings):
    from django.core import mail

    from shouhou.customers.models import Contact

    settings.EMAIL_ENABLED = True
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    Contact.objects.filter(customer=shop.customer, phone=shop.order.contact_phone).update(email="kehu@example.com")
    mail.outbox = []
    with commits():
        order = complete(shop, owner)
    sent = [m for m in mail.outbox if order.number in m.subject]
    assert len(sent) == 1 and sent[0].to == ["kehu@example.com"]
    assert sent[0].attachments[0][2] == "application/pdf"
    assert "kehu@example.com" in ServiceReport.objects.get(order=order).sent_to
