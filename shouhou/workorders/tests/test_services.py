"""Work-order services: each flow variant end to end, every refusal changing nothing, the settings
D5/D7/D8, pause/resume, cancel, reopen, approvals, receipts, deadlines, time tracking, data scope."""

import base64
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shouhou.accounts.models import Role, User, WorkStatus
from shouhou.core import forms_engine
from shouhou.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
    ValidationFailed,
)
from shouhou.core.models import Activity, OutboxEvent, Tenant
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import make_company, make_team, make_user
from shouhou.messaging.models import Notification, SmsMessage
from shouhou.products.models import Product
from shouhou.workorders import flow, policy, tasks
from shouhou.workorders.models import (
    Approval,
    Receipt,
    ServiceOption,
    Status,
    StatusSpan,
    TimeoutReminder,
    WorkOrder,
)
from shouhou.workorders.queries import approvals as approval_queries
from shouhou.workorders.queries import orders as order_queries
from shouhou.workorders.queries import pickers
from shouhou.workorders.queries import types as type_queries
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import approvals as approval_services
from shouhou.workorders.services import batch as batch_services
from shouhou.workorders.services import kernel as order_kernel
from shouhou.workorders.services import locations as location_services
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import receipts as receipt_services
from shouhou.workorders.services import timeouts as timeout_services
from shouhou.workorders.services import types as type_services
from shouhou.workorders.services import uploads as upload_services

from .conftest import VARIANTS, flow_variant, make_customer

# --- helpers ------------------------------------------------------------------------------------------

def state(order):
    """Everything an action may write: the row, timeline, spans, approvals, receipt and events."""
    ct = ContentType.objects.get_for_model(WorkOrder)
    return {
        "row": WorkOrder.objects.filter(pk=order.pk).values().get(),
        "collaborators": sorted(order.collaborators.values_list("pk", flat=True)),
        "timeline": Activity.objects.filter(content_type=ct, object_id=str(order.pk)).count(),
        "spans": list(StatusSpan.objects.filter(order_id=order.pk).values()),
        "approvals": list(Approval.objects.filter(order_id=order.pk).values("pk", "state")),
        "receipt": list(Receipt.objects.filter(order_id=order.pk).values()),
        "events": OutboxEvent.objects.count(),
    }


def assert_refused(order, error, call):
    before = state(order)
    with pytest.raises(error) as info:
        call()
    assert state(order) == before
    return info.value


def verbs(order):
    return [entry.verb for entry in reversed(list(order_queries.timeline_of(order)))]


def events(order):
    return list(OutboxEvent.objects.filter(payload__order_id=order.pk).order_by("created_at")
                .values_list("name", flat=True))


def set_setting(tenant, key, value):
    tenant.settings = {**(tenant.settings or {}), key: value}
    tenant.save(update_fields=["settings"])


class Clock:
    """Stands in for _now (in every module that calls it) so deadlines and time spans are exact."""

    def __init__(self, monkeypatch):
        self.now = timezone.now().replace(microsecond=0)
        monkeypatch.setattr(order_kernel, "now", lambda: self.now)

    def advance(self, **delta):
        self.now += timedelta(**delta)
        return self.now


def png_bytes(size=(40, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


# --- the flow variants end to end -----------------------------------------------------------------------

@pytest.mark.parametrize("variant", VARIANTS)
def test_each_flow_variant_end_to_end(world, variant):
    order = world.make_order(world.make_type(variant))
    assert order.status == Status.PENDING and order.version == 0
    assert re.fullmatch(r"T\d{6}\d{4}", order.number)

    order = order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer, note="请尽快")
    if variant == "approval_assign":
        assert (order.status, order.awaiting_approval, order.is_exception) == (Status.PENDING, True, True)
        approval = Approval.objects.get(order=order, state="pending")
        assert list(approval.approvers.all()) == [world.approver]
        order = approval_services.approve(actor=world.approver, approval=approval, note="同意")
        assert order.dispatcher == world.dispatcher  # applied as the requester
    assert order.assignee == world.engineer and not order.awaiting_approval
    assert order.status == (Status.ACCEPTED if variant == "accept_off" else Status.ASSIGNED)

    if variant != "accept_off":
        order = order_actions.accept(actor=world.engineer, order=order)
    assert order.status == Status.ACCEPTED and order.accepted_at
    if variant != "start_off":
        order = order_actions.start(actor=world.engineer, order=order)
        assert order.status == Status.IN_PROGRESS and order.started_at

    order = order_actions.complete(actor=world.engineer, order=order, content="更换了滤芯")
    if variant == "approval_complete":
        assert order.awaiting_approval and order.finished_at is None
        assert Receipt.objects.get(order=order).is_draft
        order = approval_services.approve(actor=world.approver,
                                          approval=Approval.objects.get(order=order, state="pending"))
    assert order.status == Status.FINISHED and order.finished_at and not order.is_exception
    receipt = Receipt.objects.get(order=order)
    assert (receipt.content, receipt.is_draft, receipt.submitted_by) == ("更换了滤芯", False, world.engineer)

    order = order_actions.close(actor=world.dispatcher, order=order)
    assert order.status == Status.CLOSED and order.closed_at and order.deadline_at is None
    expected = ["created", "approval_requested", "approval_approved", "assigned", "accepted", "started",
                "approval_requested", "approval_approved", "finished", "closed"]
    skip = {"approval_assign": {6, 7}, "approval_complete": {1, 2}, "accept_off": {1, 2, 4, 6, 7},
            "start_off": {1, 2, 5, 6, 7}, "all_on": {1, 2, 6, 7}}[variant]
    assert verbs(order) == [verb for index, verb in enumerate(expected) if index not in skip]
    writes = len([v for v in verbs(order) if v not in ("created", "approval_approved")])
    assert order.version == writes
    assert "workorder.assigned" in events(order) and events(order)[-1] == "workorder.closed"


def test_spans_follow_every_status_and_close_behind(world):
    order = world.in_progress()
    spans = list(StatusSpan.objects.filter(order=order).values_list("status", "ended_at"))
    assert [status for status, _ in spans] == ["pending", "assigned", "accepted", "in_progress"]
    assert all(ended for _, ended in spans[:-1]) and spans[-1][1] is None


def test_timeline_entries_carry_the_changed_fields(world):
    order = world.assigned()
    entry = order_queries.timeline_of(order)[0]
    assert entry.verb == "assigned" and entry.actor == world.dispatcher
    changes = {change["field"]: (change["old"], change["new"]) for change in entry.changes}
    assert changes["assignee"] == ("", world.engineer.name)
    assert changes["status"] == (str(Status.PENDING.label), str(Status.ASSIGNED.label))


# --- create, edit, copy ----------------------------------------------------------------------------------

def test_create_copies_the_customer_contact_and_address(world):
    order = world.make_order()
    assert (order.contact_name, order.contact_phone) == ("张三", "13900000000")
    assert order.address_text == "上海市人民路1号" and str(order.latitude) == "31.230416"
    assert order.created_by == world.dispatcher and order.collaborators.count() == 0


def test_numbers_count_per_day(world):
    first, second = world.make_order(), world.make_order()
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1 and first.number[:-4] == second.number[:-4]


def test_number_prefix_is_a_company_setting(world):
    set_setting(world.tenant, "workorder.number_prefix", "WX")
    assert world.make_order().number.startswith("WX")


def test_create_and_dispatch_at_once(world):
    order = world.make_order(assignee=world.engineer, dispatch=True)
    assert order.status == Status.ASSIGNED and order.assignee == world.engineer and order.version == 1


def test_dispatch_needs_an_assignee_and_the_assign_permission(world):
    with pytest.raises(ValidationFailed) as info:
        world.make_order(dispatch=True)
    assert "assignee" in info.value.details
    with pytest.raises(PermissionDenied):
        world.make_order(actor=world.engineer, assignee=world.engineer2)
    assert not WorkOrder.objects.exists()


def test_create_validates_custom_fields_of_the_type(world):
    order_type = world.make_type()
    schema = forms_engine.get_schema(order_type.form_target)
    type_services.save_type_form(actor=world.owner, order_type=order_type, fields=[
        *schema.fields, {"key": "model_no", "label": "型号", "kind": "text", "required": True, "searchable": True}])
    with pytest.raises(ValidationFailed) as info:
        world.make_order(order_type)
    assert "fields.model_no" in info.value.details
    order = world.make_order(order_type, fields={"model_no": "X-100"})
    assert order.fields == {"model_no": "X-100"}
    found = order_queries.filter_work_orders(world.dispatcher, type_id=order_type.pk, fields={"model_no": "X-1"})
    assert list(found) == [order]


def test_create_refuses_foreign_and_mismatched_references(world, other_company):
    other_tenant, _owner = other_company
    with tenant_context(other_tenant):
        foreign_customer = make_customer(other_tenant)
    with pytest.raises(ValidationFailed) as info:
        world.make_order(customer=foreign_customer)
    assert "customer" in info.value.details
    someone_elses = Product.objects.create(tenant=world.tenant, name="净水器", number="P1",
                                           customer=make_customer(world.tenant))
    with pytest.raises(ValidationFailed) as info:
        world.make_order(product=someone_elses, priority="urgent!")
    assert {"product", "priority"} <= set(info.value.details)
    assert not WorkOrder.objects.exists()


def test_a_product_without_customer_is_linked_to_the_orders_customer(world):
    product = Product.objects.create(tenant=world.tenant, name="空调", number="P2")
    world.make_order(product=product)
    product.refresh_from_db()
    assert product.customer == world.customer


def test_type_limited_to_teams(world):
    order_type = world.make_type(team_ids=[world.team.pk])
    outsider = make_user(world.tenant, roles=("director",))
    with pytest.raises(ValidationFailed):
        world.make_order(order_type, actor=outsider)
    world.customer.owners.add(world.engineer)  # a customer within the engineer's scope
    assert world.make_order(order_type, actor=world.engineer).order_type == order_type
    assert order_type not in type_queries.usable_types(outsider) and order_type in type_queries.usable_types(world.engineer)


def test_customer_owner_becomes_collaborator_when_the_setting_is_on(world):
    world.customer.owners.add(world.engineer2)
    assert world.make_order().collaborators.count() == 0
    set_setting(world.tenant, "customer.owner_as_collaborator", True)
    assert list(world.make_order(collaborator_ids=[world.engineer.pk]).collaborators.order_by("pk")) == [
        world.engineer, world.engineer2]


def test_update_records_field_changes_and_bumps_the_version(world):
    option = ServiceOption.objects.create(tenant=world.tenant, kind="service_type", name="上门维修")
    order = world.make_order()
    order = order_services.update_work_order(actor=world.dispatcher, order=order, expected_version=0,
                                       description="漏水", service_type=option, priority="high")
    assert (order.description, order.service_type, order.priority, order.version) == ("漏水", option, "high", 1)
    changed = {change["field"] for change in order_queries.timeline_of(order)[0].changes}
    assert changed == {"description", "service_type", "priority"}
    same = order_services.update_work_order(actor=world.dispatcher, order=order, description="漏水")
    assert same.version == 1  # nothing changed, nothing written


def test_update_refusals_change_nothing(world):
    order = world.make_order()
    assert_refused(order, Conflict, lambda: order_services.update_work_order(
        actor=world.dispatcher, order=order, expected_version=7, description="x"))
    assert_refused(order, ValidationFailed, lambda: order_services.update_work_order(
        actor=world.dispatcher, order=order, number="T1"))
    assert_refused(order, NotFound, lambda: order_services.update_work_order(
        actor=world.engineer, order=order, description="x"))
    cancelled = order_actions.cancel(actor=world.dispatcher, order=order, reason="客户取消")
    assert_refused(cancelled, Conflict, lambda: order_services.update_work_order(
        actor=world.dispatcher, order=cancelled, description="x"))


def test_changing_the_customer_takes_its_contact_and_address(world):
    order = world.make_order()
    other = make_customer(world.tenant, contact_name="李四", contact_phone="13800000000", city="北京",
                          address_detail="长安街1号", latitude="39.904200", longitude="116.407396")
    order = order_services.update_work_order(actor=world.dispatcher, order=order, customer=other)
    assert (order.customer, order.contact_name, order.address_text) == (other, "李四", "北京市长安街1号")


def test_copy_makes_a_new_pending_order(world):
    source = world.in_progress()
    copy = order_services.copy_work_order(actor=world.dispatcher, order=source)
    assert copy.pk != source.pk and copy.status == Status.PENDING and copy.assignee is None
    assert (copy.customer, copy.contact_name, copy.order_type) == (source.customer, source.contact_name,
                                                                   source.order_type)
    assert verbs(copy) == ["created", "copied"]


# --- refusals change nothing -----------------------------------------------------------------------------

def test_only_the_assignee_does_field_work(world):
    order = world.assigned()
    for actor in (world.dispatcher, world.owner):
        assert_refused(order, PermissionDenied, lambda a=actor: order_actions.accept(actor=a, order=order))
    assert_refused(order, NotFound, lambda: order_actions.accept(actor=world.engineer2, order=order))


def test_actions_out_of_turn_are_conflicts(world):
    order = world.assigned()
    for call in (lambda: order_actions.start(actor=world.engineer, order=order),
                 lambda: order_actions.complete(actor=world.engineer, order=order, content="x"),
                 lambda: order_actions.close(actor=world.dispatcher, order=order),
                 lambda: order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer2),
                 lambda: order_actions.resume(actor=world.engineer, order=order),
                 lambda: order_actions.reopen(actor=world.owner, order=order, reason="x")):
        error = assert_refused(order, Conflict, call)
        assert error.status == 409


def test_a_stale_version_is_a_conflict(world):
    order = world.assigned()
    error = assert_refused(order, Conflict, lambda: order_actions.accept(
        actor=world.engineer, order=order, expected_version=order.version - 1))
    assert error.details["version"] == order.version
    assert order_actions.accept(actor=world.engineer, order=order, expected_version=order.version).version == order.version + 1


def test_permission_codes_guard_dispatch_actions(world):
    order = world.make_order()
    assert_refused(order, NotFound, lambda: order_actions.assign(
        actor=world.engineer, order=order, assignee=world.engineer))  # not in the engineer's scope
    world.customer.owners.add(world.engineer)  # a customer the engineer may use
    mine = world.make_order(actor=world.engineer)
    assert_refused(mine, PermissionDenied, lambda: order_actions.assign(
        actor=world.engineer, order=mine, assignee=world.engineer))
    assert_refused(mine, PermissionDenied, lambda: order_actions.cancel(actor=world.engineer, order=mine, reason="x"))
    finished = order_actions.complete(actor=world.engineer, order=world.in_progress(), content="ok")
    assert_refused(finished, PermissionDenied, lambda: order_actions.reopen(
        actor=world.dispatcher, order=finished, reason="x"))


def test_assignee_must_be_an_active_colleague(world, other_company):
    order = world.make_order()
    disabled = make_user(world.tenant, is_active=False)
    _other_tenant, stranger = other_company
    for person in (disabled, stranger, None):
        error = assert_refused(order, ValidationFailed, lambda p=person: order_actions.assign(
            actor=world.dispatcher, order=order, assignee=p))
        assert "assignee" in error.details


def test_reasons_are_required(world):
    order = world.in_progress()
    assert_refused(order, ValidationFailed, lambda: order_actions.pause(actor=world.engineer, order=order, reason=" "))
    assert_refused(order, ValidationFailed, lambda: order_actions.cancel(actor=world.dispatcher, order=order, reason=""))
    assert_refused(order, ValidationFailed, lambda: order_actions.complete(actor=world.engineer, order=order,
                                                                      content=""))


# --- reject (D5) and transfer (D7, D8) --------------------------------------------------------------------

def test_reject_returns_the_order_to_the_dispatcher(world, django_capture_on_commit_callbacks):
    order = world.assigned()
    with django_capture_on_commit_callbacks(execute=True):
        order = order_actions.reject(actor=world.engineer, order=order, reason="不在服务区域")
    assert (order.status, order.assignee, order.is_rejected, order.is_exception) == (
        Status.PENDING, None, True, True)
    assert not order_queries.visible_work_orders(world.engineer).filter(pk=order.pk).exists()
    notice = Notification.objects.get(user=world.dispatcher)
    assert order.number in notice.title and notice.body == "不在服务区域"
    order = order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer2)
    assert not order.is_rejected and not order.is_exception


def test_reject_can_be_turned_off(world):
    set_setting(world.tenant, "workorder.allow_reject", False)
    order = world.assigned()
    assert_refused(order, PermissionDenied, lambda: order_actions.reject(actor=world.engineer, order=order, reason="x"))
    set_setting(world.tenant, "workorder.allow_reject", True)
    accepted = order_actions.accept(actor=world.engineer, order=order)
    assert_refused(accepted, Conflict, lambda: order_actions.reject(actor=world.engineer, order=accepted, reason="x"))


def test_transfer_needs_a_new_acceptance_by_default(world, django_capture_on_commit_callbacks):
    order = world.in_progress()
    with django_capture_on_commit_callbacks(execute=True):
        order = order_actions.transfer(actor=world.engineer, order=order, assignee=world.engineer2, note="我请假")
    assert (order.status, order.assignee, order.accepted_at) == (Status.ASSIGNED, world.engineer2, None)
    assert set(Notification.objects.values_list("user__name", flat=True)) == {"工程师甲", "工程师乙"}
    assert order_actions.accept(actor=world.engineer2, order=order).status == Status.ACCEPTED


def test_transfer_keeps_the_status_when_configured(world):
    set_setting(world.tenant, "workorder.transfer_keep_status", True)
    order = world.in_progress()
    spans = StatusSpan.objects.filter(order=order).count()
    order = order_actions.transfer(actor=world.dispatcher, order=order, assignee=world.engineer2, note="调整")
    assert (order.status, order.assignee) == (Status.IN_PROGRESS, world.engineer2)
    assert StatusSpan.objects.filter(order=order).count() == spans
    assert order_actions.complete(actor=world.engineer2, order=order, content="ok").status == Status.FINISHED


def test_transfer_note_and_permission_settings(world):
    order = world.in_progress()
    error = assert_refused(order, ValidationFailed, lambda: order_actions.transfer(
        actor=world.engineer, order=order, assignee=world.engineer2))
    assert "note" in error.details
    assert_refused(order, ValidationFailed, lambda: order_actions.transfer(
        actor=world.engineer, order=order, assignee=world.engineer, note="x"))
    set_setting(world.tenant, "workorder.allow_transfer", False)
    assert_refused(order, PermissionDenied, lambda: order_actions.transfer(
        actor=world.engineer, order=order, assignee=world.engineer2, note="x"))
    set_setting(world.tenant, "workorder.transfer_note_required", False)
    order = order_actions.transfer(actor=world.dispatcher, order=order, assignee=world.engineer2)
    assert order.assignee == world.engineer2


def test_batch_transfer_is_all_or_nothing(world):
    first, second = world.in_progress(), world.make_order()
    before = [state(first), state(second)]
    with pytest.raises(Conflict) as info:
        batch_services.batch_transfer(actor=world.dispatcher, orders=[first, second], assignee=world.engineer2, note="x")
    assert info.value.details["number"] == second.number and second.number in str(info.value.message)
    assert [state(first), state(second)] == before
    other = world.assigned()
    moved = batch_services.batch_transfer(actor=world.dispatcher, orders=[first, other], assignee=world.engineer2,
                                    note="批量")
    assert {order.assignee for order in moved} == {world.engineer2}
    with pytest.raises(PermissionDenied):
        batch_services.batch_transfer(actor=world.engineer, orders=[first], assignee=world.engineer, note="x")


# --- pause / resume, cancel, reopen, time tracking ----------------------------------------------------------

def test_pause_and_resume(world):
    order = world.in_progress()
    order = order_actions.pause(actor=world.engineer, order=order, reason="等配件")
    assert order.is_paused and order.is_exception and order.status == Status.IN_PROGRESS
    assert order_queries.tab_counts(world.dispatcher)["exception"] == 1
    assert_refused(order, Conflict, lambda: order_actions.complete(actor=world.engineer, order=order, content="x"))
    assert_refused(order, Conflict, lambda: order_actions.pause(actor=world.engineer, order=order, reason="again"))
    order = order_actions.resume(actor=world.engineer, order=order)
    assert not order.is_paused and not order.is_exception
    assert verbs(order)[-2:] == ["paused", "resumed"]
    paused = list(StatusSpan.objects.filter(order=order).values_list("status", "paused"))[-3:]
    assert paused == [("in_progress", False), ("in_progress", True), ("in_progress", False)]


def test_time_tracking_excludes_pauses(world, monkeypatch):
    clock = Clock(monkeypatch)
    order = world.make_order()
    clock.advance(minutes=10)
    order = order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer)
    clock.advance(minutes=10)
    order = order_actions.accept(actor=world.engineer, order=order)
    clock.advance(minutes=10)
    order = order_actions.start(actor=world.engineer, order=order)
    clock.advance(minutes=10)
    order = order_actions.pause(actor=world.engineer, order=order, reason="午休")
    clock.advance(minutes=30)
    order = order_actions.resume(actor=world.engineer, order=order)
    clock.advance(minutes=10)
    order = order_actions.complete(actor=world.engineer, order=order, content="ok")
    report = order_queries.time_in_statuses(order, now=clock.advance(hours=5))
    assert report.per_status["in_progress"] == 20 * 60 and report.per_status["pending"] == 10 * 60
    assert report.paused_seconds == 30 * 60
    assert report.total_seconds == 50 * 60  # 80 minutes to completion, 30 of them paused
    assert report.working_seconds == 30 * 60


def test_cancel_before_completion_only(world):
    order = world.in_progress()
    order = order_actions.pause(actor=world.engineer, order=order, reason="x")
    order = order_actions.cancel(actor=world.dispatcher, order=order, reason="客户取消")
    assert (order.status, order.is_paused, order.is_exception) == (Status.CANCELLED, False, False)
    assert order.cancelled_at and not StatusSpan.objects.filter(order=order, ended_at=None).exclude(
        status="cancelled").exists()
    finished = order_actions.complete(actor=world.engineer, order=world.in_progress(), content="ok")
    assert_refused(finished, Conflict, lambda: order_actions.cancel(actor=world.dispatcher, order=finished,
                                                               reason="x"))


def test_reopen_a_finished_or_closed_order(world):
    order = order_actions.complete(actor=world.engineer, order=world.in_progress(), content="ok")
    order = order_actions.close(actor=world.dispatcher, order=order)
    assert_refused(order, ValidationFailed, lambda: order_actions.reopen(actor=world.owner, order=order, reason=""))
    order = order_actions.reopen(actor=world.owner, order=order, reason="客户反馈未修好")
    assert (order.status, order.finished_at, order.closed_at) == (Status.IN_PROGRESS, None, None)
    assert Receipt.objects.get(order=order).is_draft
    assert order_actions.complete(actor=world.engineer, order=order, content="再次处理").status == Status.FINISHED
    no_start = order_actions.complete(actor=world.engineer, order=world.in_progress("start_off"), content="ok")
    assert order_actions.reopen(actor=world.owner, order=no_start, reason="x").status == Status.ACCEPTED


# --- approvals ---------------------------------------------------------------------------------------------

def test_refusing_an_approval_leaves_the_order_as_it_was(world, django_capture_on_commit_callbacks):
    order = world.make_order(world.make_type("approval_assign"))
    with django_capture_on_commit_callbacks(execute=True):
        order = order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer)
    assert Notification.objects.filter(user=world.approver, category="approval").count() == 1
    approval = Approval.objects.get(order=order)
    assert list(approval_queries.approvals_inbox(world.approver)) == [approval]
    assert list(approval_queries.approvals_inbox(world.dispatcher, requested=True)) == [approval]
    assert_refused(order, Conflict, lambda: order_actions.assign(
        actor=world.dispatcher, order=order, assignee=world.engineer2))  # one pending approval at a time
    assert_refused(order, PermissionDenied, lambda: approval_services.approve(
        actor=world.dispatcher, approval=approval))
    assert_refused(order, ValidationFailed, lambda: approval_services.refuse(
        actor=world.approver, approval=approval, note=""))
    with django_capture_on_commit_callbacks(execute=True):
        order = approval_services.refuse(actor=world.approver, approval=approval, note="先联系客户")
    assert (order.status, order.assignee, order.awaiting_approval, order.is_exception) == (
        Status.PENDING, None, False, False)
    assert Notification.objects.filter(user=world.dispatcher, category="approval").exists()
    assert list(approval_queries.approvals_inbox(world.approver, "refused")) == [approval]
    assert_refused(order, Conflict, lambda: approval_services.approve(
        actor=world.approver, approval=approval))


def test_withdraw_by_the_requester_only(world):
    order = world.make_order(world.make_type("approval_assign"))
    order = order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer)
    approval = Approval.objects.get(order=order)
    assert_refused(order, PermissionDenied, lambda: approval_services.withdraw(
        actor=world.approver, approval=approval))
    order = approval_services.withdraw(actor=world.dispatcher, approval=approval)
    approval.refresh_from_db()
    assert approval.state == "withdrawn" and not order.awaiting_approval


def test_approval_on_cancel(world):
    config = flow.default_flow()
    config["cancel"]["approval"] = {"rule": "creator", "user_ids": [], "role_id": None}
    order = world.make_order(world.make_type(flow=config))
    order = order_actions.cancel(actor=world.dispatcher, order=order, reason="重复工单")
    assert order.status == Status.PENDING and order.awaiting_approval
    approval = Approval.objects.get(order=order)
    # the creator asks: he may not approve his own request, so the administrators decide
    assert set(approval.approvers.all()) == {world.owner, world.approver} and approval.routed_to_admins
    assert approval.payload == {"reason": "重复工单"}
    assert approval_services.approve(actor=world.approver, approval=approval).status == Status.CANCELLED


def test_approver_rules_role_and_team_leader(world):
    leader = make_user(world.tenant, roles=("team_admin",), name="组长")
    world.team.leaders.add(leader)
    config = flow.default_flow()
    config["accept"]["approval"] = {"rule": "team_leader", "user_ids": [], "role_id": None}
    config["start"]["approval"] = {"rule": "role", "user_ids": [],
                                   "role_id": Role.objects.get(system_key="manager").pk}
    order = world.assigned(flow=config)
    order = order_actions.accept(actor=world.engineer, order=order)
    approval = Approval.objects.get(order=order, state="pending")
    assert list(approval.approvers.all()) == [leader]
    order = approval_services.approve(actor=leader, approval=approval)
    order = order_actions.start(actor=world.engineer, order=order)
    managers = set(Approval.objects.get(order=order, state="pending").approvers.all())
    assert world.approver in managers


def test_no_approver_found_is_a_clear_refusal(world):
    config = flow.default_flow()
    config["accept"]["approval"] = {"rule": "team_leader", "user_ids": [], "role_id": None}
    order = world.assigned(flow=config)
    User.objects.filter(pk__in=[world.owner.pk, world.approver.pk]).update(is_active=False)  # no administrator
    error = assert_refused(order, ValidationFailed, lambda: order_actions.accept(actor=world.engineer, order=order))
    assert "approval" in error.details


def test_approve_rechecks_the_table(world):
    order = world.make_order(world.make_type("approval_assign"))
    order = order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer)
    WorkOrder.objects.filter(pk=order.pk).update(status=Status.CANCELLED)  # changed behind the flow's back
    with pytest.raises(Conflict):
        approval_services.approve(actor=world.approver, approval=Approval.objects.get(order=order))
    assert Approval.objects.get(order=order).state == "pending"


# --- receipts and location ----------------------------------------------------------------------------------

def test_receipt_form_fields_and_options(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order_type = world.make_type(receipt_options={"require_signature": True, "require_attachments": False})
    schema = forms_engine.get_schema(order_type.receipt_target)
    type_services.save_receipt_form(actor=world.owner, order_type=order_type, fields=[
        *schema.fields, {"key": "meter", "label": "读数", "kind": "number", "required": True}])
    order = world.in_progress(order_type=order_type)
    error = assert_refused(order, ValidationFailed, lambda: order_actions.complete(
        actor=world.engineer, order=order, content="ok"))
    assert {"signature", "fields.meter"} <= set(error.details)

    draft = receipt_services.save_receipt_draft(actor=world.engineer, order=order, content="半成品", fields={"meter": 12})
    assert draft.is_draft and draft.fields == {"meter": 12}
    used = Tenant.objects.get(pk=world.tenant.pk).storage_used_bytes
    data_url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    order = order_actions.complete(actor=world.engineer, order=order, content="读数正常", signature=data_url)
    receipt = Receipt.objects.get(order=order)
    assert receipt.fields == {"meter": 12} and receipt.signature["content_type"] == "image/png"
    assert receipt.signature["url"].startswith("/files/")
    assert Tenant.objects.get(pk=world.tenant.pk).storage_used_bytes == used + receipt.signature["size"]


def test_a_bad_signature_is_refused(world):
    order = world.in_progress()
    error = assert_refused(order, ValidationFailed, lambda: order_actions.complete(
        actor=world.engineer, order=order, content="ok", signature="data:image/png;base64,bm90IGFuIGltYWdl"))
    assert "signature" in error.details


def test_store_upload_checks_type_size_and_quota(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ref = upload_services.store_upload(actor=world.engineer, file=SimpleUploadedFile("现场.png", png_bytes()))
    assert ref["content_type"] == "image/png" and ref["name"] == "现场.png"
    assert re.fullmatch(r"/files/[A-Za-z0-9_-]{32}", ref["url"])  # unguessable: nothing of tenant or name
    with pytest.raises(ValidationFailed):
        upload_services.store_upload(actor=world.engineer, file=SimpleUploadedFile("x.html", b"<script>"))
    with pytest.raises(ValidationFailed):
        upload_services.store_upload(actor=world.engineer, file=SimpleUploadedFile("fake.jpg", b"not a jpeg"))
    Tenant.objects.filter(pk=world.tenant.pk).update(storage_limit_mb=0)
    world.tenant.refresh_from_db()
    with pytest.raises(QuotaExceeded):
        upload_services.store_upload(actor=world.engineer, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))


def test_complete_accepts_stored_file_references(world):
    order = world.in_progress()
    refs = [{"name": "照片.jpg", "url": "/media/workorders/1/a.jpg", "size": 100, "content_type": "image/jpeg"}]
    order = order_actions.complete(actor=world.engineer, order=order, content="ok", attachments=refs)
    assert Receipt.objects.get(order=order).attachments == refs
    bad = world.in_progress()
    assert_refused(bad, ValidationFailed, lambda: order_actions.complete(
        actor=world.engineer, order=bad, content="ok", attachments=[{"name": "x", "url": "javascript:alert(1)"}]))


def test_location_anomaly_is_flagged_not_blocked(world):
    set_setting(world.tenant, "workorder.location_check_enabled", True)
    set_setting(world.tenant, "workorder.location_max_km", 1.0)
    order = world.assigned()
    order = order_actions.accept(actor=world.engineer, order=order)
    order = order_actions.start(actor=world.engineer, order=order, latitude="31.231", longitude="121.474")
    assert not order.location_anomaly
    world.engineer.refresh_from_db()
    assert str(world.engineer.last_latitude) == "31.231000" and world.engineer.last_located_at
    order = order_actions.complete(actor=world.engineer, order=order, content="ok", latitude="39.9042",
                              longitude="116.4074")  # Beijing, ~1000 km off
    assert order.status == Status.FINISHED and order.location_anomaly and order.is_exception
    assert "location_anomaly" in verbs(order)


def test_location_without_a_position_counts_as_anomaly_at_checked_nodes(world):
    set_setting(world.tenant, "workorder.location_check_enabled", True)
    set_setting(world.tenant, "workorder.location_check_nodes", ["start"])
    order = order_actions.accept(actor=world.engineer, order=world.assigned())
    order = order_actions.start(actor=world.engineer, order=order)
    assert order.location_anomaly


def test_report_location(world):
    location_services.report_location(user=world.engineer, latitude=30.5, longitude=114.3)
    world.engineer.refresh_from_db()
    assert (str(world.engineer.last_latitude), str(world.engineer.last_longitude)) == ("30.500000", "114.300000")
    with pytest.raises(ValidationFailed):
        location_services.report_location(user=world.engineer, latitude=91, longitude=0)


# --- notes and components ------------------------------------------------------------------------------------

def test_note_texted_to_the_contact(world, django_capture_on_commit_callbacks):
    order = world.assigned()
    with django_capture_on_commit_callbacks(execute=True):
        note = order_services.add_note(actor=world.engineer, order=order, content="明天上午到", sms_to_contact=True)
    assert note.sms_phone == "13900000000"
    assert SmsMessage.objects.get(phone="13900000000").content == "明天上午到"
    assert verbs(order)[-1] == "note" and list(order_queries.notes_of(order)) == [note]


def test_component_entries(world):
    component = type_services.save_component(actor=world.owner, name="安装清单", repeatable=False)
    schema = forms_engine.get_schema(component.form_target)
    type_services.save_component_form(actor=world.owner, component=component, fields=[
        *schema.fields, {"key": "qty", "label": "数量", "kind": "number", "required": True}])
    order_type = world.make_type(component_ids=[component.pk])
    order = world.make_order(order_type)
    entry = order_services.save_component_entry(actor=world.dispatcher, order=order, component=component,
                                          values={"qty": 2})
    again = order_services.save_component_entry(actor=world.dispatcher, order=order, component=component,
                                          values={"qty": 3})
    assert again.pk == entry.pk and again.fields == {"qty": 3}
    with pytest.raises(ValidationFailed):
        order_services.save_component_entry(actor=world.dispatcher, order=order, component=component, values={})
    with pytest.raises(DomainError):
        type_services.delete_component(actor=world.owner, component=component)


# --- deadlines and the timeout task ---------------------------------------------------------------------------

def reminder_type(world, *, when="before", minutes=30, hours=1):
    config = flow.default_flow()
    config["accept"]["timeout_hours"] = hours
    return world.make_type(flow=config, timeout_reminder={
        "related": ["assignee", "creator"], "user_ids": [world.approver.pk], "when": when, "minutes": minutes})


def test_deadline_follows_the_waiting_node(world, monkeypatch):
    clock = Clock(monkeypatch)
    order = world.make_order(reminder_type(world))
    assert order.deadline_at is None
    order = order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer)
    assert (order.deadline_node, order.deadline_at) == ("accept", clock.now + timedelta(hours=1))
    order = order_actions.accept(actor=world.engineer, order=order)
    assert (order.deadline_node, order.deadline_at) == ("", None)


def test_deadline_counts_in_working_hours_when_the_company_says_so(world, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    """工单超时仅按工作时间计算 (SYS-10): with the switch on, 4 hours from Friday 17:00 end on Monday 12:00
    (Mon–Fri 09:00–18:00, the company's zone); off, or without working hours, on the clock. The F2
    reminders stay relative to the deadline."""
    shanghai = ZoneInfo("Asia/Shanghai")
    clock = Clock(monkeypatch)
    clock.now = friday = datetime(2026, 3, 6, 17, 0, tzinfo=shanghai)
    monday_noon = datetime(2026, 3, 9, 12, 0, tzinfo=shanghai)
    order_type = reminder_type(world, hours=4, minutes=30)

    def assigned():
        order = order_actions.assign(actor=world.dispatcher, order=world.make_order(order_type), assignee=world.engineer)
        assert order.deadline_node == "accept"
        return WorkOrder.objects.get(pk=order.pk)

    assert assigned().deadline_at == friday + timedelta(hours=4)  # off by default
    set_setting(world.tenant, "working_hours.count_timeouts", True)
    counted = assigned()
    assert counted.deadline_at == monday_noon
    set_setting(world.tenant, "working_hours.enabled", False)
    assert assigned().deadline_at == friday + timedelta(hours=4)

    def run_timeouts_at(moment):
        with django_capture_on_commit_callbacks(execute=True):
            timeout_services.process_timeouts(now=moment)
        counted.refresh_from_db()
        return counted.is_overdue, set(TimeoutReminder.objects.filter(order=counted).values_list("kind", flat=True))

    assert run_timeouts_at(friday + timedelta(hours=4, minutes=1)) == (False, set())
    assert run_timeouts_at(monday_noon - timedelta(minutes=31)) == (False, set())
    assert run_timeouts_at(monday_noon - timedelta(minutes=29)) == (False, {"before"})  # 超时前 30 分钟
    assert run_timeouts_at(monday_noon + timedelta(minutes=1)) == (True, {"before", "overdue"})


def test_timeout_task_sends_each_reminder_once(world, monkeypatch, django_capture_on_commit_callbacks):
    clock = Clock(monkeypatch)
    order = order_actions.assign(actor=world.dispatcher, order=world.make_order(reminder_type(world)),
                            assignee=world.engineer)
    start = clock.now
    recipients = {world.engineer, world.dispatcher, world.approver}

    def run(**delta):
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.run_timeouts(now=start + timedelta(**delta))

    assert run(minutes=10) == 0
    assert run(minutes=40) == 1 and run(minutes=45) == 0
    assert {n.user for n in Notification.objects.filter(title__contains="times out")} == recipients
    version = WorkOrder.objects.get(pk=order.pk).version
    assert run(minutes=61) == 1 and run(minutes=62) == 0
    order.refresh_from_db()
    assert order.is_overdue and order.is_exception and order.version == version + 1
    assert verbs(order)[-1] == "overdue"
    assert TimeoutReminder.objects.filter(order=order).count() == 2
    assert Notification.objects.filter(title__contains="has timed out").count() == len(recipients)
    assert order_queries.tab_counts(world.dispatcher)["exception"] == 1
    clock.now = start + timedelta(minutes=70)
    order = order_actions.accept(actor=world.engineer, order=order)
    assert not order.is_overdue and not order.is_exception


def test_after_reminders_and_fallback_recipients(world, django_capture_on_commit_callbacks):
    order = order_actions.assign(actor=world.dispatcher, order=world.make_order(
        reminder_type(world, when="after", minutes=15)), assignee=world.engineer)
    deadline = order.deadline_at
    with django_capture_on_commit_callbacks(execute=True):
        assert timeout_services.process_timeouts(now=deadline + timedelta(minutes=5)) == 1  # overdue only
        # the "after" reminder
        assert timeout_services.process_timeouts(now=deadline + timedelta(minutes=16)) == 1
        assert timeout_services.process_timeouts(now=deadline + timedelta(minutes=30)) == 0
    kinds = set(TimeoutReminder.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == {"overdue", "after"}
    silent = flow.default_flow()
    silent["assign"]["timeout_hours"] = 0.5
    quiet = world.make_order(world.make_type(flow=silent))
    with django_capture_on_commit_callbacks(execute=True):
        timeout_services.process_timeouts(now=quiet.deadline_at + timedelta(seconds=1))
    assert Notification.objects.filter(user=world.dispatcher, title__contains=quiet.number).count() == 1


def test_timeouts_stay_inside_their_company(world):
    other, _owner = make_company()
    order = order_actions.assign(actor=world.dispatcher, order=world.make_order(reminder_type(world)),
                            assignee=world.engineer)
    assert tasks.run_timeouts(now=order.deadline_at + timedelta(minutes=1)) == 1
    with tenant_context(other):
        assert not TimeoutReminder.objects.exists()


# --- data scope --------------------------------------------------------------------------------------------------

def test_engineer_sees_own_orders_only(world):
    mine = world.assigned()
    theirs = world.assigned(assignee=world.engineer2)
    collaborating = world.make_order(collaborator_ids=[world.engineer.pk])
    world.customer.owners.add(world.engineer)  # a customer the engineer may use
    created = world.make_order(actor=world.engineer)
    visible = set(order_queries.visible_work_orders(world.engineer))
    assert visible == {mine, collaborating, created}
    assert theirs not in visible
    with pytest.raises(NotFound):
        order_queries.get_work_order(world.engineer, theirs.pk)


def test_team_scope_covers_team_members_orders(world):
    lead = make_user(world.tenant, roles=("team_admin",), teams=[world.team])
    outsider_team = make_team(world.tenant)
    outsider = make_user(world.tenant, roles=("engineer",), teams=[outsider_team])
    inside = world.assigned()
    outside = world.assigned(assignee=outsider)
    visible = set(order_queries.visible_work_orders(lead))
    assert inside in visible and outside not in visible
    world.customer.service_team = world.team
    world.customer.save()
    assert outside in set(order_queries.visible_work_orders(lead))


def test_another_companys_order_is_not_found(world, other_company):
    other_tenant, other_owner = other_company
    order = world.assigned()
    with tenant_context(other_tenant):
        with pytest.raises(NotFound):
            order_actions.cancel(actor=other_owner, order=order, reason="x")
        assert not order_queries.visible_work_orders(other_owner).exists()
    assert WorkOrder.objects.get(pk=order.pk).status == Status.ASSIGNED


# --- lists, counts, candidates ------------------------------------------------------------------------------------

def test_tab_counts_in_two_queries(world, django_assert_max_num_queries):
    world.make_order()
    world.assigned()
    order_actions.pause(actor=world.engineer, order=world.in_progress(), reason="x")
    with django_assert_max_num_queries(2):  # one GROUP BY status, one count of the exception flag
        counts = order_queries.tab_counts(world.dispatcher)
    assert (counts["pending"], counts["assigned"], counts["in_progress"], counts["exception"], counts["all"]) == (
        1, 1, 1, 1, 3)
    assert counts["finished"] == counts["closed"] == counts["cancelled"] == 0


def test_list_filters(world):
    first = world.assigned()
    second = world.make_order()
    assert list(order_queries.filter_work_orders(world.dispatcher, tab="pending")) == [second]
    assert list(order_queries.filter_work_orders(world.dispatcher, q=first.number)) == [first]
    assert set(order_queries.filter_work_orders(world.dispatcher, q=world.customer.name[:2])) == {first, second}
    assert list(order_queries.filter_work_orders(world.dispatcher, assignee_id=world.engineer.pk)) == [first]
    assert list(order_queries.filter_work_orders(world.engineer, scope="assigned")) == [first]
    assert list(order_queries.filter_work_orders(world.dispatcher, status=["assigned"])) == [first]
    with pytest.raises(ValidationFailed):
        order_queries.filter_work_orders(world.dispatcher, fields={"x": "1"})


def test_candidates_show_work_status_and_todays_counts(world, django_assert_max_num_queries):
    busy = WorkStatus.objects.get(name="休假中")
    world.engineer2.work_status = busy
    world.engineer2.save()
    order_actions.complete(actor=world.engineer, order=world.in_progress(), content="ok")
    world.assigned()
    order = world.make_order()
    with django_assert_max_num_queries(6):
        candidates = {c.user: c for c in pickers.candidates_for_assignment(world.dispatcher, order)}
    assert (candidates[world.engineer].done_today, candidates[world.engineer].open_count) == (1, 1)
    assert candidates[world.engineer].teams == [world.team.name]
    assert world.engineer2 in candidates
    set_setting(world.tenant, "workorder.hide_statuses", [busy.pk])
    assert world.engineer2 not in {c.user for c in pickers.candidates_for_assignment(world.dispatcher, order)}
    set_setting(world.tenant, "workorder.dispatch_by_team", True)
    by_team = {c.user for c in pickers.candidates_for_assignment(world.dispatcher, order)}
    assert by_team == {world.engineer}  # team members only; the dispatcher and managers have no team


def test_actions_for_reflect_flow_permissions_and_settings(world):
    order = world.assigned()
    assert policy.allowed_actions(world.engineer, order) == ["accept", "reject", "transfer"]
    assert policy.allowed_actions(world.dispatcher, order) == ["cancel", "transfer"]
    set_setting(world.tenant, "workorder.allow_reject", False)
    assert "reject" not in policy.allowed_actions(world.engineer, order)


# --- type management ---------------------------------------------------------------------------------------------

def test_save_type_validates_flow_references(world, other_company):
    _tenant, stranger = other_company
    config = flow.default_flow()
    config["start"]["approval"] = {"rule": "users", "user_ids": [stranger.pk], "role_id": None}
    with pytest.raises(ValidationFailed) as info:
        type_services.save_type(actor=world.owner, name="安装", color="red", flow=config)
    assert {"flow.start.approval", "color"} <= set(info.value.details)
    order_type = type_services.save_type(actor=world.owner, name="安装")
    assert order_type.flow == flow.default_flow()
    with pytest.raises(ValidationFailed):
        type_services.save_type(actor=world.owner, name="安装")
    with pytest.raises(PermissionDenied):
        type_services.save_type(actor=world.dispatcher, name="维修")


def test_delete_type_refused_when_used_and_reorder(world):
    used, unused = world.make_type(), world.make_type()
    world.make_order(used)
    with pytest.raises(DomainError) as info:
        type_services.delete_type(actor=world.owner, type=used)
    assert info.value.code == "in_use"
    type_services.reorder_types(actor=world.owner, type_ids=[unused.pk, used.pk])
    assert list(type_queries.all_types()) == [unused, used]
    type_services.delete_type(actor=world.owner, type=unused)
    assert list(type_queries.all_types()) == [used]


def test_service_options(world):
    option = type_services.save_service_option(actor=world.owner, kind="service_content", name="清洗")
    with pytest.raises(ValidationFailed):
        type_services.save_service_option(actor=world.owner, kind="service_content", name="清洗")
    type_services.save_service_option(actor=world.owner, option=option, kind="service_content", name="深度清洗",
                                      is_active=False)
    assert list(type_queries.service_options("service_content")) == []
    with pytest.raises(ValidationFailed):
        world.make_order(service_content=option)


def test_flow_variant_helper_builds_valid_flows(world):
    for variant in VARIANTS:
        assert flow.validate(flow_variant(variant, world.approver))
