"""Test data of payments, built through the services: a finished order with fees, a payment request, an
offline payment, the company's payment settings."""

import io
import itertools

_seq = itertools.count(1)

ALL_ON = {"payments.collect_on_completion": True, "payments.wechat_enabled": True,
          "payments.alipay_enabled": True, "payments.cash_enabled": True, "payments.transfer_enabled": True}


def png_file(name="receipt.png"):
    """A small real PNG upload (the photo of an offline payment)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class PaymentsFactory:
    def __init__(self, actor):
        self.actor = actor

    def enable(self, **values):
        """Collect at completion with every method on (the values given change that)."""
        from shouhou.core import company_settings

        company_settings.update_settings(actor=self.actor, values={**ALL_ON, **values}, permission="payment.settings")

    def billed_order(self, *, price="80.00", quantity="1", **values):
        """An order assigned to the actor and completed with one service item: its fees are price × quantity."""
        from shouhou.parts.factories import PartsFactory
        from shouhou.workorders.factories import WorkordersFactory
        from shouhou.workorders.services import actions as order_actions

        item = PartsFactory(self.actor).service_item(sale_price=price)
        worker = values.get("assignee") or self.actor  # the assignee does the field work
        order = order_actions.accept(actor=worker, order=WorkordersFactory(self.actor).assigned(**values))
        order = order_actions.start(actor=worker, order=order)
        return order_actions.complete(actor=worker, order=order, content=f"收款测试{next(_seq)}",
                                      service_items=[{"service_item_id": item.pk, "quantity": quantity}])

    def request(self, order=None, *, method="wechat"):
        from shouhou.payments import services

        return services.request_payment(actor=self.actor, order=order or self.billed_order(), method=method)

    def paid(self, order=None, *, method="wechat"):
        """A payment request paid through the sandbox's signed notification."""
        from shouhou.payments import services

        payment = self.request(order, method=method)
        services.sandbox_pay(payment.out_trade_no)
        payment.refresh_from_db()
        return payment

    def offline(self, order=None, *, method="cash", reference=""):
        from shouhou.payments import services
        from shouhou.workorders.services import uploads

        photo = uploads.store_upload(actor=self.actor, file=png_file(), images_only=True)
        return services.record_offline(actor=self.actor, order=order or self.billed_order(), method=method,
                                       photo=photo, reference=reference)
