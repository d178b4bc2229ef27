"""Console pages of the work-order centre: every page renders, scopes and companies are respected, each
action dialog acts (and a stale page changes nothing), tab counts, batch actions, import and export."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shouhou.core import company_settings, forms_engine
from shouhou.core.errors import ValidationFailed
from shouhou.core.jobs import DataJob
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import client_for, make_company
from shouhou.products.models import Product
from shouhou.workorders import flow
from shouhou.workorders.importers import WorkOrderImporter
from shouhou.workorders.models import (
    AddonComponent,
    Approval,
    ServiceOption,
    Status,
    WorkOrder,
    WorkOrderType,
)
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import types as type_services

from .conftest import make_customer

STALE = "changed by someone else"


@pytest.fixture
def admin(world):
    return client_for(world.owner)


@pytest.fixture
def engineer(world):
    return client_for(world.engineer)


def url(name, *args):
    return reverse(f"workorders:{name}", args=args)


def refreshed(order):
    return WorkOrder.objects.get(pk=order.pk)


def post_action(client, order, action, **data):
    return client.post(url(f"action_{action}", order.pk), {"expected_version": order.version, **data})


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def page_text(response):
    return response.content.decode()


# --- every page renders ---------------------------------------------------------------------------------

def test_every_page_renders_for_an_admin(world, admin):
    order_type = world.make_type()
    component = type_services.save_component(actor=world.owner, name="发货信息", repeatable=True)
    type_services.update_type(actor=world.owner, type=order_type, component_ids=[component.pk])
    type_services.save_service_option(actor=world.owner, kind="service_type", name="保内免费")
    product = Product.objects.create(tenant=world.tenant, name="空压机", number="P-1", customer=world.customer)
    pending = world.make_order(order_type, product=product)
    running = world.in_progress(order_type=order_type)
    order_actions.pause(actor=world.engineer, order=running, reason="等备件")
    finished = world.in_progress(order_type=order_type)
    finished = order_actions.complete(actor=world.engineer, order=finished, content="修好了")
    cancelled = order_actions.cancel(actor=world.owner, order=world.make_order(order_type), reason="客户取消")
    pages = [
        url("list"), url("list") + "?tab=pending", url("list") + "?tab=cancelled", url("list") + "?tab=exception",
        url("list") + f"?type={order_type.pk}", url("assign"), url("create"), url("create") + f"?type={order_type.pk}",
        url("approvals"), url("approvals") + "?tab=mine", url("settings"), url("types"), url("type_form", order_type.pk),
        url("type_flow", order_type.pk), url("type_receipt", order_type.pk), url("type_components", order_type.pk),
        url("type_teams", order_type.pk), url("type_create"), url("components"), url("component_create"),
        url("component_update", component.pk), url("options"), url("import"), url("import_template"),
        url("orders_for_customer", world.customer.pk), url("orders_for_product", product.pk),
        url("customer_search") + "?customer_q=客户", url("customer_fields") + f"?customer={world.customer.pk}",
        url("customer_create"), url("product_create") + f"?customer={world.customer.pk}",
        url("component_add", pending.pk, component.pk),
    ]
    for order in (pending, running, finished, cancelled):
        pages += [url("detail", order.pk), url("print", order.pk)]
    pages += [url("edit", pending.pk)]
    pages += [url(f"action_{action}", running.pk) for action in ("assign", "transfer", "resume", "cancel")]
    pages += [url("action_complete", running.pk), url("action_reopen", finished.pk), url("action_close", finished.pk)]
    for page in pages:
        ok(admin.get(page))
    assert ok(admin.get(url("index")), 302)["Location"] == url("list")


def test_detail_shows_progress_flags_and_allowed_actions(world, admin):
    order = world.in_progress()
    order_actions.pause(actor=world.engineer, order=order, reason="等备件到货")
    body = page_text(ok(admin.get(url("detail", order.pk))))
    assert order.number in body and "等备件到货" in body  # the exception tab names the pause reason
    assert 'aria-current="step"' in body
    assert url("action_cancel", order.pk) in body and url("action_transfer", order.pk) in body
    assert url("action_accept", order.pk) not in body  # not the owner's to accept, and not now
    engineer_body = page_text(ok(client_for(world.engineer).get(url("detail", order.pk))))
    assert url("action_resume", order.pk) in engineer_body and url("action_cancel", order.pk) not in engineer_body


# --- scopes and companies -----------------------------------------------------------------------------------

def test_engineer_sees_only_own_orders(world, engineer):
    order_type = world.make_type()
    mine = world.assigned(order_type=order_type)
    other = world.make_order(order_type)
    body = page_text(ok(engineer.get(url("list"))))
    assert mine.number in body and other.number not in body
    ok(engineer.get(url("detail", mine.pk)))
    assert engineer.get(url("detail", other.pk)).status_code == 404
    assert engineer.post(url("action_cancel", other.pk), {"expected_version": 0, "reason": "x"}).status_code == 404
    assert engineer.get(url("settings")).status_code == 403
    assert engineer.get(url("assign")).status_code == 403


def test_another_companys_order_is_404(world, admin):
    order = world.make_order()
    tenant, other_owner = make_company()
    outsider = client_for(other_owner)
    with tenant_context(tenant):
        for page in (url("detail", order.pk), url("edit", order.pk), url("print", order.pk),
                     url("action_assign", order.pk), url("type_flow", order.order_type_id)):
            assert outsider.get(page).status_code == 404, page
        assert outsider.post(url("action_cancel", order.pk), {"expected_version": order.version,
                                                             "reason": "x"}).status_code == 404
        assert order.number not in page_text(outsider.get(url("list")))
    assert refreshed(order).status == Status.PENDING


# --- the action dialogs ------------------------------------------------------------------------------------

def test_assign_accept_start_pause_resume_complete_close(world, admin, engineer):
    order = world.make_order()
    assert ok(post_action(admin, order, "assign", assignee=world.engineer.pk, note="请今天处理"), 302)
    order = refreshed(order)
    assert order.status == Status.ASSIGNED and order.assignee == world.engineer
    for action, data, status in (("accept", {}, Status.ACCEPTED), ("start", {}, Status.IN_PROGRESS),
                                 ("pause", {"reason": "等备件"}, Status.IN_PROGRESS)):
        ok(post_action(engineer, order, action, **data), 302)
        order = refreshed(order)
        assert order.status == status
    assert order.is_paused and order.is_exception
    ok(post_action(engineer, order, "resume"), 302)
    order = refreshed(order)
    assert not order.is_paused
    ok(post_action(engineer, order, "complete", content="更换了轴承"), 302)
    order = refreshed(order)
    assert order.status == Status.FINISHED and order.receipt.content == "更换了轴承" and not order.receipt.is_draft
    ok(post_action(admin, order, "close", note="客户确认"), 302)
    assert refreshed(order).status == Status.CLOSED


def test_reject_transfer_cancel_reopen(world, admin, engineer):
    order = world.assigned()
    response = ok(post_action(engineer, order, "reject"), 400)  # the reason is required
    assert refreshed(order).status == Status.ASSIGNED and "reason" in response.context["form"].errors
    ok(post_action(engineer, order, "reject", reason="不在服务区域"), 302)
    order = refreshed(order)
    assert order.status == Status.PENDING and order.is_rejected and order.assignee is None

    order = world.assigned()
    ok(post_action(admin, order, "transfer", assignee=world.engineer2.pk, note="甲请假"), 302)
    order = refreshed(order)
    assert order.assignee == world.engineer2 and order.status == Status.ASSIGNED

    ok(post_action(admin, order, "cancel", reason="客户取消"), 302)
    assert refreshed(order).status == Status.CANCELLED

    done = world.in_progress()
    done = order_actions.complete(actor=world.engineer, order=done, content="完成")
    ok(post_action(admin, done, "reopen", reason="客户反馈仍有问题"), 302)
    assert refreshed(done).status == Status.IN_PROGRESS


def test_transfer_note_follows_the_setting(world, admin):
    order = world.assigned()
    response = ok(post_action(admin, order, "transfer", assignee=world.engineer2.pk), 400)
    assert "note" in response.context["form"].errors
    assert refreshed(order).assignee == world.engineer


@pytest.mark.parametrize("action,data", [
    ("assign", {"note": ""}), ("cancel", {"reason": "取消"}),
])
def test_a_stale_page_shows_the_conflict_and_changes_nothing(world, admin, action, data):
    order = world.make_order()
    stale_version = order.version
    order_services.update_work_order(actor=world.owner, order=order, description="别人刚改过")
    order = refreshed(order)
    if action == "assign":
        data = {**data, "assignee": world.engineer.pk}
    response = admin.post(url(f"action_{action}", order.pk), {"expected_version": stale_version, **data})
    assert response.status_code == 409
    assert STALE in page_text(response)
    after = refreshed(order)
    assert (after.status, after.version, after.assignee_id) == (order.status, order.version, order.assignee_id)


def test_stale_page_over_htmx_keeps_the_dialog_open(world, engineer):
    order = world.assigned()
    stale = order.version
    order_services.update_work_order(actor=world.owner, order=order, description="改过")
    response = engineer.post(url("action_accept", order.pk), {"expected_version": stale}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and STALE in page_text(response)  # htmx swaps only 2xx into the dialog
    assert 'hx-post="' in page_text(response) and "<html" not in page_text(response)
    assert refreshed(order).status == Status.ASSIGNED


def test_an_action_the_flow_no_longer_allows_says_why(world, admin):
    order = world.make_order()
    order_actions.cancel(actor=world.owner, order=order, reason="取消")
    order = refreshed(order)
    response = post_action(admin, order, "assign", assignee=world.engineer.pk)
    assert response.status_code == 409 and refreshed(order).status == Status.CANCELLED
    assert "not possible" in page_text(response)


def test_complete_saves_a_draft_then_submits_with_signature(world, engineer):
    order = world.in_progress()
    ok(engineer.post(url("action_complete", order.pk), {"expected_version": order.version, "content": "做了一半",
                                                       "draft": "1"}), 302)
    order = refreshed(order)
    assert order.status == Status.IN_PROGRESS and order.receipt.is_draft and order.receipt.content == "做了一半"
    ok(engineer.post(url("action_complete", order.pk), {"expected_version": order.version, "content": "完成",
                                                       "signature": SIGNATURE}), 302)
    order = refreshed(order)
    assert order.status == Status.FINISHED and order.receipt.signature["content_type"] == "image/png"


def test_a_draft_needs_no_required_receipt_field_but_completing_does(world, engineer):
    order = world.in_progress()
    system = [{"key": f["key"], "system": True}
              for f in forms_engine.get_schema(order.order_type.receipt_target).fields]
    type_services.save_receipt_form(actor=world.owner, order_type=order.order_type, fields=system + [
        {"key": "meter", "label": "电表读数", "kind": "number", "required": True}])
    base = {"expected_version": order.version, "content": "巡检完成"}
    ok(engineer.post(url("action_complete", order.pk), {**base, "draft": "1"}), 302)
    order = refreshed(order)
    assert order.receipt.is_draft and order.status == Status.IN_PROGRESS
    missing = ok(engineer.post(url("action_complete", order.pk), {**base, "expected_version": order.version}), 400)
    assert "cf_meter" in missing.context["form"].errors and refreshed(order).status == Status.IN_PROGRESS
    ok(engineer.post(url("action_complete", order.pk), {**base, "expected_version": order.version,
                                                       "cf_meter": "1234"}), 302)
    order = refreshed(order)
    assert order.status == Status.FINISHED and order.receipt.fields == {"meter": 1234}


def test_approval_on_complete_and_the_inbox(world, engineer):
    order = world.in_progress("approval_complete")
    ok(post_action(engineer, order, "complete", content="完成"), 302)
    order = refreshed(order)
    assert order.awaiting_approval and order.status == Status.IN_PROGRESS
    approver = client_for(world.approver)
    inbox = ok(approver.get(url("approvals")))
    assert order.number in page_text(inbox)
    approval = Approval.objects.get(order=order)
    refused = ok(approver.post(url("approval_refuse", approval.pk), {"note": ""}), 400)
    assert "note" in refused.context["form"].errors
    ok(approver.post(url("approval_approve", approval.pk), {"note": "同意"}), 302)
    assert refreshed(order).status == Status.FINISHED
    assert order.number in page_text(ok(approver.get(url("approvals") + "?tab=approved")))


def test_requester_withdraws_an_approval(world):
    order_type = world.make_type("approval_assign")
    order = world.make_order(order_type)
    dispatcher = client_for(world.dispatcher)
    ok(post_action(dispatcher, order, "assign", assignee=world.engineer.pk), 302)
    approval = Approval.objects.get(order=order)
    ok(dispatcher.post(url("approval_withdraw", approval.pk)), 302)
    approval.refresh_from_db()
    assert approval.state == Approval.State.WITHDRAWN and not refreshed(order).awaiting_approval


# --- create, edit, copy, notes, components ----------------------------------------------------------------

def test_create_save_only_and_save_and_assign(world, admin):
    order_type = world.make_type()
    data = {"order_type": order_type.pk, "customer": world.customer.pk, "priority": "high", "description": "漏水"}
    response = ok(admin.post(url("create"), {**data, "save": "1"}), 302)
    order = WorkOrder.objects.get(description="漏水")
    assert response["Location"] == url("detail", order.pk)
    assert order.status == Status.PENDING and order.contact_name == world.customer.contact_name
    response = ok(admin.post(url("create"), {**data, "description": "再派", "dispatch": "1"}), 302)
    second = WorkOrder.objects.get(description="再派")
    assert response["Location"] == url("detail", second.pk) + "?then=assign"
    detail = page_text(admin.get(response["Location"]))
    assert f'data-auto-modal="{url("action_assign", second.pk)}"' in detail


def test_create_refuses_a_customer_outside_the_scope(world):
    order_type = world.make_type()
    hidden = make_customer(world.tenant)
    client = client_for(world.engineer)
    response = ok(client.post(url("create"), {"order_type": order_type.pk, "customer": hidden.pk,
                                              "priority": "normal"}), 400)
    assert "customer" in response.context["form"].errors
    assert not WorkOrder.objects.filter(customer=hidden).exists()


def test_create_with_custom_fields_and_attachment(world, admin):
    order_type = world.make_type()
    system = [{"key": f["key"], "system": True} for f in forms_engine.get_schema(order_type.form_target).fields]
    type_services.save_type_form(actor=world.owner, order_type=order_type, fields=system + [
        {"key": "model", "label": "设备型号", "kind": "text", "required": True}])
    base = {"order_type": order_type.pk, "customer": world.customer.pk, "priority": "normal"}
    missing = ok(admin.post(url("create"), base), 400)
    assert "cf_model" in missing.context["form"].errors
    upload = io.BytesIO(b"%PDF-1.4 test")
    upload.name = "说明书.pdf"
    ok(admin.post(url("create"), {**base, "cf_model": "GA-37", "attachments": upload}), 302)
    order = WorkOrder.objects.get(order_type=order_type)
    assert order.fields == {"model": "GA-37"} and order.attachments[0]["name"] == "说明书.pdf"


def test_edit_saves_changes_and_refuses_a_stale_version(world, admin):
    order = world.make_order(description="旧描述")
    form = {"customer": world.customer.pk, "priority": "urgent", "description": "新描述",
            "expected_version": order.version}
    ok(admin.post(url("edit", order.pk), form), 302)
    order = refreshed(order)
    assert order.description == "新描述" and order.priority == "urgent"
    response = ok(admin.post(url("edit", order.pk), {**form, "description": "第三次", "expected_version": 0}), 400)
    assert STALE in page_text(response) and refreshed(order).description == "新描述"


def test_copy_note_and_component_entry(world, admin):
    order_type = world.make_type()
    component = type_services.save_component(actor=world.owner, name="退换货", repeatable=True)
    system = []
    type_services.save_component_form(actor=world.owner, component=component, fields=system + [
        {"key": "item", "label": "设备", "kind": "text", "required": True}])
    type_services.update_type(actor=world.owner, type=order_type, component_ids=[component.pk])
    order = world.make_order(order_type)
    ok(admin.post(url("copy", order.pk)), 302)
    assert WorkOrder.objects.filter(order_type=order_type).count() == 2
    ok(admin.post(url("note_add", order.pk), {"content": "客户要求上午上门"}), 302)
    assert order.notes.get().content == "客户要求上午上门"
    ok(admin.post(url("component_add", order.pk, component.pk), {"cf_item": "压缩机"}), 302)
    ok(admin.post(url("component_add", order.pk, component.pk), {"cf_item": "风扇"}), 302)
    assert sorted(e.fields["item"] for e in order.component_entries.all()) == ["压缩机", "风扇"]
    entry = order.component_entries.get(fields__item="风扇")
    ok(admin.post(url("component_edit", order.pk, component.pk, entry.pk), {"cf_item": "电机"}), 302)
    entry.refresh_from_db()
    assert entry.fields["item"] == "电机"


def test_customer_picker_and_inline_customer(world, admin):
    body = page_text(ok(admin.get(url("customer_search") + f"?customer_q={world.customer.name}")))
    assert f'data-pick-customer="{world.customer.pk}"' in body
    fields = page_text(ok(admin.get(url("customer_fields") + f"?customer={world.customer.pk}")))
    assert 'name="contact"' in fields and 'name="product"' in fields
    data = {"name": "新客户甲", "contact_name": "李四", "contact_phone": "13911112222"}
    refused = admin.post(url("customer_create"), data, HTTP_HX_REQUEST="true")  # the company asks for an address
    assert refused.status_code == 200 and "detail" in refused.context["form"].errors
    response = admin.post(url("customer_create"), {**data, "city": "上海市", "detail": "人民路2号"},
                          HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    created = json.loads(response["HX-Trigger"])["customerCreated"]
    assert created["name"] == "新客户甲"


# --- the list: tabs, batch actions, export, import -----------------------------------------------------------

def _tab_counts(response):
    return {tab["key"]: tab["count"] for tab in response.context["tabs"]}


def test_list_tab_counts_and_filters(world, admin):
    order_type = world.make_type()
    world.make_order(order_type)
    world.make_order(order_type)
    world.assigned(order_type=order_type)
    paused = world.in_progress(order_type=order_type)
    order_actions.pause(actor=world.engineer, order=paused, reason="等待")
    order_actions.cancel(actor=world.owner, order=world.make_order(order_type), reason="取消")
    response = ok(admin.get(url("list")))
    counts = _tab_counts(response)
    assert counts == {"pending": 2, "assigned": 1, "accepted": 0, "in_progress": 1, "exception": 1, "all": 5,
                      "finished": 0, "closed": 0, "cancelled": 1}
    assert response.context["page"].paginator.count == 5
    pending = ok(admin.get(url("list") + "?tab=pending"))
    assert pending.context["page"].paginator.count == 2
    mine = ok(admin.get(url("list") + "?scope=assigned"))
    assert _tab_counts(mine)["all"] == 0
    searched = ok(admin.get(url("list") + f"?q={paused.number}"))
    assert [row["obj"].pk for row in searched.context["rows"]] == [paused.pk]
    by_type = ok(admin.get(url("list") + f"?type={world.make_type().pk}"))
    assert _tab_counts(by_type)["all"] == 0


def test_list_filters_on_custom_fields_of_the_chosen_type(world, admin):
    order_type = world.make_type()
    system = [{"key": f["key"], "system": True} for f in forms_engine.get_schema(order_type.form_target).fields]
    type_services.save_type_form(actor=world.owner, order_type=order_type, fields=system + [
        {"key": "fault", "label": "故障", "kind": "select", "searchable": True, "show_in_list": True,
         "options": [{"value": "noise", "label": "异响"}, {"value": "leak", "label": "漏液"}]}])
    noisy = world.make_order(order_type, fields={"fault": "noise"})
    world.make_order(order_type, fields={"fault": "leak"})
    response = ok(admin.get(url("list") + f"?type={order_type.pk}&f_cf_fault=noise"))
    assert [row["obj"].pk for row in response.context["rows"]] == [noisy.pk]
    assert "异响" in page_text(response)


def test_batch_assign_all_or_nothing(world, admin):
    order_type = world.make_type()
    first, second = world.make_order(order_type), world.make_order(order_type)
    ok(admin.get(url("batch_assign") + f"?ids={first.pk}&ids={second.pk}"))
    ok(admin.post(url("batch_assign"), {"ids": [first.pk, second.pk], "assignee": world.engineer.pk}), 302)
    assert {refreshed(o).assignee_id for o in (first, second)} == {world.engineer.pk}

    third = world.make_order(order_type)
    cancelled = order_actions.cancel(actor=world.owner, order=world.make_order(order_type), reason="取消")
    response = ok(admin.post(url("batch_assign"), {"ids": [third.pk, cancelled.pk],
                                                   "assignee": world.engineer2.pk}), 400)
    assert cancelled.number in page_text(response)
    assert refreshed(third).status == Status.PENDING and refreshed(third).assignee is None


def test_batch_transfer_and_batch_edit(world, admin):
    order_type = world.make_type()
    option = type_services.save_service_option(actor=world.owner, kind=ServiceOption.Kind.SERVICE_CONTENT,
                                               name="维修")
    one, two = world.assigned(order_type=order_type), world.assigned(order_type=order_type)
    ok(admin.post(url("batch_transfer"), {"ids": [one.pk, two.pk], "assignee": world.engineer2.pk,
                                          "note": "调整"}), 302)
    assert {refreshed(o).assignee_id for o in (one, two)} == {world.engineer2.pk}
    empty = ok(admin.post(url("batch_edit"), {"ids": [one.pk]}), 400)
    assert empty.context["form"].non_field_errors()
    ok(admin.post(url("batch_edit"), {"ids": [one.pk, two.pk], "priority": "urgent",
                                      "service_content": option.pk}), 302)
    assert {(o.priority, o.service_content_id) for o in map(refreshed, (one, two))} == {("urgent", option.pk)}


def test_export_the_current_view(world, admin):
    order_type = world.make_type()
    orders = [world.make_order(order_type) for _ in range(3)]
    response = ok(admin.get(url("list") + "?tab=pending&export=xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert numbers == {order.number for order in orders}
    assert client_for(world.engineer).get(url("list") + "?export=xlsx").status_code == 403


def _workbook(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.key for c in WorkOrderImporter.columns])
    for row in rows:
        sheet.append([row.get(c.key, "") for c in WorkOrderImporter.columns])
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    handle.name = "工单.xlsx"
    return handle


def _upload(client, rows):
    response = ok(client.post(url("import"), {"file": _workbook(rows)}), 302)
    return DataJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_import_creates_all_rows(world, admin):
    order_type = world.make_type()
    type_services.save_service_option(actor=world.owner, kind=ServiceOption.Kind.SERVICE_TYPE, name="保内免费")
    rows = [{"order_type": order_type.name, "customer_number": world.customer.number, "priority": "高",
             "service_type": "保内免费", "planned_at": "2026-12-01 09:00", "description": "导入一"},
            {"order_type": order_type.name, "customer_name": world.customer.name, "contact_name": "王五",
             "contact_phone": "13922223333", "description": "导入二"}]
    job = _upload(admin, rows)
    assert job.status == DataJob.Status.READY, job.errors
    ok(admin.post(url("import_commit", job.pk)), 302)
    job.refresh_from_db()
    assert job.status == DataJob.Status.DONE
    first, second = WorkOrder.objects.get(description="导入一"), WorkOrder.objects.get(description="导入二")
    assert first.priority == "high" and first.service_type.name == "保内免费" and first.planned_at is not None
    assert (second.contact_name, second.contact_phone) == ("王五", "13922223333")


def test_import_with_a_bad_row_imports_nothing(world, admin):
    order_type = world.make_type()
    rows = [{"order_type": order_type.name, "customer_number": world.customer.number, "description": "好行"},
            {"order_type": "不存在的类型", "customer_number": "NOPE", "description": "坏行"}]
    job = _upload(admin, rows)
    assert job.status == DataJob.Status.INVALID
    assert [error["row"] for error in job.errors] == [3]
    assert admin.post(url("import_commit", job.pk)).status_code == 302  # refused with a message
    assert not WorkOrder.objects.exists()


def test_import_rolls_back_when_a_row_fails_while_creating(world, admin, monkeypatch):
    order_type = world.make_type()
    rows = [{"order_type": order_type.name, "customer_number": world.customer.number, "description": f"行{n}"}
            for n in range(3)]
    job = _upload(admin, rows)
    assert job.status == DataJob.Status.READY
    original = WorkOrderImporter.create

    def fail_on_the_last(self, actor, kwargs):
        if kwargs["description"] == "行2":
            raise ValidationFailed(details={"customer": ["客户已停用"]})
        return original(self, actor, kwargs)

    monkeypatch.setattr(WorkOrderImporter, "create", fail_on_the_last)
    ok(admin.post(url("import_commit", job.pk)), 302)
    job.refresh_from_db()
    assert job.status == DataJob.Status.INVALID
    assert not WorkOrder.objects.exists()


# --- assign page and the other apps' tabs ------------------------------------------------------------------

def test_assign_page_lists_pending_orders_and_candidates(world, admin):
    order_type = world.make_type()
    pending = world.make_order(order_type)
    assigned = world.assigned(order_type=order_type)
    body = page_text(ok(admin.get(url("assign"))))
    assert pending.number in body and assigned.number not in body
    dialog = ok(admin.get(url("action_assign", pending.pk)))
    names = [c.user.name for c in dialog.context["candidates"]]
    assert world.engineer.name in names and world.engineer2.name in names


def test_assign_dialog_honours_hidden_work_statuses(world, admin):
    from shouhou.accounts.models import WorkStatus
    from shouhou.core.company_settings import update_settings

    busy = WorkStatus.objects.exclude(pk=world.engineer.work_status_id).first()
    world.engineer2.work_status = busy
    world.engineer2.save(update_fields=["work_status"])
    update_settings(actor=world.owner, values={"workorder.hide_statuses": [busy.pk]})
    order = world.make_order()
    dialog = ok(admin.get(url("action_assign", order.pk)))
    names = [c.user.name for c in dialog.context["candidates"]]
    assert world.engineer.name in names and world.engineer2.name not in names
    response = ok(post_action(admin, order, "assign", assignee=world.engineer2.pk), 400)
    assert "assignee" in response.context["form"].errors and refreshed(order).assignee is None


def test_orders_for_customer_and_product_partials(world, admin, engineer):
    product = Product.objects.create(tenant=world.tenant, name="冷水机", number="P-9", customer=world.customer)
    order = world.make_order(product=product)
    for page in (url("orders_for_customer", world.customer.pk), url("orders_for_product", product.pk)):
        body = page_text(ok(admin.get(page)))
        assert order.number in body and url("create") in body
    assert order.number not in page_text(engineer.get(url("orders_for_customer", world.customer.pk)))


# --- settings ------------------------------------------------------------------------------------------------

def _flow_post(order_type, **overrides):
    data = {"reminder_when": "before", "reminder_minutes": 30}
    for node, config in flow.normalize(order_type.flow).items():
        if config["enabled"]:
            data[f"{node}_enabled"] = "on"
        data[f"{node}_rule"] = config["approval"]["rule"]
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_type_editor_steps(world, admin):
    ok(admin.post(url("type_create"), {"name": "安装", "color": "#00aa00", "is_enabled": "on"}), 302)
    order_type = WorkOrderType.objects.get(name="安装")
    ok(admin.post(url("type_form", order_type.pk), {"name": "安装调试", "color": "#00aa00", "is_enabled": "on",
                                                    "team_ids": [world.team.pk]}), 302)
    order_type.refresh_from_db()
    assert order_type.name == "安装调试" and list(order_type.teams.all()) == [world.team]
    post = _flow_post(order_type, accept_enabled=None, accept_timeout="2", finish_rule="users",
                      finish_users=[world.approver.pk], reminder_related=["assignee", "creator"],
                      reminder_minutes=15, reminder_when="after")
    ok(admin.post(url("type_flow", order_type.pk), post), 302)
    order_type.refresh_from_db()
    config = flow.normalize(order_type.flow)
    assert not config["accept"]["enabled"] and config["finish"]["approval"]["user_ids"] == [world.approver.pk]
    assert order_type.timeout_reminder == {"related": ["assignee", "creator"], "user_ids": [], "when": "after",
                                           "minutes": 15}
    bad = ok(admin.post(url("type_flow", order_type.pk), _flow_post(order_type, start_rule="role")), 400)
    assert bad.context["form"].errors and flow.normalize(
        WorkOrderType.objects.get(pk=order_type.pk).flow)["start"]["approval"]["rule"] == "none"
    ok(admin.post(url("type_receipt", order_type.pk), {"require_signature": "on"}), 302)
    component = type_services.save_component(actor=world.owner, name="质量测评")
    ok(admin.post(url("type_components", order_type.pk), {"component_ids": [component.pk]}), 302)
    order_type.refresh_from_db()
    assert order_type.receipt_options["require_signature"] and list(order_type.components.all()) == [component]


def test_locked_steps_stay_on(world, admin):
    order_type = world.make_type()
    post = _flow_post(order_type)
    post.pop("close_enabled")
    ok(admin.post(url("type_flow", order_type.pk), post), 302)
    order_type.refresh_from_db()
    assert flow.normalize(order_type.flow)["close"]["enabled"]


def test_type_list_switches_order_and_delete(world, admin):
    first, second = world.make_type(), world.make_type()
    ok(admin.post(url("type_move", second.pk), {"direction": "up"}), 302)
    assert list(WorkOrderType.objects.values_list("pk", flat=True)) == [second.pk, first.pk]
    ok(admin.post(url("type_toggle", first.pk)), 302)
    first.refresh_from_db()
    assert not first.is_enabled
    ok(admin.post(url("type_teams", first.pk), {"team_ids": [world.team.pk]}), 302)
    assert list(first.teams.all()) == [world.team]
    world.make_order(second)
    ok(admin.post(url("type_delete", second.pk)), 302)
    assert WorkOrderType.objects.filter(pk=second.pk).exists()  # used: refused
    ok(admin.post(url("type_delete", first.pk)), 302)
    assert not WorkOrderType.objects.filter(pk=first.pk).exists()


def test_components_and_service_options(world, admin):
    ok(admin.post(url("component_create"), {"name": "发货信息", "description": "快递", "repeatable": "1",
                                            "is_enabled": "on"}), 302)
    component = AddonComponent.objects.get(name="发货信息")
    assert component.repeatable and component.is_enabled
    ok(admin.post(url("component_toggle", component.pk)), 302)
    component.refresh_from_db()
    assert not component.is_enabled
    ok(admin.post(url("component_delete", component.pk)), 302)
    assert not AddonComponent.objects.exists()

    for name in ("安装", "维修"):
        ok(admin.post(url("option_create"), {"kind": "service_content", "service_content-name": name}), 302)
    install, repair = ServiceOption.objects.filter(kind="service_content").order_by("sort_order")
    ok(admin.post(url("option_move", repair.pk), {"direction": "up"}), 302)
    assert list(ServiceOption.objects.order_by("sort_order").values_list("name", flat=True)) == ["维修", "安装"]
    duplicate = ok(admin.post(url("option_create"), {"kind": "service_content", "service_content-name": "维修"}),
                   400)
    assert duplicate.context["groups"][1]["form"].errors
    ok(admin.post(url("option_toggle", install.pk)), 302)
    ok(admin.post(url("option_update", install.pk), {"name": "安装调试"}), 302)
    install.refresh_from_db()
    assert (install.name, install.is_active) == ("安装调试", False)


def test_work_order_settings_page(world, admin):
    form = {"dispatch_by_team": "on", "allow_transfer": "on", "transfer_keep_status": "on",
            "location_check_nodes": ["start"], "location_max_km": "1.5", "number_prefix": "WO"}
    ok(admin.post(url("settings"), form), 302)
    world.tenant.refresh_from_db()
    saved = company_settings.values(world.tenant, group="workorder")
    assert saved["workorder.allow_reject"] is False and saved["workorder.transfer_keep_status"] is True
    assert saved["workorder.location_check_nodes"] == ["start"] and saved["workorder.location_max_km"] == 1.5
    assert saved["workorder.number_prefix"] == "WO" and saved["workorder.dispatch_by_team"] is True
    assert client_for(world.dispatcher).post(url("settings"), form).status_code == 403


SIGNATURE = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
             "60e6kgAAAABJRU5ErkJggg==")
