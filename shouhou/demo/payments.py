"""Payments at completion for the demo company (issue 12, "Demo data"), made through the services: the
company collects at completion with every method on; six orders with fees, finished by their engineers
over the last days on the history clock (the one open QR code half an hour ago), in every state — paid by WeChat Pay and by Alipay (through the sandbox's signed notification, the
Alipay one partly refunded), a QR code still open, cash with its photo, a transfer refunded, one unpaid.

The demo company always uses the sandbox provider (payments.credentials). Orders already marked with
DEMO_MARK are kept, so seeding twice adds nothing."""

import io
from datetime import timedelta
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from shouhou.accounts.models import User
from shouhou.core import company_settings
from shouhou.demo.customers import REAL_NOW, HistoryClock, history, local_moment
from shouhou.demo.workorders import read_old_notifications
from shouhou.parts.models import ServiceItem
from shouhou.payments import services
from shouhou.workorders import flow
from shouhou.workorders.models import WorkOrder, WorkOrderType
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import orders as order_services

DEMO_MARK = "（演示收款）"
SETTINGS = {"payments.collect_on_completion": True, "payments.wechat_enabled": True,
            "payments.alipay_enabled": True, "payments.cash_enabled": True, "payments.transfer_enabled": True}
# (what the order was, quantity of the service item, what happens to its payment)
ORDERS = [
    ("空调不制冷上门维修", 2, "wechat"),
    ("净水器滤芯更换", 3, "alipay_refund"),
    ("热水器点火故障检修", 1, "pending"),
    ("门锁电池更换与调试", 1, "cash"),
    ("机房UPS年度检测", 4, "transfer_refund"),
    ("洗衣机排水管疏通", 1, "unpaid"),
]


def _photo():
    image = Image.new("RGB", (480, 320), (246, 246, 240))
    ImageDraw.Draw(image).rectangle((20, 20, 460, 300), outline=(40, 90, 160), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile("收款凭证.jpg", buffer.getvalue(), content_type="image/jpeg")


def _plain_type():
    """An enabled type whose steps up to completion need no approval (so completing finishes the order)."""
    for order_type in WorkOrderType.objects.filter(is_enabled=True).order_by("sort_order", "pk"):
        config = flow.normalize(order_type.flow)
        if all(flow.approval_rule(config, node) is None for node in ("assign", "accept", "start", "finish")):
            return order_type
    return None


def _finished_order(clock, actor, engineer, customer, order_type, item, text, quantity):
    """Created, assigned, accepted, started and completed over two hours on the clock."""
    order = order_services.create_work_order(actor=actor, order_type=order_type, customer=customer,
                                             description=text + DEMO_MARK)
    clock.advance(5)
    order = order_actions.assign(actor=actor, order=order, assignee=engineer)
    if order.status == "assigned":
        clock.advance(10)
        order = order_actions.accept(actor=engineer, order=order)
    clock.advance(45)
    order = order_actions.start(actor=engineer, order=order)
    clock.advance(60)
    return order_actions.complete(actor=engineer, order=order, content=f"已完成：{text}",
                                  service_items=[{"service_item_id": item.pk, "quantity": str(quantity)}])


def _settle(clock, actor, engineer, order, outcome):
    clock.advance(3)
    if outcome == "unpaid":
        return
    if outcome in ("cash", "transfer_refund"):
        method = "cash" if outcome == "cash" else "transfer"
        payment = services.record_offline_with_photo(actor=engineer, order=order, method=method, file=_photo(),
                                                     reference="" if method == "cash" else "网银转账 20261207-01")
    else:
        method = "alipay" if outcome.startswith("alipay") else "wechat"
        payment = services.request_payment(actor=engineer, order=order, method=method)
        if outcome == "pending":
            return
        clock.advance(2)
        services.sandbox_pay(payment.out_trade_no)
        payment.refresh_from_db()
    clock.advance(90)
    if outcome == "alipay_refund":
        services.refund(actor=actor, payment=payment, amount=str(payment.amount / 2), reason="客户自备部分材料")
    elif outcome == "transfer_refund":
        services.refund(actor=actor, payment=payment, reason="重复转账，原路退回")


def seed(actor, *, customers):
    """Create the demo payments once (with the demo company active); returns the orders made."""
    if WorkOrder.objects.filter(description__endswith=DEMO_MARK).exists():
        return []
    customers = list(customers)
    order_type = _plain_type()
    item = ServiceItem.objects.filter(sale_price__gt=0).order_by("pk").first()
    engineers = list(User.objects.for_tenant().filter(is_active=True, roles__system_key="engineer").order_by("pk")[:3])
    if not customers or order_type is None or item is None or not engineers:
        return []
    company_settings.update_settings(actor=actor, values=SETTINGS, permission="payment.settings")
    orders = []
    clock = HistoryClock()
    today = timezone.localdate()
    for index, (text, quantity, outcome) in enumerate(ORDERS):
        engineer = engineers[index % len(engineers)]
        # one a day over the last days, in office hours; the open QR code was shown half an hour ago
        start = (timezone.now() - timedelta(minutes=150) if outcome == "pending"
                 else local_moment(today - timedelta(days=len(ORDERS) - index), 9 + index))
        clock.set(start)
        with history(clock):
            order = _finished_order(clock, actor, engineer, customers[(index * 7) % len(customers)], order_type,
                                    item, text, quantity)
            _settle(clock, actor, engineer, order, outcome)
        orders.append(order)
    with history(clock):  # the engineers read their notices of those days, as the work-order demo's do
        read_old_notifications(SimpleNamespace(clock=clock, now=REAL_NOW()))
    return orders
