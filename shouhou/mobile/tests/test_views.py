"""The engineer's phone pages (/m/, MOB-01…19): every page renders, the field-work flow runs through the
views (accept → start → complete with a photo and a signature), stale pages change nothing, WOSET-C1/C2
show up, and data scope and company isolation hold (404)."""

import base64
import io
import itertools
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from shouhou.core.company_settings import update_settings
from shouhou.core.files import path_of
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, client_for, make_company, make_team, make_user
from shouhou.customers.models import Customer
from shouhou.messaging.models import Notification
from shouhou.messaging.services import notify
from shouhou.workorders import flow
from shouhou.workorders.models import Approval, Receipt, Status, WorkOrder
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import types as type_services

_seq = itertools.count(1)
SHANGHAI = ("31.230416", "121.473701")
BEIJING = ("39.904200", "116.407396")


def png_bytes(color="red", size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def signature_data_url():
    return "data:image/png;base64," + base64.b64encode(png_bytes("black", (40, 20))).decode()


class World:
    """A company with a dispatcher, two engineers, a manager who approves, a customer in Shanghai and a type."""

    def __init__(self, tenant, owner):
        self.tenant, self.owner = tenant, owner
        self.team = make_team(tenant, name=f"手机组{next(_seq)}")
        self.dispatcher = make_user(tenant, roles=("director",), name="调度员")
        self.engineer = make_user(tenant, roles=("engineer",), teams=[self.team], name="工程师甲")
        self.engineer2 = make_user(tenant, roles=("engineer",), teams=[self.team], name="工程师乙")
        self.approver = make_user(tenant, roles=("manager",), name="审批人")
        self.customer = Customer.objects.create(
            tenant=tenant, number=f"MC{next(_seq):05d}", name="上海示范客户", contact_name="张先生",
            contact_phone="13900000001", city="上海", address_detail="人民路1号", latitude=SHANGHAI[0],
            longitude=SHANGHAI[1], service_team=self.team)
        self.order_type = type_services.save_type(actor=owner, name=f"维修{next(_seq)}", color="#fa8c16")

    def order(self, *, assignee=None, order_type=None, **extra):
        order = order_services.create_work_order(actor=self.dispatcher, order_type=order_type or self.order_type,
                                           customer=self.customer, priority="normal", **extra)
        if assignee is not None:
            order = order_actions.assign(actor=self.dispatcher, order=order, assignee=assignee)
        return order

    def settings(self, **values):
        update_settings(actor=self.owner, values={f"workorder.{key}": value for key, value in values.items()})


@pytest.fixture
def world(tenant, owner, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return World(tenant, owner)


def fresh(order):
    return WorkOrder.objects.get(pk=order.pk)


def page_text(response):
    return response.content.decode()


def follow_messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- every page renders -------------------------------------------------------------------------------------

def test_every_page_renders_for_an_engineer(world):
    order = world.order(assignee=world.engineer, planned_at="2026-12-01T09:30")
    notify(users=[world.engineer], title="新工单提醒", url=reverse("workorders:detail", args=[order.pk]))
    client = client_for(world.engineer)
    pages = {
        reverse("mobile:home"): ["m-tabbar", "m-counters"],
        reverse("mobile:orders"): [order.number, world.customer.name, "m-seg"],
        reverse("mobile:order_detail", args=[order.pk]): [order.number, "tel:13900000001", "uri.amap.com",
                                                          "m-steps"],
        reverse("mobile:transfer", args=[order.pk]): [world.engineer2.name],
        reverse("mobile:create"): [world.order_type.name],
        reverse("mobile:create") + f"?type={world.order_type.pk}": ["m-customer-q", 'name="planned_at"'],
        reverse("mobile:approvals"): ["m-seg"],
        reverse("mobile:notifications"): ["新工单提醒"],
        reverse("mobile:me"): [world.engineer.name, 'name="status"'],
    }
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = page_text(response)
        for text in expected:
            assert text in body, (url, text)
        assert "<script>" not in body and " onclick=" not in body, url  # CSP: no inline script
    order = order_actions.accept(actor=world.engineer, order=order)
    order = order_actions.start(actor=world.engineer, order=order)
    response = client.get(reverse("mobile:receipt", args=[order.pk]))
    assert response.status_code == 200
    assert 'capture="environment"' in page_text(response) and "data-m-signature" in page_text(response)


def test_login_page_signs_in_with_the_accounts_service(world):
    client = client_for(world.engineer)
    client.logout()
    assert client.get(reverse("mobile:orders")).url.startswith(reverse("mobile:login"))
    response = client.post(reverse("mobile:login"), {"username": world.engineer.phone, "password": "wrong-pass"})
    assert response.status_code == 400 and "m-message-error" in page_text(response)
    response = client.post(reverse("mobile:login"), {"username": world.engineer.phone, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mobile:home")
    assert client.get(reverse("mobile:home")).status_code == 200
    assert client.post(reverse("mobile:logout")).url == reverse("mobile:login")


# --- the list ---------------------------------------------------------------------------------------------

def test_list_tabs_counts_search_and_load_more(world):
    for _ in range(22):
        world.order(assignee=world.engineer)
    accepted = order_actions.accept(actor=world.engineer, order=world.order(assignee=world.engineer))
    world.order(assignee=world.engineer2)  # not the engineer's: never listed
    client = client_for(world.engineer)
    response = client.get(reverse("mobile:orders"))
    tabs = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs == {"open": 23, "assigned": 22, "accepted": 1, "in_progress": 0}
    assert len(response.context["orders"]) == 20 and response.context["more_url"]
    more = client.get(response.context["more_url"], headers={"HX-Request": "true"})
    assert more.status_code == 200 and "<html" not in page_text(more)
    assert len(more.context["orders"]) == 3 and not more.context["more_url"]
    response = client.get(reverse("mobile:orders"), {"tab": "accepted", "q": accepted.number})
    assert [o.pk for o in response.context["orders"]] == [accepted.pk]


def test_card_shows_paused_and_overdue_tags(world):
    order = order_actions.accept(actor=world.engineer, order=world.order(assignee=world.engineer))
    order_actions.pause(actor=world.engineer, order=order, reason="等配件")
    WorkOrder.objects.filter(pk=order.pk).update(is_overdue=True)
    body = page_text(client_for(world.engineer).get(reverse("mobile:orders")))
    assert "Paused" in body or "暂停中" in body
    assert "Overdue" in body or "已超时" in body


# --- the field-work flow through the views -------------------------------------------------------------------

def test_engineer_accepts_starts_and_completes_with_photo_and_signature(world):
    order = world.order(assignee=world.engineer)
    client = client_for(world.engineer)
    response = client.post(reverse("mobile:action_accept", args=[order.pk]), {"expected_version": order.version})
    assert response.status_code == 302 and response.url == reverse("mobile:order_detail", args=[order.pk])
    order = fresh(order)
    assert order.status == Status.ACCEPTED
    response = client.post(reverse("mobile:action_start", args=[order.pk]),
                           {"expected_version": order.version, "latitude": SHANGHAI[0], "longitude": SHANGHAI[1]})
    order = fresh(order)
    assert order.status == Status.IN_PROGRESS and not order.location_anomaly
    world.engineer.refresh_from_db()
    assert world.engineer.last_located_at is not None

    photo = SimpleUploadedFile("site.png", png_bytes(), content_type="image/png")
    manual = SimpleUploadedFile("manual.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(reverse("mobile:receipt", args=[order.pk]), {
        "expected_version": order.version, "content": "更换了压缩机，试机正常", "photos": photo, "files": manual,
        "signature": signature_data_url(), "latitude": SHANGHAI[0], "longitude": SHANGHAI[1], "complete": "1",
    })
    assert response.status_code == 302, follow_messages(response) or page_text(response)[:2000]
    order = fresh(order)
    assert order.status == Status.FINISHED and order.finished_at is not None
    receipt = Receipt.objects.get(order=order)
    assert not receipt.is_draft and receipt.content == "更换了压缩机，试机正常"
    assert [ref["content_type"] for ref in receipt.attachments] == ["image/png", "application/pdf"]
    assert receipt.signature["content_type"] == "image/png" and receipt.signature["url"]
    stored = path_of(receipt.signature["url"])
    assert default_storage.exists(stored)
    with default_storage.open(stored) as file:
        assert Image.open(file).format == "PNG"
    detail = page_text(client.get(reverse("mobile:order_detail", args=[order.pk])))
    assert receipt.signature["url"] in detail and "更换了压缩机" in detail


def test_receipt_draft_keeps_what_was_typed(world):
    order = order_actions.start(actor=world.engineer, order=order_actions.accept(
        actor=world.engineer, order=world.order(assignee=world.engineer)))
    client = client_for(world.engineer)
    response = client.post(reverse("mobile:receipt", args=[order.pk]), {
        "expected_version": order.version, "content": "先暂存", "signature": signature_data_url(), "draft": "1"})
    assert response.status_code == 302
    receipt = Receipt.objects.get(order=order)
    assert receipt.is_draft and receipt.content == "先暂存" and receipt.signature["url"]
    assert fresh(order).status == Status.IN_PROGRESS
    page = page_text(client.get(reverse("mobile:receipt", args=[order.pk])))
    assert "先暂存" in page and receipt.signature["url"] in page


def test_reject_with_reason_pause_resume_and_transfer(world):
    client = client_for(world.engineer)
    order = world.order(assignee=world.engineer)
    response = client.post(reverse("mobile:action_reject", args=[order.pk]),
                           {"expected_version": order.version, "reason": ""}, follow=True)
    assert fresh(order).status == Status.ASSIGNED and follow_messages(response)  # a reason is required
    client.post(reverse("mobile:action_reject", args=[order.pk]), {"expected_version": order.version,
                                                                    "reason": "不在服务区域"})
    order = fresh(order)
    assert order.status == Status.PENDING and order.is_rejected and order.assignee is None

    order = order_actions.accept(actor=world.engineer, order=world.order(assignee=world.engineer))
    client.post(reverse("mobile:action_pause", args=[order.pk]), {"expected_version": order.version,
                                                                   "reason": "等客户回来"})
    order = fresh(order)
    assert order.is_paused
    client.post(reverse("mobile:action_resume", args=[order.pk]), {"expected_version": order.version})
    order = fresh(order)
    assert not order.is_paused

    page = client.get(reverse("mobile:transfer", args=[order.pk]))
    assert world.engineer2.pk in [c.user.pk for c in page.context["candidates"]]
    client.post(reverse("mobile:transfer", args=[order.pk]), {"expected_version": order.version,
                                                               "assignee": world.engineer2.pk, "note": "交给乙"})
    order = fresh(order)
    assert order.assignee == world.engineer2 and order.status == Status.ASSIGNED


def test_stale_version_shows_the_conflict_and_changes_nothing(world):
    order = world.order(assignee=world.engineer)
    stale = order.version
    order_services.update_work_order(actor=world.dispatcher, order=order, description="调度员改了描述")
    order = fresh(order)
    client = client_for(world.engineer)
    response = client.post(reverse("mobile:action_accept", args=[order.pk]), {"expected_version": stale}, follow=True)
    assert response.status_code == 200
    assert any("changed by someone else" in m or "已被他人修改" in m for m in follow_messages(response))
    assert response.redirect_chain[-1][0] == reverse("mobile:order_detail", args=[order.pk])
    after = fresh(order)
    assert (after.status, after.version, after.accepted_at) == (Status.ASSIGNED, order.version, None)

    order = order_actions.start(actor=world.engineer, order=order_actions.accept(actor=world.engineer, order=after))
    response = client.post(reverse("mobile:receipt", args=[order.pk]), {
        "expected_version": order.version - 1, "content": "完成", "complete": "1",
        "photos": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")}, follow=True)
    assert any("changed by someone else" in m or "已被他人修改" in m for m in follow_messages(response))
    assert fresh(order).status == Status.IN_PROGRESS and not Receipt.objects.filter(order=order).exists()
    world.tenant.refresh_from_db()
    assert world.tenant.storage_used_bytes == 0  # the photo of a stale page was not stored


# --- company settings on the phone (WOSET-C1, C2) -------------------------------------------------------------

def test_camera_only_setting_is_said_and_enforced(world):
    order = order_actions.start(actor=world.engineer, order=order_actions.accept(
        actor=world.engineer, order=world.order(assignee=world.engineer)))
    client = client_for(world.engineer)
    page = page_text(client.get(reverse("mobile:receipt", args=[order.pk])))
    assert "data-m-camera-only" not in page
    world.settings(photo_camera_only=True)
    page = page_text(client.get(reverse("mobile:receipt", args=[order.pk])))
    assert "data-m-camera-only" in page and "data-m-no-images" in page
    assert "Camera only" in page or "仅限" in page
    assert 'capture="environment"' in page
    picture = SimpleUploadedFile("album.jpg", png_bytes(), content_type="image/jpeg")
    response = client.post(reverse("mobile:receipt", args=[order.pk]), {
        "expected_version": order.version, "content": "完成", "files": picture, "complete": "1"})
    assert response.status_code == 400
    assert fresh(order).status == Status.IN_PROGRESS


@pytest.mark.parametrize("position, flagged", [(BEIJING, True), (SHANGHAI, False)])
def test_location_anomaly_is_flagged_when_far(world, position, flagged):
    world.settings(location_check_enabled=True, location_max_km=2.0, location_check_nodes=["start", "finish"])
    order = order_actions.accept(actor=world.engineer, order=world.order(assignee=world.engineer))
    client = client_for(world.engineer)
    client.post(reverse("mobile:action_start", args=[order.pk]),
                {"expected_version": order.version, "latitude": position[0], "longitude": position[1]})
    order = fresh(order)
    assert order.status == Status.IN_PROGRESS  # flagged, never blocked
    assert order.location_anomaly is flagged and order.is_exception is flagged
    detail = page_text(client.get(reverse("mobile:order_detail", args=[order.pk])))
    assert ("m-flag-location_anomaly" in detail) is flagged


def test_report_location_stores_the_last_position(world):
    client = client_for(world.engineer)
    response = client.post(reverse("mobile:location"), {"latitude": BEIJING[0], "longitude": BEIJING[1]})
    assert response.status_code == 200 and response.json()["ok"]
    world.engineer.refresh_from_db()
    assert str(world.engineer.last_latitude) == BEIJING[0] and world.engineer.last_located_at is not None
    assert client.post(reverse("mobile:location"), {"latitude": "999", "longitude": "1"}).status_code == 400


# --- scope and isolation --------------------------------------------------------------------------------------

def test_another_engineers_order_is_404(world):
    theirs = world.order(assignee=world.engineer2)
    client = client_for(world.engineer)
    for name in ("mobile:order_detail", "mobile:receipt", "mobile:transfer"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404, name
    response = client.post(reverse("mobile:action_accept", args=[theirs.pk]), {"expected_version": theirs.version})
    assert response.status_code == 404
    assert fresh(theirs).status == Status.ASSIGNED
    assert theirs.number not in page_text(client.get(reverse("mobile:orders") + "?scope=all"))


def test_another_companys_order_is_404(world):
    tenant_b, owner_b = make_company()
    with tenant_context(tenant_b):
        customer = Customer.objects.create(tenant=tenant_b, number="B00001", name="乙公司客户")
        order_type = type_services.save_type(actor=owner_b, name="乙类型")
        order_b = order_services.create_work_order(actor=owner_b, order_type=order_type, customer=customer,
                                             priority="normal")
    client = client_for(world.owner)
    for name in ("mobile:order_detail", "mobile:receipt", "mobile:transfer"):
        assert client.get(reverse(name, args=[order_b.pk])).status_code == 404, name
    assert client.post(reverse("mobile:action_accept", args=[order_b.pk]),
                       {"expected_version": 0}).status_code == 404
    assert client.get(reverse("mobile:create") + f"?type={order_type.pk}").status_code == 404
    assert client.get(reverse("mobile:customer_pick") + f"?customer={customer.pk}").status_code == 404


# --- creating, approvals, notifications, me -------------------------------------------------------------------

def test_engineer_creates_an_order_with_save_only(world):
    client = client_for(world.engineer)
    page = client.get(reverse("mobile:create") + f"?type={world.order_type.pk}")
    assert 'name="dispatch"' not in page_text(page)  # engineers may not assign
    # the one button reads as the primary action, not "save only" (issue 15)
    assert re.search(r'name="save" value="1" class="btn m-btn btn-primary">(Create work order|创建工单)<', page_text(page))
    block = client.get(reverse("mobile:customer_pick"), {"customer": world.customer.pk})
    assert 'name="contact"' in page_text(block) and world.customer.name in page_text(block)
    response = client.post(reverse("mobile:create"), {
        "order_type": world.order_type.pk, "customer": world.customer.pk, "priority": "normal",
        "planned_at": "2026-12-02T10:00", "description": "空调不制冷", "save": "1",
        "attachments": SimpleUploadedFile("fault.png", png_bytes(), content_type="image/png")})
    assert response.status_code == 302
    order = WorkOrder.objects.get(description="空调不制冷")
    assert order.status == Status.PENDING and order.created_by == world.engineer
    assert order.attachments[0]["content_type"] == "image/png"
    assert response.url == reverse("mobile:order_detail", args=[order.pk])


def test_planned_time_is_required_on_the_phone(world):
    response = client_for(world.dispatcher).post(reverse("mobile:create"), {
        "order_type": world.order_type.pk, "customer": world.customer.pk, "priority": "normal", "save": "1"})
    assert response.status_code == 400 and response.context["form"].errors["planned_at"]
    assert not WorkOrder.objects.exists()


def test_dispatcher_creates_a_customer_and_product_inline_and_dispatches(world):
    client = client_for(world.dispatcher)
    block = client.post(reverse("mobile:customer_create"), {"qc-name": "新建的客户", "qc-contact_name": "王女士",
                                                           "qc-contact_phone": "13911112222", "qc-city": "上海",
                                                           "qc-detail": "淮海路100号"},
                        headers={"HX-Request": "true"})
    customer = Customer.objects.get(name="新建的客户")
    assert f'name="customer" value="{customer.pk}"' in page_text(block)
    block = client.post(reverse("mobile:product_create"), {"customer": customer.pk, "qp-name": "空调",
                                                          "qp-number": "AC-001"}, headers={"HX-Request": "true"})
    product = block.context["products"][0]
    assert product.customer_id == customer.pk and block.context["selected"]["product"] == str(product.pk)
    response = client.post(reverse("mobile:create"), {
        "order_type": world.order_type.pk, "customer": customer.pk, "product": product.pk, "priority": "high",
        "planned_at": "2026-12-03T14:00", "assignee": world.engineer.pk, "dispatch": "1"})
    assert response.status_code == 302
    order = WorkOrder.objects.get(customer=customer)
    assert order.status == Status.ASSIGNED and order.assignee == world.engineer and order.product == product
    assert order.contact_name == "王女士"


def test_approvals_approve_refuse_and_withdraw(world):
    approving = flow.default_flow()
    approving["start"]["approval"] = {"rule": "users", "user_ids": [world.approver.pk], "role_id": None}
    order_type = type_services.save_type(actor=world.owner, name="需审批的类型", flow=approving)
    engineer = client_for(world.engineer)
    approver = client_for(world.approver)

    def ask():
        order = order_actions.accept(actor=world.engineer, order=world.order(assignee=world.engineer,
                                                                        order_type=order_type))
        engineer.post(reverse("mobile:action_start", args=[order.pk]), {"expected_version": order.version})
        assert fresh(order).awaiting_approval
        return order, Approval.objects.get(order=order, state="pending")

    order, approval = ask()
    page = approver.get(reverse("mobile:approvals"))
    assert [row["approval"].pk for row in page.context["rows"]] == [approval.pk]
    approver.post(reverse("mobile:approval_approve", args=[approval.pk]), {"note": "同意"})
    assert fresh(order).status == Status.IN_PROGRESS

    order, approval = ask()
    approver.post(reverse("mobile:approval_refuse", args=[approval.pk]), {"note": ""})
    assert Approval.objects.get(pk=approval.pk).state == "pending"  # a refusal needs a note
    approver.post(reverse("mobile:approval_refuse", args=[approval.pk]), {"note": "今天不能开工"})
    assert fresh(order).status == Status.ACCEPTED and not fresh(order).awaiting_approval

    order = fresh(order)
    engineer.post(reverse("mobile:action_start", args=[order.pk]), {"expected_version": order.version})
    approval = Approval.objects.get(order=order, state="pending")
    mine = engineer.get(reverse("mobile:approvals") + "?state=mine")
    assert [row["actions"] for row in mine.context["rows"]] == [["withdraw"]]
    engineer.post(reverse("mobile:approval_withdraw", args=[approval.pk]))
    assert Approval.objects.get(pk=approval.pk).state == "withdrawn"
    # the engineer is not an approver
    order, approval = ask()
    engineer.post(reverse("mobile:approval_approve", args=[approval.pk]))
    assert Approval.objects.get(pk=approval.pk).state == "pending"


def test_notification_opens_the_mobile_detail_and_is_marked_read(world):
    order = world.order(assignee=world.engineer)
    notify(users=[world.engineer], title="新工单", url=reverse("workorders:detail", args=[order.pk]))
    notify(users=[world.engineer], title="系统通知")
    client = client_for(world.engineer)
    notice = Notification.objects.get(title="新工单")
    response = client.get(reverse("mobile:notification_open", args=[notice.pk]))
    assert response.url == reverse("mobile:order_detail", args=[order.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    page = client.get(reverse("mobile:notifications") + "?show=unread")
    assert [n.title for n in page.context["notifications"]] == ["系统通知"]
    client.post(reverse("mobile:notifications_read_all"))
    assert not Notification.objects.filter(user=world.engineer, read_at=None).exists()
    other = Notification.objects.filter(user=world.dispatcher).first() or notify(
        users=[world.dispatcher], title="调度员的")[0]
    assert client.get(reverse("mobile:notification_open", args=[other.pk])).status_code == 404


def test_me_switches_work_status_and_counts_todays_work(world):
    from shouhou.accounts.models import WorkStatus

    order = order_actions.start(actor=world.engineer, order=order_actions.accept(
        actor=world.engineer, order=world.order(assignee=world.engineer)))
    order_actions.complete(actor=world.engineer, order=order, content="好了")
    client = client_for(world.engineer)
    page = client.get(reverse("mobile:me"))
    assert page.context["finished_today"] == 1
    status = WorkStatus.objects.exclude(pk=world.engineer.work_status_id).first()
    client.post(reverse("mobile:work_status"), {"status": status.pk})
    world.engineer.refresh_from_db()
    assert world.engineer.work_status == status


def test_home_counters_follow_the_scope(world):
    world.order(assignee=world.engineer)
    order_actions.accept(actor=world.engineer, order=world.order(assignee=world.engineer))
    world.order(assignee=world.engineer2)
    world.order()  # pending, the dispatcher's
    counters = client_for(world.engineer).get(reverse("mobile:home")).context["counters"]
    assert (counters["open"], counters["pending"], counters["mine_open"]) == (2, 0, 2)
    counters = client_for(world.dispatcher).get(reverse("mobile:home")).context["counters"]
    assert (counters["open"], counters["pending"]) == (4, 1)
    body = page_text(client_for(world.engineer).get(reverse("mobile:home")))
    # the hero line says whose orders it counts, the four figures under it which scope (issue 15)
    assert re.search(r"2 unfinished work orders assigned to me|我负责的未完成工单 2 个", body)
    assert re.search(r"Work orders I created, handle or collaborate on|与我相关的工单", body)


def test_addon_component_tab_is_filled_from_the_phone(world):
    component = type_services.save_component(actor=world.owner, name="电表读数", repeatable=False)
    type_services.save_component_form(
        actor=world.owner, component=component,
        fields=[{"key": "reading", "label": "读数", "kind": "text", "required": True}])
    type_services.save_type(actor=world.owner, type=world.order_type, name=world.order_type.name,
                            color=world.order_type.color, component_ids=[component.pk])
    order = order_actions.accept(actor=world.engineer, order=world.order(assignee=world.engineer))
    client = client_for(world.engineer)
    detail = client.get(reverse("mobile:order_detail", args=[order.pk]))
    assert [tab["add_url"] for tab in detail.context["components"]] == [
        reverse("mobile:component_add", args=[order.pk, component.pk])]
    response = client.post(reverse("mobile:component_add", args=[order.pk, component.pk]), {"cf_reading": ""})
    assert response.status_code == 400
    response = client.post(reverse("mobile:component_add", args=[order.pk, component.pk]), {"cf_reading": "1234.5"})
    assert response.status_code == 302
    detail = client.get(reverse("mobile:order_detail", args=[order.pk]))
    tab = detail.context["components"][0]
    assert tab["add_url"] == "" and "1234.5" in page_text(detail)  # single: filled once, then edited
    entry = tab["entries"][0]["entry"]
    client.post(reverse("mobile:component_edit", args=[order.pk, component.pk, entry.pk]), {"cf_reading": "1300"})
    entry.refresh_from_db()
    assert entry.fields == {"reading": "1300"}


def test_dispatch_by_service_team_narrows_the_phone_assignee_list_to_the_posted_customer(world):
    """启用按服务团队派单 on: a new order dispatched from the phone goes to the customer's service team only."""
    update_settings(actor=world.owner, values={"team.dispatch_by_team": True})
    outsider = make_user(world.tenant, roles=("engineer",), name="外组工程师")
    client = client_for(world.dispatcher)
    body = {"order_type": world.order_type.pk, "customer": world.customer.pk, "priority": "normal",
            "planned_at": "2026-12-03T14:00", "description": "按服务团队派单", "dispatch": "1"}
    response = client.post(reverse("mobile:create"), {**body, "assignee": outsider.pk})
    assert response.status_code == 400 and response.context["form"].errors["assignee"]
    assert {c.user for c in response.context["candidates"]} == {world.engineer, world.engineer2}
    assert not WorkOrder.objects.filter(description="按服务团队派单").exists()
    response = client.post(reverse("mobile:create"), {**body, "assignee": world.engineer2.pk})
    assert response.status_code == 302
    assert WorkOrder.objects.get(description="按服务团队派单").assignee == world.engineer2


def test_approvals_page_shows_a_cancel_request_with_its_reason(world):
    """A cancel (reject, pause) request's payload has a reason and no note: the page answered 500."""
    approving = flow.default_flow()
    approving["cancel"]["approval"] = {"rule": "users", "user_ids": [world.approver.pk], "role_id": None}
    order_type = type_services.save_type(actor=world.owner, name="取消需审批", flow=approving)
    order = world.order(assignee=world.engineer, order_type=order_type)
    order_actions.cancel(actor=world.dispatcher, order=order, reason="客户不需要了")
    page = client_for(world.approver).get(reverse("mobile:approvals"))
    assert page.status_code == 200
    assert "客户不需要了" in page_text(page)
