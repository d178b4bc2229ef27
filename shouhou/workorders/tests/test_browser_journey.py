"""Browser journey of issue 4: the dispatcher creates a work order on the PC console and assigns it to an
engineer → the engineer, on a phone, accepts, starts, and completes it with a photo and a signature
drawn on the screen (回执并完成), the phone reporting its position → the dispatcher closes it.
Headless Chromium at PC and phone widths; screenshots under test-artifacts/."""

import io
import re

import pytest
from django.conf import settings as django_settings
from PIL import Image, ImageDraw

from shouhou.browser_fixtures import login, shot
from shouhou.core import company_settings
from shouhou.core.models import Activity
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import DEMO_PASSWORD, make_company, make_team, make_user
from shouhou.customers import services as customer_services
from shouhou.workorders.models import Receipt, Status, WorkOrder
from shouhou.workorders.services import types as type_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# the customer's address, and where the phone says it is (about 100 m away)
SITE = {"latitude": 31.230416, "longitude": 121.473701}
PHONE_POSITION = {"latitude": 31.231200, "longitude": 121.474300}
CUSTOMER_NAME = "华星电梯维保中心"
FLOW_VERBS = ["created", "assigned", "accepted", "started", "finished", "closed"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def in_chinese(live_server, *pages):
    """Tests run in English (conftest.py); the screenshots show the pages as their users see them, in
    Chinese. No assertion reads translated text, so this holds whether or not the catalogue is compiled."""
    for page in pages:
        page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans",
                                   "url": live_server.url}])


@pytest.fixture
def located_phone(phone):
    """The phone page, its browser allowed to read the position, standing near the customer."""
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation(PHONE_POSITION)
    return phone


def set_up_company():
    """A company with a type of the default flow (every node on), an engineer in a team, a customer with
    an address, and the location check on (1 km)."""
    tenant, owner = make_company()
    engineer = make_user(tenant, roles=("engineer",), name="工程师小王")
    make_team(tenant, name="维修一组", members=[engineer])
    with tenant_context(tenant):
        type_services.save_type(actor=owner, name="上门维修")
        customer_services.create_customer(
            actor=owner, name=CUSTOMER_NAME, contacts=[{"name": "刘经理", "phone": "13811112222"}],
            addresses=[{"province": "上海市", "city": "上海市", "district": "黄浦区", "detail": "人民大道 200 号",
                        "latitude": str(SITE["latitude"]), "longitude": str(SITE["longitude"])}])
        company_settings.update_settings(actor=owner, values={"workorder.location_check_enabled": True,
                                                             "workorder.location_max_km": 1.0})
    return tenant, owner, engineer


def photo_png():
    """A small picture, as a phone camera would hand over."""
    image = Image.new("RGB", (320, 240), "#d9e8f5")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 280, 200), outline="#1677ff", width=6)
    draw.line((40, 200, 280, 40), fill="#fa541c", width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def order_status(order):
    order.refresh_from_db()
    return order.status


# --- the dispatcher on the PC ------------------------------------------------------------------------------

def create_and_assign(page, engineer):
    """新建工单: the only type opens at once; pick the customer by search; 保存并派单 opens the assign
    dialog on the detail page; choose the engineer."""
    page.goto("/work-orders/new/")
    page.fill("#wo-customer-q", "华星")
    page.locator("[data-pick-customer]").filter(has_text=CUSTOMER_NAME).click()
    page.wait_for_selector("#wo-contact")  # the customer's contacts, addresses and products are loaded
    page.select_option("select[name=priority]", "high")
    page.fill("textarea[name=description]", "3 号梯运行异响，请上门检修。")
    shot(page, "issue4-01-pc-new-order")
    page.click("button[name=dispatch]")
    page.wait_for_url(re.compile(r"/work-orders/\d+/\?then=assign$"))
    order = WorkOrder.all_tenants.get(customer__name=CUSTOMER_NAME)
    assert order.status == Status.PENDING and order.priority == "high"

    dialog = page.locator("#modal-content")
    dialog.locator(f"input[name=assignee][value='{engineer.pk}']").check()
    shot(page, "issue4-02-pc-assign-dialog")
    dialog.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/work-orders/{order.pk}/$"))
    assert order_status(order) == Status.ASSIGNED and order.assignee_id == engineer.pk
    return order


def close_order(page, order):
    page.goto(f"/work-orders/{order.pk}/")
    page.click("[data-bs-target='#tab-receipt']")
    signature = page.locator("#tab-receipt img.wo-signature")
    signature.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=signature.element_handle())
    page.wait_for_function("pane => getComputedStyle(pane).opacity === '1'",  # faded in
                           arg=page.locator("#tab-receipt").element_handle())
    shot(page, "issue4-07-pc-finished-receipt")
    page.click("a[data-action=close]")
    dialog = page.locator("#modal-content")
    dialog.locator("textarea[name=note]").fill("客户确认，已关闭。")
    dialog.locator("button[type=submit]").click()
    # the dialog reloads the same page: wait for the reloaded one, which has no close button any more
    page.wait_for_selector("a[data-action=close]", state="detached")
    page.wait_for_selector(".wo-progress")


# --- the engineer on the phone -----------------------------------------------------------------------------

def mobile_login(phone, user):
    phone.goto("/m/login/")
    phone.fill("#m-username", user.phone)
    phone.fill("#m-password", DEMO_PASSWORD)
    phone.click("form button[type=submit]")
    phone.wait_for_url(lambda url: "/m/login/" not in url)


def tap_action(phone, order, action, status):
    """One of the phone's action buttons (a form posting to /m/orders/<pk>/<action>/); the action redirects
    to the detail page it was tapped on, so wait for the new status there rather than for the URL."""
    phone.click(f".m-actionbar form[action$='/{order.pk}/{action}/'] button[type=submit]")
    phone.wait_for_selector(f".m-summary .m-status-{status}")
    assert order_status(order) == status


def sign(phone):
    """Draw a stroke on the signature canvas, as a finger would."""
    canvas = phone.locator("[data-m-signature] canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    phone.mouse.move(x, y)
    phone.mouse.down()
    for step in range(1, 9):
        phone.mouse.move(x + step * 30, y + (18 if step % 2 else -18), steps=3)
    phone.mouse.up()
    assert phone.locator("[data-m-signature-data]").input_value().startswith("data:image/png;base64,")


def engineer_works(phone, order, engineer):
    mobile_login(phone, engineer)
    phone.goto("/m/orders/")
    card = phone.locator(f"a.m-order[href$='/m/orders/{order.pk}/']")
    assert CUSTOMER_NAME in card.inner_text()
    shot(phone, "issue4-03-phone-my-orders")
    card.click()
    phone.wait_for_url(re.compile(rf"/m/orders/{order.pk}/$"))
    shot(phone, "issue4-04-phone-order-assigned")

    tap_action(phone, order, "accept", Status.ACCEPTED)
    tap_action(phone, order, "start", Status.IN_PROGRESS)  # the page reads the position first
    shot(phone, "issue4-05-phone-in-progress")

    phone.click(f".m-actionbar a[href$='/m/orders/{order.pk}/receipt/']")
    phone.wait_for_url(re.compile(rf"/m/orders/{order.pk}/receipt/$"))
    phone.fill("textarea[name=content]", "更换 3 号梯导靴衬，调整导轨间隙，试运行正常。")
    phone.set_input_files("input[name=photos]", files=[
        {"name": "site.png", "mimeType": "image/png", "buffer": photo_png()}])
    phone.wait_for_selector("[data-m-photo-previews] .m-thumb img")
    sign(phone)
    shot(phone, "issue4-06-phone-receipt")
    phone.click("button[name=complete]")
    phone.wait_for_url(re.compile(rf"/m/orders/{order.pk}/$"))
    assert order_status(order) == Status.FINISHED


# --- the journey ---------------------------------------------------------------------------------------------

def test_dispatch_complete_on_phone_and_close(page, located_phone, live_server):
    phone = located_phone
    in_chinese(live_server, page, phone)
    tenant, owner, engineer = set_up_company()
    login(page, owner.phone, DEMO_PASSWORD)

    order = create_and_assign(page, engineer)
    engineer_works(phone, order, engineer)

    receipt = Receipt.all_tenants.get(order=order)
    assert not receipt.is_draft and receipt.content.startswith("更换 3 号梯")
    assert [ref["name"] for ref in receipt.attachments] == ["site.png"]
    assert receipt.signature, "the drawn signature is stored with the receipt"
    engineer.refresh_from_db()
    assert engineer.last_located_at is not None
    assert abs(float(engineer.last_latitude) - PHONE_POSITION["latitude"]) < 1e-5
    order.refresh_from_db()
    assert not order.location_anomaly, "the phone was 100 m from the address, inside the 1 km limit"
    assert phone.locator(".m-summary .m-status-finished").count() == 1
    assert phone.locator(".m-actionbar").count() == 0  # nothing left for the engineer to do
    phone.click("[data-m-tab=timeline]")
    shot(phone, "issue4-08-phone-finished-timeline")

    close_order(page, order)
    assert order_status(order) == Status.CLOSED
    verbs = list(Activity.all_tenants.filter(tenant=tenant, object_id=str(order.pk),
                                             content_type__model="workorder").order_by("created_at", "pk")
                 .values_list("verb", flat=True))
    assert [verb for verb in verbs if verb in FLOW_VERBS] == FLOW_VERBS
    assert "location_anomaly" not in verbs
    timeline = page.locator("#tab-flow .timeline > li")
    assert timeline.count() == len(verbs)
    assert timeline.first.locator("strong").inner_text() == owner.name  # the newest: the dispatcher closed it
    assert page.locator(".wo-progress li").count() >= 5
    shot(page, "issue4-09-pc-closed")
    assert not page.js_errors, page.js_errors
    assert not phone.js_errors, phone.js_errors

    # the closed order at phone width, in the dispatcher's console
    phone.context.clear_cookies()
    in_chinese(live_server, phone)
    login(phone, owner.phone, DEMO_PASSWORD)
    phone.goto(f"/work-orders/{order.pk}/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the work-order detail scrolls sideways on a phone ({width}px)"
    shot(phone, "issue4-10-phone-console-closed")
